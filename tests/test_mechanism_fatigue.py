"""fatigue: strain from meetings and unmet asks, its drive, and key people leaving."""

import numpy as np
from builders import params, state

from hta_sim.mechanisms import fatigue, trust_ladder

TIRE = {"fatigue.meeting_load": 0.25, "fatigue.unmet_load": 0.5, "fatigue.memory_months": 4.0,
        "fatigue.weight": 0.5, "fatigue.turnover_rate": 0.125, "fatigue.turnover_loss": 0.25,
        "fatigue.turnover_alignment": 0.25}


def test_strain_is_meetings_plus_what_was_put_in_for_less_than_expected():
    # meetings 1 and 0.5 a month; invested 0.5 each; perceived half and all of the expectation
    s = state(partners=2, active=True, meetings=[1.0, 0.5], invested=0.5, perceived=[0.5, 1.0],
              expectation=1.0)
    got = fatigue.strain(s, params(TIRE))
    np.testing.assert_array_equal(got, [[0.25 * 1.0 + 0.5 * 0.5 * 0.5, 0.25 * 0.5]])


def test_fatigue_moves_one_memory_of_the_way_to_strain_and_drives_engagement_down():
    p = params(TIRE)
    s = state(partners=2, active=[True, False], meetings=1.0, fatigue=[0.125, 0.5])
    fatigue.wear(s, p)
    np.testing.assert_array_equal(s.fatigue, [[0.125 + (0.25 - 0.125) / 4.0, 0.0]])
    np.testing.assert_array_equal(fatigue.drive(s, p), [[-0.5 * 0.15625, -0.0]])


def test_off_fatigue_has_no_drive():
    s = state(active=True, fatigue=0.75)
    assert not fatigue.drive(s, params({**TIRE, "mechanisms.fatigue": False})).any()


def test_a_key_person_leaves_on_a_draw_below_the_rate_and_takes_engagement_and_fit_with_them():
    p = params(TIRE)
    s = state(active=True, engagement=0.5, sustained=0.5, alignment=0.5)
    u = np.array([[0.0625, 0.125, 0.5]])  # below the rate, at it, above it
    v = np.array([[1.0, 0.0, 0.0]])
    changed = fatigue.key_person_leaves(s, p, u, v)
    np.testing.assert_array_equal(changed, [[True, False, False]])
    np.testing.assert_array_equal(s.engagement, [[0.375, 0.5, 0.5]])
    np.testing.assert_array_equal(s.sustained, [[0.375, 0.5, 0.5]])
    np.testing.assert_array_equal(s.alignment, [[0.75, 0.5, 0.5]])  # 0.5 + 0.25 (2 x 1 - 1)
    np.testing.assert_array_equal(s.key_changes, [1])


def test_a_new_key_persons_lower_commitment_is_what_the_ladder_reads():
    """The successor's sustained engagement sags below the fall line: the ladder's own rule drops
    the rung (at its neglect chance), a month later than the change, and never by more than one."""
    p = params({**TIRE, "fatigue.turnover_loss": 0.5, "trust_ladder.climb_base": 0.5,
                "trust_ladder.climb_step": 0.0625, "trust_ladder.fall_margin": 0.0,
                "trust_ladder.fall_probability": 1.0, "trust_ladder.memory_months": 1.0})
    s = state(partners=1, active=True, rung=4, engagement=0.8, sustained=0.8)
    fatigue.key_person_leaves(s, p, np.array([[0.0]]), np.array([[0.5]]))
    trust_ladder.climb_and_fall(s, p, np.array([[0.0]]))
    # sustained 0.4 < need(4) - step = 0.75 - 0.0625: one rung down
    np.testing.assert_array_equal(s.rung, [[3]])
    np.testing.assert_array_equal(s.rung_falls, [1])


def test_off_no_key_person_leaves():
    s = state(active=True, engagement=0.5)
    changed = fatigue.key_person_leaves(s, params({**TIRE, "mechanisms.turnover": False}),
                                        np.zeros((1, 3)), np.zeros((1, 3)))
    assert not changed.any()
    np.testing.assert_array_equal(s.engagement, [[0.5, 0.5, 0.5]])

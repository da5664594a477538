"""coordination and spiral: the backbone's upkeep of the network and of the build."""

import numpy as np
from builders import month, params, state

from hta_sim.mechanisms import board_ab_split, coordination, spiral

UPKEEP = {"coordination.staff_needed": 2.0, "coordination.rate": 0.25}


def test_with_no_secretariat_staff_coordination_decays_at_its_rate():
    p = params(UPKEEP)
    s = state(coordination=1.0, secretariat_staff=0.0)
    for n in range(1, 5):
        coordination.upkeep(s, p)
        np.testing.assert_array_equal(s.coordination, [0.75**n])


def test_coordination_follows_the_share_of_the_staff_it_needs():
    p = params(UPKEEP)
    s = state(reps=3, coordination=0.5, secretariat_staff=[1.0, 2.0, 3.0])
    coordination.upkeep(s, p)
    np.testing.assert_array_equal(s.coordination, [0.5 + 0.25 * (0.5 - 0.5), 0.5 + 0.25 * 0.5, 0.625])


def test_off_coordination_is_full_whatever_the_staff():
    s = state(coordination=0.25, secretariat_staff=0.0)
    coordination.upkeep(s, params({**UPKEEP, "mechanisms.coordination": False}))
    np.testing.assert_array_equal(s.coordination, [1.0])


def test_meetings_and_closeness_last_only_as_far_as_coordination():
    p = params({"board_ab_split.board_meetings_per_year": 12.0})
    s = state(active=True, board=True, coordination=0.25)
    board_ab_split.roles(s, p, month(associated=True))
    np.testing.assert_array_equal(s.meetings, [[0.25, 0.25, 0.25]])
    np.testing.assert_array_equal(s.closeness, [[0.25, 0.25, 0.25]])


SPIRAL = {"spiral.decay": 0.125, "spiral.newcomer_weight": 0.25, "spiral.newcomer_months": 12.0}


def test_the_build_decays_without_upkeep():
    p = params(SPIRAL)
    s = state(active=True, joined=0, build=0.5, coordination=0.0)
    spiral.erode(s, p, month(step=24))  # no newcomers: all joined two years ago
    np.testing.assert_array_equal(s.build, [0.5 - 0.125 * 0.5])


def test_the_build_holds_with_full_upkeep_and_no_newcomers():
    s = state(active=True, joined=0, build=0.5, coordination=1.0)
    spiral.erode(s, params(SPIRAL), month(step=24))
    np.testing.assert_array_equal(s.build, [0.5])


def test_many_newcomers_wear_the_build():
    # two of the four active partners joined within 12 months (steps 20 and 13 of 24)
    s = state(partners=4, active=[True, True, True, True], joined=[0, 20, 13, 12], build=0.5,
              coordination=1.0)
    spiral.erode(s, params(SPIRAL), month(partners=4, step=24))
    np.testing.assert_array_equal(s.build, [0.5 - 0.25 * 0.5 * 0.5])


def test_the_founders_are_not_newcomers_to_the_build_they_make():
    s = state(partners=2, active=True, joined=[0, 0], build=0.5, coordination=1.0)
    spiral.erode(s, params(SPIRAL), month(partners=2, step=3))
    np.testing.assert_array_equal(s.build, [0.5])


def test_off_the_build_never_decays():
    s = state(active=True, joined=23, build=0.5, coordination=0.0)
    spiral.erode(s, params({**SPIRAL, "mechanisms.spiral": False}), month(step=24))
    np.testing.assert_array_equal(s.build, [0.5])

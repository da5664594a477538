"""trust_ladder: who may do what, and the one-rung climb or fall of each month."""

import numpy as np
from builders import RUNG, params, state, with_values
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim.mechanisms import trust_ladder
from hta_sim.vocabulary import TOP_RUNG

# need(rung) = 0.5 + 0.0625 rung; a fall needs sustained < need - 0.0625 - 0.25
ON = {"trust_ladder.climb_base": 0.5, "trust_ladder.climb_step": 0.0625, "trust_ladder.fall_margin": 0.25,
      "trust_ladder.climb_probability": 0.125, "trust_ladder.fall_probability": 0.25,
      "trust_ladder.memory_months": 4.0, "trust_ladder.success_level": 0.5}
OFF = {**ON, "mechanisms.trust_ladder": False}


def climber(rung, **values):
    """One active partner whose sustained engagement (0.75) stays put and beats every rung's need
    below 4 (need(3) = 0.6875), at the given rung; ``values`` override."""
    start = {"active": True, "rung": rung, "engagement": 0.75, "sustained": 0.75}
    return state(partners=1, **{**start, **values})


def test_unlocks_follow_the_ladder():
    s = state(partners=4, active=[True, True, True, False], rung=[2, 3, 7, 7])
    np.testing.assert_array_equal(trust_ladder.can(s, "share_knowledge"), [[True, True, True, False]])
    np.testing.assert_array_equal(trust_ladder.can(s, "lend_staff"), [[False, True, True, False]])
    np.testing.assert_array_equal(trust_ladder.can(s, "propose"), [[False, False, True, False]])
    np.testing.assert_array_equal(trust_ladder.can(s, "co_finance"), [[False, False, True, False]])
    assert trust_ladder.UNLOCKS["lead"] == RUNG["initiative_taking"] == 5


def test_sustained_moves_one_memory_of_the_way_to_engagement():
    s = state(partners=1, active=True, engagement=1.0, sustained=0.5)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.99]]))
    np.testing.assert_array_equal(s.sustained, [[0.5 + (1.0 - 0.5) / 4.0]])


def test_climbs_one_rung_when_sustained_beats_the_need_and_the_draw_falls_under_the_chance():
    s = climber(2)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.124]]))  # 0.124 < 0.125
    np.testing.assert_array_equal(s.rung, [[3]])


def test_no_climb_when_the_draw_is_at_the_chance():
    s = climber(2)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.125]]))  # not strictly below
    np.testing.assert_array_equal(s.rung, [[2]])


def test_no_climb_when_sustained_only_equals_the_need():
    s = climber(2, engagement=0.625, sustained=0.625)  # need(2) = 0.5 + 2 * 0.0625 = 0.625
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0]]))
    np.testing.assert_array_equal(s.rung, [[2]])


def test_climbing_to_initiative_taking_needs_shared_success():
    # rung 4 -> 5 is gated: need(4) = 0.75, so sustained 1.0 beats it
    alone = climber(4, engagement=1.0, sustained=1.0, perceived=0.25)  # below success_level 0.5
    seen = climber(4, engagement=1.0, sustained=1.0, perceived=0.5)  # at success_level
    led = climber(4, engagement=1.0, sustained=1.0, led_results=1.0)
    for s in (alone, seen, led):
        trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0]]))
    assert (alone.rung[0, 0], seen.rung[0, 0], led.rung[0, 0]) == (4, 5, 5)


def test_a_partner_at_the_top_rung_cannot_climb():
    s = climber(TOP_RUNG, engagement=1.0, sustained=1.0, led_results=5.0)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0]]))
    np.testing.assert_array_equal(s.rung, [[7]])


def test_falls_one_rung_with_neglect_and_closeness_halves_the_chance():
    # rung 3: need 0.6875, falls below 0.6875 - 0.0625 - 0.25 = 0.375; sustained 0
    s = state(partners=3, active=True, rung=3, closeness=[0.0, 1.0, 1.0])
    # chances: 0.25 * (1 - 0.5 * 0) = 0.25, and 0.25 * (1 - 0.5 * 1) = 0.125 for the close ones
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.2, 0.1249, 0.125]]))
    np.testing.assert_array_equal(s.rung, [[2, 2, 3]])


def test_no_fall_at_the_margin():
    # sustained stays at 0.375 = need(3) - climb_step - fall_margin: not strictly below
    s = state(partners=1, active=True, rung=3, engagement=0.375, sustained=0.375)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0]]))
    np.testing.assert_array_equal(s.rung, [[3]])


def test_a_partner_at_rung_zero_cannot_fall():
    s = state(partners=1, active=True, rung=0)
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0]]))
    np.testing.assert_array_equal(s.rung, [[0]])


def test_inactive_partners_keep_their_rung():
    s = state(partners=2, active=False, rung=[2, 3], engagement=[0.75, 0.0], sustained=[0.75, 0.0])
    trust_ladder.climb_and_fall(s, params(ON), np.array([[0.0, 0.0]]))
    np.testing.assert_array_equal(s.rung, [[2, 3]])


def test_switched_off_every_partner_keeps_its_rung():
    s = state(partners=2, active=True, rung=[2, 3], engagement=[0.75, 0.0], sustained=[0.75, 0.0])
    trust_ladder.climb_and_fall(s, params(OFF), np.array([[0.0, 0.0]]))
    np.testing.assert_array_equal(s.rung, [[2, 3]])
    on = state(partners=2, active=True, rung=[2, 3], engagement=[0.75, 0.0], sustained=[0.75, 0.0])
    trust_ladder.climb_and_fall(on, params(ON), np.array([[0.0, 0.0]]))
    np.testing.assert_array_equal(on.rung, [[3, 2]])  # the same month, on: one up, one down


unit = st.floats(0.0, 1.0)
BASE = params(ON)


@settings(max_examples=200, deadline=None)
@given(rung=st.lists(st.integers(0, 7), min_size=4, max_size=4),
       engagement=st.lists(unit, min_size=4, max_size=4),
       sustained=st.lists(unit, min_size=4, max_size=4),
       perceived=st.lists(st.floats(0.0, 2.0), min_size=4, max_size=4),
       closeness=st.lists(unit, min_size=4, max_size=4),
       u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=4, max_size=4),
       climb_step=st.floats(0.0, 0.2), fall_margin=unit, climb=unit, fall=unit)
def test_rungs_stay_in_zero_to_seven_and_move_at_most_one_a_month(
        rung, engagement, sustained, perceived, closeness, u, climb_step, fall_margin, climb, fall):
    s = state(partners=4, active=True, rung=rung, engagement=engagement, sustained=sustained,
              perceived=perceived, closeness=closeness)
    p = with_values(BASE, "trust_ladder", climb_step=climb_step, fall_margin=fall_margin,
                    climb_probability=climb, fall_probability=fall)
    trust_ladder.climb_and_fall(s, p, np.array([u]))
    assert ((s.rung >= 0) & (s.rung <= TOP_RUNG)).all()
    assert (np.abs(s.rung - np.array([rung])) <= 1).all()

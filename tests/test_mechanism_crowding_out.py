"""crowding_out: the dominant funder's share, and what it takes from the others' money and drive."""

import numpy as np
from builders import params, state

from hta_sim.mechanisms import crowding_out

ON = {"crowding_out.money_strength": 0.5, "crowding_out.engagement_strength": 0.25}
OFF = {**ON, "mechanisms.crowding_out": False}


def test_dominance_is_the_largest_share_of_the_month_money():
    money = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 2.0]])
    np.testing.assert_array_equal(crowding_out.dominance(money), [3.0 / 4.0, 0.0, 2.0 / 4.0])


def test_others_are_those_below_the_largest_and_ties_at_the_top_are_not_others():
    s = state(reps=2, partners=3, money_given=[[3.0, 1.0, 0.0], [2.0, 2.0, 1.0]])
    np.testing.assert_array_equal(crowding_out.others(s), [[False, True, True], [False, False, True]])


def test_money_factor_cuts_the_others_money_by_strength_times_dominance():
    s = state(partners=3, money_given=[3.0, 1.0, 0.0], dominance=0.75)
    cut = 0.5 * 0.75
    np.testing.assert_array_equal(crowding_out.money_factor(s, params(ON)), [[1.0, 1.0 - cut, 1.0 - cut]])


def test_drive_lowers_the_others_engagement():
    s = state(partners=3, money_given=[3.0, 1.0, 0.0], dominance=0.75)
    np.testing.assert_array_equal(crowding_out.drive(s, params(ON)), [[0.0, -0.25 * 0.75, -0.25 * 0.75]])


def test_no_money_no_dominant_funder_no_cut():
    s = state(partners=3, money_given=0.0, dominance=0.0)
    np.testing.assert_array_equal(crowding_out.money_factor(s, params(ON)), [[1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(crowding_out.drive(s, params(ON)), [[0.0, 0.0, 0.0]])


def test_switched_off_dominance_has_no_effect():
    s = state(partners=3, money_given=[3.0, 1.0, 0.0], dominance=0.75)
    np.testing.assert_array_equal(crowding_out.money_factor(s, params(OFF)), [[1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(crowding_out.drive(s, params(OFF)), [[0.0, 0.0, 0.0]])

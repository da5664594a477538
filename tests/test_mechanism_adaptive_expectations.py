"""adaptive_expectations: what partners expect follows what they have seen and the goal still open."""

import numpy as np
from builders import params, state

from hta_sim.mechanisms import adaptive_expectations as ae
from hta_sim.vocabulary import YOUTH_STATES

ADAPT = {"adaptive_expectations.weight": 0.5, "adaptive_expectations.striving": 0.5}


def world_with(homeless: int):
    """Youth in one cell: ``homeless`` in new spells, everyone else nowhere."""
    youth = np.zeros((1, len(YOUTH_STATES), 8, 2), dtype=np.int64)
    youth[0, YOUTH_STATES.index("new"), 0, 0] = homeless
    return youth


def test_the_goal_still_open_is_the_share_of_the_2017_count_still_homeless():
    assert ae.GOAL_COUNT == 2292.0
    s = state(youth=world_with(1146))
    np.testing.assert_array_equal(ae.still_open(s), [[0.5]])


def test_aspiration_moves_weight_of_the_way_to_what_was_seen_raised_by_the_goal_still_open():
    s = state(partners=2, perceived=[2.0, 0.0], youth=world_with(1146))
    got = ae.aspiration(s, params(ADAPT), np.array([[1.0]]))
    seen = np.array([2.0, 0.0]) * (1.0 + 0.5 * 0.5)
    np.testing.assert_array_equal(got, [0.5 * 1.0 + 0.5 * seen])


def test_off_expectations_stay_fixed_bit_for_bit():
    s = state(partners=2, perceived=[2.0, 0.0], youth=world_with(2292))
    got = ae.aspiration(s, params({**ADAPT, "mechanisms.adaptive_expectations": False}),
                        np.array([[0.6]]))
    np.testing.assert_array_equal(got, [[0.6, 0.6]])


def test_holding_steady_is_not_enough_while_the_goal_is_open():
    """Seeing the same results month after month, expectations come to exceed them: no ceiling."""
    s = state(partners=1, perceived=1.0, youth=world_with(2292))
    assert ae.aspiration(s, params({**ADAPT, "adaptive_expectations.weight": 1.0}),
                         np.array([[0.6]]))[0, 0] > 1.0

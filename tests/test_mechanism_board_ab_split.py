"""board_ab_split: meetings and closeness by body, before and after the association, and the drive."""

import numpy as np
from builders import month, params, state

from hta_sim.mechanisms import board_ab_split

ON = {"board_ab_split.steering_meetings_per_year": 24.0, "board_ab_split.board_meetings_per_year": 12.0,
      "board_ab_split.ab_meetings_per_year": 3.0, "board_ab_split.ab_closeness": 0.25,
      "board_ab_split.closeness_weight": 0.125}
OFF = {**ON, "mechanisms.board_ab_split": False}


def five():
    """Board-only, both, AB-only, on no body (a pilot municipality), and an inactive board member."""
    return state(partners=5, active=[True, True, True, True, False], board=[True, True, False, False, True],
                 ab=[False, True, True, False, False])


def test_before_the_association_every_active_partner_meets_as_the_steering_group():
    s = five()
    board_ab_split.roles(s, params(ON), month(partners=5, associated=False))
    np.testing.assert_array_equal(s.meetings, [[24 / 12, 2.0, 2.0, 2.0, 0.0]])
    np.testing.assert_array_equal(s.closeness, [[1.0, 1.0, 1.0, 1.0, 0.0]])


def test_after_the_association_the_ab_meets_less_and_stands_further_off():
    s = five()
    board_ab_split.roles(s, params(ON), month(partners=5, associated=True))
    # board members (both included) meet as the board; AB-only as the AB; no body: no meetings
    np.testing.assert_array_equal(s.meetings, [[12 / 12, 1.0, 3 / 12, 0.0, 0.0]])
    np.testing.assert_array_equal(s.closeness, [[1.0, 1.0, 0.25, 0.25, 0.0]])


def test_switched_off_the_ab_is_treated_as_the_board():
    s = five()
    board_ab_split.roles(s, params(OFF), month(partners=5, associated=True))
    np.testing.assert_array_equal(s.meetings, [[1.0, 1.0, 1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(s.closeness, [[1.0, 1.0, 1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(board_ab_split.drive(s, params(OFF))[:, :4], [[0.0] * 4])


def test_drive_is_closeness_weight_times_distance():
    s = state(partners=3, closeness=[1.0, 0.25, 0.0])
    expected = [0.125 * (1.0 - 1.0), 0.125 * (0.25 - 1.0), 0.125 * (0.0 - 1.0)]
    np.testing.assert_array_equal(board_ab_split.drive(s, params(ON)), [expected])


def test_the_split_is_per_replicate():
    s = state(reps=2, partners=2, active=True, board=[True, False], ab=[False, True])
    board_ab_split.roles(s, params(ON, replicates=2), month(reps=2, partners=2, associated=[[False], [True]]))
    np.testing.assert_array_equal(s.meetings, [[2.0, 2.0], [1.0, 0.25]])

"""peer_influence: the pull towards the mean engagement of the bodies a partner meets in."""

import numpy as np
from builders import month, params, state

from hta_sim.mechanisms import peer_influence

ON = {"peer_influence.rate": 0.125}
OFF = {**ON, "mechanisms.peer_influence": False}


def test_before_the_split_the_steering_group_pulls_towards_its_mean():
    s = state(partners=4, active=[True, True, True, False], engagement=[0.25, 0.5, 0.75, 0.0],
              meetings=[1.0, 1.0, 0.5, 0.0])
    mean = (0.25 + 0.5 + 0.75) / 3  # the inactive partner is no member
    expected = [0.125 * 1.0 * (mean - 0.25), 0.0, 0.125 * 0.5 * (mean - 0.75), 0.0]
    np.testing.assert_array_equal(peer_influence.pull(s, params(ON), month(partners=4)), [expected])


def test_after_the_split_a_member_of_both_bodies_is_pulled_by_each():
    s = state(partners=3, active=True, board=[True, True, False], ab=[False, True, True],
              engagement=[0.25, 0.5, 0.75], meetings=1.0)
    board, ab = (0.25 + 0.5) / 2, (0.5 + 0.75) / 2
    expected = [0.125 * (board - 0.25), 0.125 * ((board - 0.5) + (ab - 0.5)), 0.125 * (ab - 0.75)]
    np.testing.assert_array_equal(peer_influence.pull(s, params(ON), month(associated=True)), [expected])


def test_a_body_without_active_members_pulls_no_one():
    s = state(partners=2, active=[True, False], board=True, engagement=[0.25, 0.75], meetings=1.0)
    np.testing.assert_array_equal(peer_influence.pull(s, params(ON), month(partners=2, associated=True)),
                                  [[0.0, 0.0]])


def test_switched_off_partners_move_alone():
    s = state(partners=3, active=True, engagement=[0.25, 0.5, 0.75], meetings=1.0)
    np.testing.assert_array_equal(peer_influence.pull(s, params(OFF), month()), [[0.0, 0.0, 0.0]])

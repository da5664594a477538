"""regulatory_barriers: the barrier in force, its erosion by public affairs, and its two effects."""

import numpy as np
from builders import effort, params, state

from hta_sim.mechanisms import regulatory_barriers

ON = {"regulatory_barriers.public_affairs_rate": 0.25, "regulatory_barriers.launch_penalty": 0.5,
      "regulatory_barriers.failure": 0.25}
OFF = {**ON, "mechanisms.regulatory_barriers": False}


def test_public_affairs_wears_the_barrier_down_in_proportion():
    s = state(barrier=0.5)
    regulatory_barriers.erode(s, params(ON), effort(public_affairs=2.0))
    np.testing.assert_array_equal(s.barrier, [0.5 * (1.0 - 0.25 * 2.0)])


def test_erosion_never_takes_more_than_the_whole_barrier():
    s = state(barrier=0.5)
    regulatory_barriers.erode(s, params(ON), effort(public_affairs=8.0))  # worn 2.0, capped at 1
    np.testing.assert_array_equal(s.barrier, [0.0])


def test_no_public_affairs_no_erosion():
    s = state(barrier=0.5)
    regulatory_barriers.erode(s, params(ON), effort(strategy=3.0))
    np.testing.assert_array_equal(s.barrier, [0.5])


def test_the_barrier_lowers_launches_and_raises_failures():
    s = state(barrier=0.5)
    np.testing.assert_array_equal(regulatory_barriers.level(s, params(ON)), [[0.5]])
    np.testing.assert_array_equal(regulatory_barriers.launch_factor(s, params(ON)), [[1.0 - 0.5 * 0.5]])
    np.testing.assert_array_equal(regulatory_barriers.failure(s, params(ON)), [[0.25 * 0.5]])


def test_switched_off_there_are_no_barriers():
    s = state(barrier=0.5)
    np.testing.assert_array_equal(regulatory_barriers.level(s, params(OFF)), [[0.0]])
    np.testing.assert_array_equal(regulatory_barriers.launch_factor(s, params(OFF)), [[1.0]])
    np.testing.assert_array_equal(regulatory_barriers.failure(s, params(OFF)), [[0.0]])

"""own_value: alignment plus the bonus of results led at home, weighed around the neutral 0.5."""

import numpy as np
from builders import params, state

from hta_sim.mechanisms import own_value

ON = {"own_value.weight": 0.25, "own_value.home_bonus": 0.25}
OFF = {**ON, "mechanisms.own_value": False}


def test_value_adds_the_home_bonus_of_squashed_led_results():
    s = state(partners=3, alignment=[0.75, 0.75, 0.5], led_results=[0.0, 1.0, 3.0])
    # squash(n) = n / (1 + n): 0, 0.5, 0.75
    expected = [0.75, 0.75 + 0.25 * 0.5, 0.5 + 0.25 * 0.75]
    np.testing.assert_array_equal(own_value.value(s, params(ON)), [expected])


def test_drive_is_weight_times_value_less_one_half():
    s = state(partners=3, alignment=[0.75, 0.25, 0.5], led_results=[1.0, 0.0, 0.0])
    expected = [0.25 * (0.75 + 0.25 * 0.5 - 0.5), 0.25 * (0.25 - 0.5), 0.0]
    np.testing.assert_array_equal(own_value.drive(s, params(ON)), [expected])


def test_drive_is_zero_when_switched_off():
    s = state(partners=2, alignment=[0.75, 0.25], led_results=[1.0, 0.0])
    np.testing.assert_array_equal(own_value.drive(s, params(OFF)), [[0.0, 0.0]])

"""secretariat_overload: secretariat-led initiatives share its local-alliance capacity."""

import numpy as np
from builders import STAGE, effort, params

from hta_sim.mechanisms import secretariat_overload

ON = {"secretariat_overload.fte_per_initiative": 0.5}
OFF = {**ON, "mechanisms.secretariat_overload": False}
IDEA, PILOT, RUNNING, SCALED = STAGE["idea"], STAGE["pilot"], STAGE["running"], STAGE["scaled"]


def factor(stage, lead, local_fte, changes=ON):
    return secretariat_overload.factor(np.array([stage]), np.array([lead]),
                                       effort(local_alliances=local_fte), params(changes))


def test_past_capacity_each_secretariat_led_initiative_slows_to_its_share():
    # three working, secretariat-led: demand 3 * 0.5 = 1.5 FTE against 0.75 FTE
    got = factor([IDEA, PILOT, RUNNING], [-1, -1, -1], 0.75)
    np.testing.assert_array_equal(got, [[0.75 / 1.5] * 3])


def test_partner_led_initiatives_carry_their_own_load():
    # two secretariat-led working (demand 1.0) and one partner-led, which neither counts nor slows
    got = factor([PILOT, RUNNING, PILOT], [-1, -1, 0], 0.25)
    np.testing.assert_array_equal(got, [[0.25 / 1.0, 0.25 / 1.0, 1.0]])


def test_within_capacity_the_pace_is_full():
    np.testing.assert_array_equal(factor([PILOT, RUNNING, IDEA], [-1, -1, -1], 2.0), [[1.0, 1.0, 1.0]])


def test_scaled_initiatives_are_no_load():
    # one working (demand 0.5) against 0.25 FTE; the scaled slot is not counted
    got = factor([PILOT, SCALED, SCALED], [-1, -1, -1], 0.25)
    np.testing.assert_array_equal(got[0, 0], 0.5)


def test_zero_capacity_stops_secretariat_led_work():
    np.testing.assert_array_equal(factor([PILOT, IDEA], [-1, 1], 0.0), [[0.0, 1.0]])


def test_no_work_no_demand_full_pace():
    np.testing.assert_array_equal(factor([STAGE["empty"]] * 2, [-1, -1], 0.0), [[1.0, 1.0]])


def test_switched_off_capacity_never_binds():
    np.testing.assert_array_equal(factor([PILOT, RUNNING], [-1, -1], 0.0, OFF), [[1.0, 1.0]])

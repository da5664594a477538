"""results_lag: progress shown, what partners perceive and expect, and the drive from the gap."""

import numpy as np
from builders import month, params, state

from hta_sim.mechanisms import results_lag

ON = {"results_lag.weight": 0.25, "results_lag.build_credit": 20.0, "results_lag.scale": 0.5,
      "results_lag.perception_rate": 0.25, "results_lag.expectation_rate": 0.25,
      "results_lag.expectation": 0.5, "results_lag.patience_months": 48.0,
      "mechanisms.adaptive_expectations": False}
OFF = {**ON, "mechanisms.results_lag": False}


def test_progress_is_build_credit_times_build_gain_plus_visible_flow():
    s = state(build_gain=0.125, visible_flow=0.5)
    expected = 20.0 * 0.125 + 0.5
    np.testing.assert_array_equal(results_lag.progress(s, params(ON)), [[expected]])


def test_expected_share_is_the_build_when_it_is_ahead_of_age():
    # age = min(1, 12 / 48) = 0.25 < build 0.5
    np.testing.assert_array_equal(
        results_lag.expected_share(state(build=0.5), params(ON), month(step=12)), [[0.5]])


def test_expected_share_is_the_age_when_building_lags():
    # age = 24 / 48 = 0.5 > build 0.125: patience runs out however far building got
    np.testing.assert_array_equal(
        results_lag.expected_share(state(build=0.125), params(ON), month(step=24)), [[0.5]])


def test_expected_share_saturates_at_one_past_patience():
    # age = min(1, 96 / 48) = 1, not 2
    np.testing.assert_array_equal(
        results_lag.expected_share(state(build=0.0), params(ON), month(step=96)), [[1.0]])


def test_perceive_moves_perceived_and_expectation_a_rate_of_the_way():
    s = state(partners=2, perceived=[0.5, 0.0], expectation=[0.125, 0.5], build=0.5)
    shown = np.array([[2.0]])
    reach = np.array([[0.5, 1.0]])
    results_lag.perceive(s, params(ON), month(partners=2, step=12), shown, reach)
    perceived = [0.5 + 0.25 * (0.5 * 2.0 - 0.5), 0.0 + 0.25 * (1.0 * 2.0 - 0.0)]
    wanted = 0.5 * 0.5  # expectation x expected share (build 0.5 beats age 0.25)
    expectation = [0.125 + 0.25 * (wanted - 0.125), 0.5 + 0.25 * (wanted - 0.5)]
    np.testing.assert_array_equal(s.perceived, [perceived])
    np.testing.assert_array_equal(s.expectation, [expectation])


def test_drive_is_weight_times_the_squashed_gap():
    s = state(partners=3, perceived=[0.75, 0.0, 0.5], expectation=[0.25, 0.5, 0.5])
    # gaps / scale: 1, -1, 0; squash(z) = z / (1 + |z|): 0.5, -0.5, 0
    expected = [0.25 * 0.5, 0.25 * -0.5, 0.0]
    np.testing.assert_array_equal(results_lag.drive(s, params(ON)), [expected])


def test_drive_is_zero_when_switched_off():
    s = state(partners=2, perceived=[0.75, 0.0], expectation=[0.25, 0.5])
    np.testing.assert_array_equal(results_lag.drive(s, params(OFF)), [[0.0, 0.0]])
    assert (results_lag.drive(s, params(ON)) != 0).all()  # the same state moves when on


def test_each_replicate_reads_its_own_switch():
    s = state(reps=2, partners=1, perceived=0.75, expectation=0.25)
    np.testing.assert_array_equal(results_lag.drive(s, params(ON, OFF)), [[0.25 * 0.5], [0.0]])

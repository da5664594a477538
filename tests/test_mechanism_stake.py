"""stake: the share of capacity put in, remembered over the stake's memory, drives engagement."""

import numpy as np
from builders import params, state

from hta_sim.mechanisms import stake

ON = {"stake.weight": 0.25, "stake.memory_months": 4.0}
OFF = {**ON, "mechanisms.stake": False}


def test_share_put_in_averages_staff_and_money_over_the_resources_a_partner_has():
    s = state(partners=4, staff_capacity=[2.0, 0.0, 2.0, 0.0], money_capacity=[12.0, 12.0, 0.0, 0.0],
              staff_given=[1.0, 0.0, 0.5, 0.0], money_given=[0.25, 0.5, 0.0, 0.0])
    # money as a share of a month's capacity (12 MDKK a year: 1 a month)
    expected = [(1.0 / 2.0 + 0.25 / 1.0) / 2.0, 0.5 / 1.0, 0.5 / 2.0, 0.0]
    np.testing.assert_array_equal(stake.share_put_in(s), [expected])


def test_money_beyond_a_month_capacity_counts_as_all_of_it():
    # founders' grants can exceed what co-financing alone could give
    s = state(partners=1, money_capacity=12.0, money_given=3.0)
    np.testing.assert_array_equal(stake.share_put_in(s), [[1.0]])


def test_remember_moves_invested_one_memory_of_the_way():
    s = state(partners=1, staff_capacity=2.0, staff_given=1.0, invested=0.25)
    stake.remember(s, params(ON))
    np.testing.assert_array_equal(s.invested, [[0.25 + (0.5 - 0.25) / 4.0]])


def test_drive_is_weight_times_invested():
    s = state(partners=2, invested=[0.5, 0.0])
    np.testing.assert_array_equal(stake.drive(s, params(ON)), [[0.25 * 0.5, 0.0]])


def test_drive_is_zero_when_switched_off():
    s = state(partners=2, invested=[0.5, 1.0])
    np.testing.assert_array_equal(stake.drive(s, params(OFF)), [[0.0, 0.0]])

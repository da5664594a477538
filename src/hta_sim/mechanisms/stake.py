"""Stake (seed §7: "As long as we just talk I have nothing at stake; the moment I invest
organisational resources, there is"). What a partner has put in raises its commitment.
"""

import numpy as np

from ..arrays import Array
from ..calendar import MONTHS_A_YEAR
from ..parameters import Params
from ..state import State


def share_put_in(s: State) -> Array:
    """This month's staff and money as a share of capacity (R, P), over the resources it has."""
    has_staff, has_money = s.staff_capacity > 0, s.money_capacity > 0
    staff = np.where(has_staff, s.staff_given / np.where(has_staff, s.staff_capacity, 1.0), 0.0)
    money_month = s.money_capacity / MONTHS_A_YEAR
    money = np.where(has_money, np.minimum(1.0, s.money_given / np.where(has_money, money_month, 1.0)),
                     0.0)
    n = has_staff.astype(float) + has_money
    return np.where(n > 0, (staff + money) / np.maximum(n, 1.0), 0.0)


def remember(s: State, p: Params) -> None:
    s.invested += (share_put_in(s) - s.invested) / p.stake.memory_months


def drive(s: State, p: Params) -> Array:
    return p.mechanisms.stake * p.stake.weight * s.invested

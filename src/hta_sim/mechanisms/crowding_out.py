"""Foundation crowding-out (seed §6: when a foundation engages strongly, other actors pull back, and
taking part becomes linked to an expectation of funding).

The dominant funder's share of the month's money lowers the others' readiness to put in money and
their engagement. Off, dominance has no effect.
"""

import numpy as np

from ..arrays import Array, Mask, ordered_sum, row_max
from ..parameters import Params
from ..state import State


def dominance(money: Array) -> Array:
    """The largest single contributor's share of the month's money (R,), 0 when there is none."""
    total = ordered_sum(money)
    return np.where(total > 0, row_max(money) / np.where(total > 0, total, 1.0), 0.0)


def others(s: State) -> Mask:
    """Partners other than the dominant funder (R, P)."""
    return s.money_given < row_max(s.money_given)[:, None]


def money_factor(s: State, p: Params) -> Array:
    """Multiplier on partners' money for joint initiatives (R, P)."""
    cut = p.mechanisms.crowding_out * p.crowding_out.money_strength * s.dominance[:, None]
    return 1.0 - cut * others(s)


def drive(s: State, p: Params) -> Array:
    cut = p.mechanisms.crowding_out * p.crowding_out.engagement_strength * s.dominance[:, None]
    return -cut * others(s)

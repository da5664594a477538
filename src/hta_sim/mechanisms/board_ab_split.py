"""The 2017 board/AB split (seed §6: the AB "meets rarely", works one-to-one with the secretariat, is
unsure of its role, and shows "varying and falling" engagement).

Before the association date the initiators meet as one steering group. After it, board members meet
often and work closely with the secretariat; AB-only members meet a few times a year and stand
further off. Off, the AB is treated as the board is.
"""

import numpy as np

from ..arrays import Array
from ..calendar import MONTHS_A_YEAR
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from . import coordination


def roles(s: State, p: Params, m: MonthContext) -> None:
    """Set each partner's meetings a month and closeness to the secretariat for the month."""
    split = m.associated  # (R, 1)
    steering = p.board_ab_split.steering_meetings_per_year / MONTHS_A_YEAR
    board = p.board_ab_split.board_meetings_per_year / MONTHS_A_YEAR
    ab_meetings = np.where(p.mechanisms.board_ab_split > 0,
                           p.board_ab_split.ab_meetings_per_year / MONTHS_A_YEAR, board)
    ab_close = np.where(p.mechanisms.board_ab_split > 0, p.board_ab_split.ab_closeness, 1.0)
    ab_meetings = np.where(s.ab_meets[:, None], ab_meetings, 0.0)  # a faded AB meets no more
    # board members meet as the board; AB-only members as the AB; partners on no body (pilot
    # municipalities) meet in none and stand as far off as the AB. Meetings are held, and partners
    # stand close, only as far as the secretariat's coordination lasts.
    after_meet = np.where(s.board, board, np.where(s.ab, ab_meetings, 0.0))
    after_close = np.where(s.board, 1.0, ab_close)
    c = coordination.level(s)
    s.meetings[:] = np.where(s.active, np.where(split, after_meet, steering), 0.0) * c
    s.closeness[:] = np.where(s.active, np.where(split, after_close, 1.0), 0.0) * c


def drive(s: State, p: Params) -> Array:
    """Distance from the secretariat lowers engagement (role unclear, little contact)."""
    return p.board_ab_split.closeness_weight * (s.closeness - 1.0)

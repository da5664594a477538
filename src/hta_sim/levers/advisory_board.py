"""The advisory board revitalised (meets more, clear roles) or dissolved (seed §9: "revitalise the AB
or drop it"; §6: the AB meets rarely and is unsure of its role). It works through the board/AB split
(board_ab_split): meetings, closeness to the secretariat, and what reaches its members.
"""

import numpy as np

from ..calendar import MONTHS_A_YEAR
from ..mechanisms import coordination
from ..month import MonthContext
from ..parameters import Params, choice_code
from ..scenario import AdvisoryBoard
from ..state import State

REVITALISE, DISSOLVE = (choice_code(AdvisoryBoard, "change", w) for w in ("revitalise", "dissolve"))
LEAVE, TO_BOARD = (choice_code(AdvisoryBoard, "dissolve_to", w) for w in ("leave", "board"))


def dissolve(s: State, p: Params, m: MonthContext) -> None:
    """At the date the AB ends: its AB-only members leave the alliance or take a board seat."""
    q = p.advisory_board
    now = (q.change == DISSOLVE) & m.reached(q.date) & m.associated
    ab_only = s.ab & ~s.board & now
    s.board |= ab_only & (q.dissolve_to == TO_BOARD)
    leaving = ab_only & (q.dissolve_to == LEAVE) & s.active
    s.left |= leaving
    s.active &= ~leaving
    s.departures += leaving.sum(axis=-1)
    s.engagement[leaving] = 0.0
    s.ab &= ~now  # the AB is gone, for members of both bodies too


def revitalise(s: State, p: Params, m: MonthContext) -> None:
    """From the date, or once the board has revived it (board_response), AB-only members meet as
    often, and stand as close, as the lever says (times the secretariat's coordination)."""
    q = p.advisory_board
    now = (((q.change == REVITALISE) & m.reached(q.date)) | s.ab_revived[:, None]) & m.associated
    ab_only = s.active & s.ab & ~s.board & now
    c = coordination.level(s)
    s.meetings[:] = np.where(ab_only, np.maximum(s.meetings, c * q.meetings_per_year / MONTHS_A_YEAR),
                             s.meetings)
    s.closeness[:] = np.where(ab_only, np.maximum(s.closeness, c * q.closeness), s.closeness)

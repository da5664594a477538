"""The advisory board revitalised (meets more, clear roles) or dissolved (seed §9: "revitalise the AB
or drop it"; §6: the AB meets rarely and is unsure of its role). It works through the board/AB split
(board_ab_split): meetings, closeness to the secretariat, and what reaches its members.
"""

import numpy as np

from ..state import State

KEEP, REVITALISE, DISSOLVE = 0.0, 1.0, 2.0
LEAVE, TO_BOARD = 0.0, 1.0


def dissolve(s: State, p, t: int) -> None:
    """At the date the AB ends: its AB-only members leave the alliance or take a board seat."""
    q = p.advisory_board
    now = (q.change == DISSOLVE) & (t >= q.date) & (t >= p.time.association)
    ab_only = s.ab & ~s.board & now
    s.board |= ab_only & (q.dissolve_to == TO_BOARD)
    leaving = ab_only & (q.dissolve_to == LEAVE) & s.active
    s.left |= leaving
    s.active &= ~leaving
    s.engagement[leaving] = 0.0
    s.ab &= ~now  # the AB is gone, for members of both bodies too


def revitalise(s: State, p, t: int) -> None:
    """From the date, AB-only members meet as often, and stand as close, as the lever says."""
    q = p.advisory_board
    now = (q.change == REVITALISE) & (t >= q.date) & (t >= p.time.association)
    ab_only = s.active & s.ab & ~s.board & now
    s.meetings[:] = np.where(ab_only, np.maximum(s.meetings, q.meetings_per_year / 12.0), s.meetings)
    s.closeness[:] = np.where(ab_only, np.maximum(s.closeness, q.closeness), s.closeness)

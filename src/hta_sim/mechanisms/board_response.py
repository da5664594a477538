"""The board's response to the AB (seed §6: the AB's engagement is "varying and falling"; §9:
"revitalise the AB or drop it"). A decision rule that reads state, never a date: in the month after
a pulse, if the AB's mean score lies more than ``gap`` below the board's, a board whose ``rule`` is
``revitalise`` revives it (it meets and stands as the advisory_board lever's revitalised AB does),
one whose rule is ``let_fade`` stops convening it. The AB meets while the association exists, it is
not faded, and it has members of its own. ``none``: the board never acts.
"""

import numpy as np

from ..arrays import count
from ..month import MonthContext
from ..parameters import Params, choice_code
from ..pulse import mean_score
from ..scenario import BoardResponse
from ..state import State

REVITALISE, LET_FADE = (choice_code(BoardResponse, "rule", w) for w in ("revitalise", "let_fade"))


def act(s: State, p: Params, m: MonthContext) -> None:
    """The board acts once, after a pulse that shows the AB far below it."""
    if not m.after_pulse:
        return
    q = p.board_response
    board, ab = (mean_score(s.scores[:, b], axis=(-1,)) for b in (0, 1))
    behind = np.nan_to_num(board - ab, nan=0.0) > q.gap[:, 0]
    acting = behind & s.ab_meets & ~s.ab_revived & ~s.ab_faded
    s.ab_revived |= acting & (q.rule[:, 0] == REVITALISE)
    s.ab_faded |= acting & (q.rule[:, 0] == LET_FADE)


def meets(s: State, m: MonthContext) -> None:
    """Whether the AB still meets this month."""
    own = count(s.active & s.ab & ~s.board) > 0
    s.ab_meets[:] = m.split & ~s.ab_faded & own

"""Board ownership of working groups (seed §9: move ownership of initiatives from the secretariat to
the board — "who spreads the dormitory model to the next 5 dormitories?"). From the start date board
members lead from a lower rung, and each month a share of secretariat-led initiatives passes to the
keenest board member. It works through secretariat_overload (capacity freed) and own_value (results
led at home).
"""

import numpy as np

from ..arrays import Mask
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from ..vocabulary import STAGE


def _on(p: Params, m: MonthContext) -> Mask:
    q = p.board_ownership
    return (q.enabled > 0) & m.reached(q.start)  # (R, 1)


def may_lead(s: State, p: Params, m: MonthContext) -> Mask:
    """Board members who may lead under the lever (R, P)."""
    return _on(p, m) & s.active & s.board & (s.rung >= p.board_ownership.lead_rung)


def take_over(s: State, p: Params, m: MonthContext) -> None:
    """Hand secretariat-led initiatives to the keenest eligible board member, each with a chance."""
    u = m.draws.takeover
    if u is None:
        return
    owners = may_lead(s, p, m)
    keenest = np.argmax(np.where(owners, s.engagement, -1.0), axis=-1)
    working = (s.stage >= STAGE["idea"]) & (s.stage <= STAGE["running"]) & (s.lead < 0)
    take = working & owners.any(axis=-1, keepdims=True) & (u < p.board_ownership.takeover_rate)
    s.lead[:] = np.where(take, keenest[:, None], s.lead)

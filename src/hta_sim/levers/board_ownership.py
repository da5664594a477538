"""Board ownership of working groups (seed §9: move ownership of initiatives from the secretariat to
the board — "who spreads the dormitory model to the next 5 dormitories?"). From the start date board
members lead from a lower rung, and each month a share of secretariat-led initiatives passes to the
keenest board member. It works through secretariat_overload (capacity freed) and own_value (results
led at home).
"""

import numpy as np

from ..state import State
from ..vocabulary import STAGE


def _on(p, t: int) -> np.ndarray:
    q = p.board_ownership
    return (q.enabled > 0) & (t >= q.start)  # (R, 1)


def may_lead(s: State, p, t: int) -> np.ndarray:
    """Board members who may lead under the lever (R, P)."""
    return _on(p, t) & s.active & s.board & (s.rung >= p.board_ownership.lead_rung)


def take_over(s: State, p, t: int, u: np.ndarray | None) -> None:
    """Hand secretariat-led initiatives to the keenest eligible board member, each with a chance."""
    if u is None:
        return
    owners = may_lead(s, p, t)
    keenest = np.argmax(np.where(owners, s.engagement, -1.0), axis=-1)
    working = (s.stage >= STAGE["idea"]) & (s.stage <= STAGE["running"]) & (s.lead < 0)
    take = working & owners.any(axis=-1, keepdims=True) & (u < p.board_ownership.takeover_rate)
    s.lead[:] = np.where(take, keenest[:, None], s.lead)

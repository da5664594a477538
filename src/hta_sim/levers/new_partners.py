"""New partners: pilot municipalities attached to the alliance (seed §9: find ways to attach new
partners, pilot municipalities; §7: other municipalities join when they see a solution work
elsewhere). From the start date each waiting pilot municipality joins with a monthly chance once a
solution runs and its results are visible. Joining is a response to visible results, so it works
through results_lag; once in, pilot municipalities lend staff and give pilots the municipal
authority they need.
"""

from ..arrays import Mask
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from ..vocabulary import STAGE


def arrivals(s: State, p: Params, m: MonthContext) -> Mask:
    """Pilot municipalities joining this month (R, P), each on its own uniform draw (``lead``)."""
    q = p.new_partners
    u = m.draws.lead
    solution = ((s.stage == STAGE["running"]) | (s.stage == STAGE["scaled"])).any(axis=-1)
    seen = (solution & (s.visible > 0))[:, None] & (p.mechanisms.results_lag > 0)
    waiting = s.candidate_mask & ~s.active & ~s.left
    joining: Mask = waiting & (q.enabled > 0) & m.reached(q.start) & seen & (u < q.join_probability)
    return joining

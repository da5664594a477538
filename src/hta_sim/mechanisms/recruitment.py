"""Joining (seed §9: attach new partners; §7: organisations join when they see a solution work).

Synthetic candidate organisations (the roster's pool: by sector, with the sector's resource
profile; never the alliance's real later members) join from ``start`` when asked, by the
secretariat's strategy and local-alliance work (as far as its coordination lasts) and by partners
acting as ambassadors (rung 6, responsibility-taking, and up, by their engagement), or when visible
results make the alliance worth joining. Each waiting candidate's chance a month is 1 - exp(-hazard). A joiner
enters at the rung and engagement its situation calls for (``entry_rung``, kernel's welcome). Off,
no candidate ever joins.
"""

import numpy as np

from ..arrays import Array, Codes, Mask, masked_mean, ordered_sum, squash
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from ..vocabulary import EFFORT, RUNG

AMBASSADOR = RUNG["responsibility_taking"]
#: The highest rung a newcomer can hold: the rungs above need shared success in the alliance.
ENTRY_CAP = RUNG["participating"]


def hazard(s: State, p: Params, m: MonthContext, effort: Array) -> Array:
    """(R, 1) each waiting candidate's hazard of joining this month."""
    q = p.recruitment
    asking = (effort[:, EFFORT["strategy"]] + effort[:, EFFORT["local_alliances"]]) * s.coordination
    ambassadors = ordered_sum(np.where(s.active & (s.rung >= AMBASSADOR), s.engagement, 0.0))
    seen = np.nan_to_num(masked_mean(s.perceived, s.active), nan=0.0)
    h = q.ask_rate[:, 0] * asking + q.ambassador_rate[:, 0] * ambassadors \
        + q.results_pull[:, 0] * squash(np.maximum(seen, 0.0))
    on = (p.mechanisms.recruitment[:, 0] > 0) & m.reached(q.start)[:, 0]
    return np.where(on, h, 0.0)[:, None]


def arrivals(s: State, p: Params, m: MonthContext, effort: Array) -> Mask:
    """(R, P) candidates joining this month, each on its own uniform draw (lives: ``join``)."""
    waiting = s.pool_mask & ~s.active & ~s.left
    chance = 1.0 - np.exp(-hazard(s, p, m, effort))
    joining: Mask = waiting & (m.life("join") < chance)
    return joining


def entry_rung(engagement: Array, p: Params) -> Codes:
    """(R, P) the rung a newcomer's engagement would have let it climb to, up to ``ENTRY_CAP``: the
    highest r whose step up from r - 1 it beats (engagement > need(r - 1), trust_ladder)."""
    q = p.trust_ladder
    steps = np.ceil((engagement - q.climb_base) / np.maximum(q.climb_step, 1e-9))
    return np.clip(steps, 0, ENTRY_CAP).astype(np.int64)

"""Results communication: a simple, regular overview of launched initiatives and results (seed §9;
§7: "the more concrete, the easier to be an ambassador"; AB members' motivation would rise if
results were communicated more broadly). It makes more results visible each month and lets them
reach distant members in full. It works through results_lag.
"""

import numpy as np

from ..arrays import Array, Mask, half_and_half
from ..month import MonthContext
from ..parameters import Params
from ..state import State


def _on(p: Params, m: MonthContext) -> Mask:
    q = p.results_communication
    return (q.enabled > 0) & m.reached(q.start)  # (R, 1)


def extra_visibility(p: Params, m: MonthContext) -> Array:
    """Extra share of unshown results made visible this month (R,)."""
    return np.where(_on(p, m), p.results_communication.visibility, 0.0)[:, 0]


def reach(s: State, p: Params, m: MonthContext) -> Array:
    """Share of progress that reaches each partner (R, P): ``half_and_half`` of closeness, raised by
    the lever."""
    base = half_and_half(s.closeness)
    return np.where(_on(p, m), np.maximum(base, p.results_communication.reach), base)

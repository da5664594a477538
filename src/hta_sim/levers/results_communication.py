"""Results communication: a simple, regular overview of launched initiatives and results (seed §9;
§7: "the more concrete, the easier to be an ambassador"; AB members' motivation would rise if
results were communicated more broadly). It makes more results visible each month and lets them
reach distant members in full. It works through results_lag.
"""

import numpy as np

from ..state import State


def _on(p, t: int) -> np.ndarray:
    q = p.results_communication
    return (q.enabled > 0) & (t >= q.start)  # (R, 1)


def extra_visibility(p, t: int) -> np.ndarray:
    """Extra share of unshown results made visible this month (R,)."""
    return np.where(_on(p, t), p.results_communication.visibility, 0.0)[:, 0]


def reach(s: State, p, t: int) -> np.ndarray:
    """Share of progress that reaches each partner (R, P): 0.5 + 0.5 closeness, raised by the lever."""
    base = 0.5 + 0.5 * s.closeness
    return np.where(_on(p, t), np.maximum(base, p.results_communication.reach), base)

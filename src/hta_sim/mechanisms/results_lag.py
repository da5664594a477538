"""Results lag with rising expectations (seed §6, §7; fig. 7.1).

Partners judge the alliance by the progress they see against what they expect by now. While the
alliance builds itself, building is progress everyone sees; once it is built, partners expect
concrete, visible results, and these come only as initiatives mature and are communicated.
The gap between perceived progress and expectation drives engagement: this is the dip's cause.
"""

import numpy as np

from ..arrays import squash
from ..state import State


def progress(s: State, p) -> np.ndarray:
    """Progress the alliance shows this month, in result units (R, 1)."""
    return p.results_lag.build_credit * s.build_gain[:, None] + s.visible_flow[:, None]


def perceive(s: State, p, shown: np.ndarray, reach: np.ndarray) -> None:
    """Partners update what they have seen and what they expect by now.

    ``reach`` is the share of progress that reaches each partner: in full when close to the
    secretariat, in part for a distant AB member (seed §6, §7: results "communicated more broadly"
    would raise AB motivation); see levers.results_communication.reach.
    """
    s.perceived += p.results_lag.perception_rate * (reach * shown - s.perceived)
    wanted = p.results_lag.expectation * s.build[:, None]
    s.expectation += p.results_lag.expectation_rate * (wanted - s.expectation)


def drive(s: State, p) -> np.ndarray:
    """Engagement drive from the results gap; zero when the mechanism is off."""
    gap = squash((s.perceived - s.expectation) / p.results_lag.scale)
    return p.mechanisms.results_lag * p.results_lag.weight * gap

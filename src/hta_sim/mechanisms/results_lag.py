"""Results lag with rising expectations (seed §6, §7; fig. 7.1).

Partners judge the alliance by the progress they see against what they expect by now. While the
alliance builds itself, building is progress everyone sees; once it is built -- or once it has
existed long enough, however far it got -- partners expect concrete, visible results, and these
come only as initiatives mature and are communicated.
The gap between perceived progress and expectation drives engagement: this is the dip's cause.
"""

import numpy as np

from ..arrays import Array, squash
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from . import adaptive_expectations


def progress(s: State, p: Params) -> Array:
    """Progress the alliance shows this month, in result units (R, 1)."""
    return p.results_lag.build_credit * s.build_gain[:, None] + s.visible_flow[:, None]


def perceive(s: State, p: Params, m: MonthContext, shown: Array, reach: Array) -> None:
    """Partners update what they have seen and what they expect by now.

    ``reach`` is the share of progress that reaches each partner: in full when close to the
    secretariat, in part for a distant AB member (seed §6, §7: results "communicated more broadly"
    would raise AB motivation); see levers.results_communication.reach.
    """
    s.perceived += p.results_lag.perception_rate * (reach * shown - s.perceived)
    share = expected_share(s, p, m)
    wanted = share * adaptive_expectations.aspiration(s, p, p.results_lag.expectation)
    s.expectation += p.results_lag.expectation_rate * (wanted - s.expectation)


def expected_share(s: State, p: Params, m: MonthContext) -> Array:
    """How much of the full expectation partners hold by now (R, 1): as much as the alliance has
    built, and no less than its age allows: however long building takes, patience runs out.
    """
    age = np.minimum(1.0, m.step / p.results_lag.patience_months)
    return np.maximum(s.build[:, None], age)


def drive(s: State, p: Params) -> Array:
    """Engagement drive from the results gap; zero when the mechanism is off."""
    gap = squash((s.perceived - s.expectation) / p.results_lag.scale)
    return p.mechanisms.results_lag * p.results_lag.weight * gap

"""The spiral (seed §6: the phases are a spiral, not a straight line). The build (common agenda,
shared measurement, organisation) decays without upkeep, the secretariat's coordination, and when
many partners are new to it; the strategy work that builds it (kernel's ``_build``) then has work
to do again, and the phases read the build (``phases``), so phase-1 work returns when needed.
Off, the build never decays.
"""

import numpy as np

from ..arrays import Array, masked_mean
from ..month import MonthContext
from ..parameters import Params
from ..state import State


def newcomers(s: State, p: Params, m: MonthContext) -> Array:
    """(R,) the share of active partners who joined within ``newcomer_months``, after the first
    month: the founders are not new to the build they make."""
    new = s.active & (s.joined > 0) & (m.step - s.joined < p.spiral.newcomer_months)
    return np.nan_to_num(masked_mean(new.astype(float), s.active), nan=0.0)


def erode(s: State, p: Params, m: MonthContext) -> None:
    """The build loses ``decay`` a month at no coordination, and ``newcomer_weight`` at all new."""
    q = p.spiral
    rate = q.decay[:, 0] * (1.0 - s.coordination) + q.newcomer_weight[:, 0] * newcomers(s, p, m)
    s.build -= p.mechanisms.spiral[:, 0] * rate * s.build

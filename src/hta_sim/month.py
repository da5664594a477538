"""The month a rule acts in: computed once per step and handed to every rule.

Rules never work out for themselves what month it is, whether the association has formed or whether
a pulse is due; they read it here, so that each such fact has one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .parameters import Params
from .params import Layout
from .streams import Draws


@dataclass(frozen=True)
class MonthContext:
    """What several rules ask of month ``step`` (steps count months from the run's start)."""

    step: int
    associated: npt.NDArray[np.bool_]  # (R, 1): the association (board and AB) has formed
    pulse_due: bool  # the pulse is measured at the end of this month
    after_pulse: bool  # the pulse was measured last month (the adaptive secretariat reads it)
    draws: Draws  # this month's random numbers

    @classmethod
    def of(cls, layout: Layout, p: Params, t: int, draws: Draws) -> MonthContext:
        return cls(step=t, associated=t >= p.time.association, pulse_due=t in layout.pulse_steps,
                   after_pulse=(t - 1) in layout.pulse_steps, draws=draws.at(t))

    @property
    def split(self) -> npt.NDArray[np.bool_]:
        """(R,): the association has formed, one flag per replicate (for tables and the pulse)."""
        return self.associated[:, 0]

    def reached(self, month: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Whether a dated event (a step index per replicate, (R, 1)) has come by this month."""
        return self.step >= month

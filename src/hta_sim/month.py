"""The month a rule acts in: computed once per step and handed to every rule.

Rules never work out for themselves what month it is, whether the association has formed or whether
a pulse is due; they read it here, so that each such fact has one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import Array
from .parameters import Params
from .params import Layout
from .streams import LIFE_PURPOSES, Draws


@dataclass(frozen=True)
class MonthContext:
    """What several rules ask of month ``step`` (steps count months from the run's start)."""

    step: int
    associated: npt.NDArray[np.bool_]  # (R, 1): the association (board and AB) has formed
    pulse_due: bool  # the pulse is measured at the end of this month
    after_pulse: bool  # the pulse was measured last month (the adaptive secretariat reads it)
    draws: Draws  # this month's random numbers
    world: Array | None = None  # (R, purposes, cells): the world's draws this month
    solutions: Array | None = None  # (R, purposes, cells): the solutions' draws (alliance months)
    census_due: bool = False  # the national count is taken this month (week 6, February)
    census_step: int = -1  # which of the run's counts it is
    lives: Array | None = None  # (R, purposes, partners): partners' lives this month (alliance months)

    @classmethod
    def of(cls, layout: Layout, p: Params, t: int, draws: Draws) -> MonthContext:
        return cls(step=t, associated=t >= p.time.association, pulse_due=t in layout.pulse_steps,
                   after_pulse=(t - 1) in layout.pulse_steps, draws=draws.at(t),
                   world=_world(layout, t, draws), census_due=t in layout.census_steps,
                   census_step=_census(layout, t),
                   solutions=None if draws.solutions is None else draws.solutions.month(t),
                   lives=None if draws.lives is None or t < 0 else draws.lives.month(t))

    def life(self, purpose: str) -> Array:
        """(R, P) this month's uniforms of one of partners' lives' purposes; none drawn: all 1,
        so that nothing happens by chance (the stream is absent only in hand-made contexts)."""
        if self.lives is None:
            return np.ones_like(self.associated, dtype=float)
        return self.lives[:, LIFE_PURPOSES.index(purpose)]

    @classmethod
    def before_alliance(cls, layout: Layout, p: Params, t: int, draws: Draws) -> MonthContext:
        """A month (t < 0) in which only the world runs: the alliance's draws are not read."""
        return cls(step=t, associated=np.zeros_like(p.time.association, dtype=bool), pulse_due=False,
                   after_pulse=False, draws=draws, world=_world(layout, t, draws),
                   census_due=t in layout.census_steps, census_step=_census(layout, t))

    @property
    def split(self) -> npt.NDArray[np.bool_]:
        """(R,): the association has formed, one flag per replicate (for tables and the pulse)."""
        return self.associated[:, 0]

    def reached(self, month: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Whether a dated event (a step index per replicate, (R, 1)) has come by this month."""
        return self.step >= month


def _world(layout: Layout, t: int, draws: Draws) -> Array | None:
    return None if draws.world is None else draws.world.month(layout.prehistory + t)


def _census(layout: Layout, t: int) -> int:
    return layout.census_steps.index(t) if t in layout.census_steps else -1

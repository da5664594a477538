"""What each run of a sweep reports: a few numbers per run, measured from a lean recorder.

The quantities are the recorder's own columns (``recorder.RULES``) and the dip of ``outcomes.dips``,
so a sweep's row for (point, replicate) holds exactly the numbers the full tables of that run give.
Only the months an outcome needs are recorded, which keeps a batch of thousands of runs small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..arrays import Codes, Mask
from ..calendar import dates, month_text, parse_month
from ..outcomes import TROUGH_MONTHS, dips
from ..params import Layout
from ..recorder import WHOLE, Recorder
from ..state import State
from ..vocabulary import BODIES, PULSE_PARAMETERS, RUNG, RUNGS
from .spec import Outcomes

#: Rungs counted as "initiative-taking or higher" (the rungs that lead initiatives, seed §3).
LEADING_RUNGS = tuple(f"rung_{name}" for name in RUNGS[RUNG["initiative_taking"]:])


def _suffix(month: str) -> str:
    return month.replace("-", "_")


def _resolved(dates: list[str] | None, field: str) -> list[str]:
    """An outcome date list, which ``spec.resolve_outcomes`` fills in before a Plan is made."""
    if dates is None:
        raise ValueError(f"outcomes.{field} is unresolved: make the Plan from resolve_outcomes(...)")
    return dates


@dataclass(frozen=True)
class Plan:
    """Which recorder columns at which months a sweep needs, and the outcome columns it writes."""

    spec: Outcomes
    layout: Layout

    def step(self, month: str) -> int:
        return parse_month(month) - self.layout.start

    @property
    def engagement_dates(self) -> list[str]:
        return _resolved(self.spec.engagement_dates, "engagement_dates")

    @property
    def homes_dates(self) -> list[str]:
        return _resolved(self.spec.homes_dates, "homes_dates")

    @property
    def initiative_taking_dates(self) -> list[str]:
        return _resolved(self.spec.initiative_taking_dates, "initiative_taking_dates")

    @property
    def pulse_dates(self) -> list[str]:
        return _resolved(self.spec.pulse_dates, "pulse_dates")

    @property
    def dip_steps(self) -> tuple[int, ...]:
        """Months the dip reads: its two windows and one month either side for the smoothing."""
        return tuple(range(min(TROUGH_MONTHS[1] + 1, self.layout.steps))) if self.spec.dip else ()

    @property
    def trajectory_steps(self) -> tuple[int, ...]:
        k = self.spec.trajectory_every
        return tuple(range(0, self.layout.steps, k)) if k else ()

    @property
    def snapshot_steps(self) -> tuple[int, ...]:
        months = {*self.engagement_dates, *self.homes_dates, *self.initiative_taking_dates}
        return tuple(sorted({self.step(m) for m in months}))

    def recorders(self, replicates: Codes) -> Recorders:
        o = self.spec
        parts = []
        if self.spec.dip:
            parts.append(Recorder(replicates, self.layout, ("engagement_mean",), self.dip_steps))
        snap = ("engagement_mean", "engagement_board", "engagement_ab", "homes_created",
                "active_partners", *LEADING_RUNGS)
        parts.append(Recorder(replicates, self.layout, snap, self.snapshot_steps))
        if o.trajectory_every:
            parts.append(Recorder(replicates, self.layout, tuple(o.trajectory_columns),
                                  self.trajectory_steps))
        return Recorders(tuple(parts))

    def columns(self) -> list[str]:
        """The outcome columns, in order (docs/sweeps.md)."""
        cols: list[str] = []
        if self.spec.dip:
            cols += ["dip_depth", "dip_peak", "dip_trough", "dip_peak_step", "dip_trough_step",
                     "dip_peak_date", "dip_trough_date"]
        for m in self.engagement_dates:
            cols += [f"engagement_{_suffix(m)}", f"engagement_board_{_suffix(m)}",
                     f"engagement_ab_{_suffix(m)}"]
        cols += [f"homes_{_suffix(m)}" for m in self.homes_dates]
        cols += [f"initiative_taking_share_{_suffix(m)}" for m in self.initiative_taking_dates]
        for m in self.pulse_dates:
            cols += [f"pulse_{b}_{name}_{_suffix(m)}" for b in BODIES for name in PULSE_PARAMETERS]
        return cols

    def measure(self, recs: Recorders) -> dict[str, npt.NDArray[Any]]:
        """Every outcome column for every run of the batch, (R,) each: numbers, steps and dates."""
        out: dict[str, npt.NDArray[Any]] = {}
        dip_rec, snap = (recs.parts[0], recs.parts[1]) if self.spec.dip else (None, recs.parts[0])
        if dip_rec is not None:
            dip = dips(dip_rec.values("engagement_mean"))
            when = dates(self.layout.start, self.layout.steps)
            out |= {"dip_depth": dip["depth"], "dip_peak": dip["peak"], "dip_trough": dip["trough"],
                    "dip_peak_step": dip["peak_step"], "dip_trough_step": dip["trough_step"],
                    "dip_peak_date": when[dip["peak_step"]], "dip_trough_date": when[dip["trough_step"]]}
        at = {t: i for i, t in enumerate(self.snapshot_steps)}
        for m in self.engagement_dates:
            i = at[self.step(m)]
            for col, name in (("engagement_mean", "engagement"), ("engagement_board", "engagement_board"),
                              ("engagement_ab", "engagement_ab")):
                out[f"{name}_{_suffix(m)}"] = snap.values(col)[:, i]
        for m in self.homes_dates:
            out[f"homes_{_suffix(m)}"] = snap.values("homes_created")[:, at[self.step(m)]].astype(np.int64)
        for m in self.initiative_taking_dates:
            i = at[self.step(m)]
            leading = sum(snap.values(c)[:, i] for c in LEADING_RUNGS)
            active = snap.values("active_partners")[:, i]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"initiative_taking_share_{_suffix(m)}"] = np.where(active > 0, leading / active, np.nan)
        for m in self.pulse_dates:
            d = self.layout.pulse_steps.index(self.step(m))
            for b, body in enumerate(BODIES):
                for k, name in enumerate(PULSE_PARAMETERS):
                    out[f"pulse_{body}_{name}_{_suffix(m)}"] = snap.pulse[:, d, b, k]
        return out

    def trajectories(self, recs: Recorders, run: Codes) -> pd.DataFrame | None:
        """Down-sampled trajectories, one row per run and kept month, or None when none are asked for."""
        if not self.spec.trajectory_every:
            return None
        rec, steps = recs.parts[-1], np.array(self.trajectory_steps)
        R, S = len(run), len(steps)
        frame = {"run": np.repeat(run, S), "step": np.tile(steps, R),
                 "date": np.tile(dates(self.layout.start, self.layout.steps)[steps], R)}
        for name in self.spec.trajectory_columns:
            values = rec.values(name).ravel()
            frame[name] = values.astype(np.int64) if name in WHOLE else values  # whole people stay whole
        return pd.DataFrame(frame)

    def describe(self) -> dict[str, object]:
        return {"columns": self.columns(), "dates": dict(self.spec.model_dump().items()),
                "run_start": month_text(self.layout.start)}


@dataclass(frozen=True)
class Recorders:
    """Several lean recorders fed the same months (each keeps its own columns and months)."""

    parts: tuple[Recorder, ...]

    def record(self, s: State, t: int, split: Mask) -> None:
        for part in self.parts:
            part.record(s, t, split)

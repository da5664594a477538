"""Outcomes computed from the trajectories table: the dip, homes, rungs, engagement at dates.

The dip is defined once (docs/ODD.md, "The dip"): mean partner engagement per month, averaged over
replicates, smoothed with a centred 3-month moving average; depth = (its maximum over the alliance's
first two years - its minimum over years three and four) / that maximum. For the default start
(January 2016) the windows are 2016-17 and 2018-19. The window is our assumption for the seed's
"small dip" (fig. 7.1 is an illustration without numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import Array, Codes

PEAK_MONTHS = (0, 24)  # the alliance's first two years
TROUGH_MONTHS = (24, 48)  # its third and fourth
DIP_MONTHS = TROUGH_MONTHS[1] + 1  # the shortest run whose dip can be measured


@dataclass(frozen=True)
class Dip:
    depth: float
    peak: float
    trough: float
    peak_step: int
    trough_step: int


class Dips(TypedDict):
    """The dips of R curves, (R,) each: depths and levels as numbers, their months as steps."""

    depth: Array
    peak: Array
    trough: Array
    peak_step: Codes
    trough_step: Codes


def smoothed(series: npt.ArrayLike) -> Array:
    """Centred 3-month moving average along the last axis (the edges average what exists; NaN skipped).

    Works on one curve (T,) or many (R, T) at once, so sweeps compute every run's dip in one call.
    """
    x = np.asarray(series, dtype=float)
    ok = ~np.isnan(x)
    v = np.where(ok, x, 0.0)
    total, count = v.copy(), ok.astype(float)
    total[..., 1:] += v[..., :-1]
    count[..., 1:] += ok[..., :-1]
    total[..., :-1] += v[..., 1:]
    count[..., :-1] += ok[..., 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        average: Array = np.where(count > 0, total / np.maximum(count, 1.0), np.nan)
    return average


def dips(curves: npt.ArrayLike) -> Dips:
    """The dip of each monthly engagement curve (R, T): depth, peak, trough and their steps, (R,) each."""
    s = smoothed(np.atleast_2d(curves))
    peak_win, trough_win = s[:, slice(*PEAK_MONTHS)], s[:, slice(*TROUGH_MONTHS)]
    peak_i, trough_i = np.argmax(peak_win, axis=1), np.argmin(trough_win, axis=1)
    rows = np.arange(len(s))
    peak, trough = peak_win[rows, peak_i], trough_win[rows, trough_i]
    return {"depth": (peak - trough) / peak, "peak": peak, "trough": trough,
            "peak_step": PEAK_MONTHS[0] + peak_i, "trough_step": TROUGH_MONTHS[0] + trough_i}


def dip_of(curve: npt.ArrayLike) -> Dip:
    """The dip of one monthly engagement curve, indexed by step."""
    d = dips(np.asarray(curve, dtype=float)[None, :])
    return Dip(float(d["depth"][0]), float(d["peak"][0]), float(d["trough"][0]),
               int(d["peak_step"][0]), int(d["trough_step"][0]))


def ensemble_dip(traj: pd.DataFrame, column: str = "engagement_mean") -> Dip:
    """The dip of the replicate-averaged curve (the definition the tests and reports use)."""
    return dip_of(traj.groupby("step")[column].mean().to_numpy())


def replicate_dips(traj: pd.DataFrame, column: str = "engagement_mean") -> pd.DataFrame:
    """Each replicate's own smoothed dip: replicate, depth, peak, trough, peak_step, trough_step."""
    wide = traj.pivot(index="replicate", columns="step", values=column).sort_index()
    return pd.DataFrame({"replicate": wide.index.to_numpy(), **dips(wide.to_numpy())})


def at_date(traj: pd.DataFrame, column: str, date: str) -> pd.Series:
    """One value per replicate at the first day of the month given ('2018-12')."""
    when = np.datetime64(f"{date}-01")
    rows = traj[traj["date"] == when]
    return rows.set_index("replicate")[column]


def summary(traj: pd.DataFrame, pulse: pd.DataFrame | None = None) -> pd.DataFrame:
    """A short table for people: median and 90 % interval of the headline outcomes."""
    last = traj["date"].max()
    rows: dict[str, pd.Series] = {}
    dips = replicate_dips(traj)
    rows["dip depth (per replicate)"] = dips["depth"]
    for d in ("2018-12", "2021-12"):
        if (traj["date"] == np.datetime64(f"{d}-01")).any():
            rows[f"homes created by {d}"] = at_date(traj, "homes_created", d)
            rows[f"engagement {d}"] = at_date(traj, "engagement_mean", d)
    rows[f"homes created by {str(last)[:7]}"] = traj[traj["date"] == last].set_index(
        "replicate")["homes_created"]
    out = pd.DataFrame({
        "median": {k: v.median() for k, v in rows.items()},
        "p05": {k: v.quantile(0.05) for k, v in rows.items()},
        "p95": {k: v.quantile(0.95) for k, v in rows.items()},
    })
    ens = ensemble_dip(traj)
    out.loc["dip depth (ensemble)"] = [ens.depth, np.nan, np.nan]
    return out

"""The inflow's two parameters fitted to the national counts: a grid posterior over level and growth.

Each candidate (``world.inflow_level``, ``world.inflow_growth``) runs the model itself, world and
alliance, to the last count fitted, on the same replicates (common random numbers). The error model
is relative: a count is the model's mean times exp(sigma z), sigma the residuals' own spread at the
best candidate (a profile estimate). With two parameters a grid is exact enough and needs no sampler
tuning; the posterior is flat over the grid's box (stated prior: level 50-300 new spells a month at
the first fitted count, growth 0-20 % a year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import engine
from ..arrays import Array
from ..calendar import month_text, parse_month
from ..scenario import POINT_DATES, Scenario
from . import evidence

LEVELS = (50.0, 300.0)
GROWTHS = (0.0, 0.20)


@dataclass(frozen=True)
class GridPosterior:
    """Candidates, their simulated mean counts and their posterior weights."""

    years: tuple[int, ...]
    candidates: pd.DataFrame  # level, growth, sse, weight, and one mean count per fitted year
    sigma: float  # the relative error of a count at the best candidate

    @property
    def best(self) -> pd.Series:
        """The candidate with the smallest squared error (the grid's mode)."""
        row: pd.Series = self.candidates.iloc[int(np.argmin(self.candidates["sse"].to_numpy()))]
        return row

    def draws(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` (level, growth) pairs drawn from the grid by weight, jittered within their cell."""
        c = self.candidates
        pick = rng.choice(len(c), size=n, p=c["weight"].to_numpy())
        step = np.array([np.diff(np.unique(c[k]))[0] for k in ("level", "growth")])
        jitter = (rng.random((n, 2)) - 0.5) * step
        return pd.DataFrame({"level": c["level"].to_numpy()[pick] + jitter[:, 0],
                             "growth": c["growth"].to_numpy()[pick] + jitter[:, 1]})


def to_year(base: Scenario, year: int) -> Scenario:
    """The scenario cut short after the count of ``year`` (the world's February): only what a fit needs.

    Dates must lie in the horizon, so a last count or the association's date after the cut moves to
    the cut (the trend path, the fit's, never reads the last count), and other dated events after
    it never come. The world runs on its own stream, so none of this moves a count before the cut.
    """
    end = max(parse_month(f"{year}-02"), parse_month(base.time.start))
    changes: dict[str, object] = {
        "time.end": month_text(end),
        "time.pulse_dates": [d for d in base.time.pulse_dates if parse_month(d) <= end],
        "world.data_end": month_text(min(parse_month(base.world.data_end), end)),
        "time.association": month_text(min(parse_month(base.time.association), end))}
    for field in POINT_DATES:
        section, name = field.split(".")
        value = getattr(getattr(base, section), name)
        if field not in changes and value is not None and parse_month(value) > end:
            changes[field] = None
    return base.with_changes(changes)


def mean_counts(base: Scenario, candidates: Sequence[tuple[float, float]], years: Sequence[int],
                replicates: int, seed: int) -> Array:
    """(candidates, years): each candidate's mean national count over the same replicates."""
    short = to_year(base, max(years))
    scenarios = [short.with_changes({"world.inflow_level": float(level),
                                     "world.inflow_growth": float(growth)})
                 for level, growth in candidates]
    per_run = [sc for sc in scenarios for _ in range(replicates)]
    ids = np.tile(np.arange(replicates), len(scenarios))  # the same replicates for every candidate
    recs = engine.run(per_run, seed, ids)
    census = np.concatenate([r.census for r in recs])  # (runs, counts, municipalities, bands)
    layout_years = list(recs[0].layout.census_years)
    national = census.sum(axis=(2, 3))[:, [layout_years.index(y) for y in years]]
    means: Array = national.reshape(len(scenarios), replicates, len(years)).mean(axis=1)
    return means


def grid_posterior(base: Scenario, years: Sequence[int], size: int = 15, replicates: int = 20,
                   seed: int = 2009) -> GridPosterior:
    """The grid posterior of the inflow's level and growth, fitted to the counts of ``years``."""
    observed = np.array([evidence.counts().total[evidence.counts().years.index(y)] for y in years],
                        dtype=float)
    grid = [(lv, g) for lv in np.linspace(*LEVELS, size) for g in np.linspace(*GROWTHS, size)]
    means = mean_counts(base, grid, years, replicates, seed)
    residuals = np.log(means / observed)  # relative errors
    sse = np.sum(residuals**2, axis=1)
    sigma = float(np.sqrt(sse.min() / max(len(years) - 2, 1)))
    loglik = -0.5 * sse / sigma**2
    weight = np.exp(loglik - loglik.max())
    table = pd.DataFrame(grid, columns=["level", "growth"])
    table["sse"] = sse
    table["weight"] = weight / weight.sum()
    for j, y in enumerate(years):
        table[f"mean_{y}"] = means[:, j]
    return GridPosterior(years=tuple(years), candidates=table, sigma=sigma)

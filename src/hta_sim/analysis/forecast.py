"""Forecast a scenario under the posterior: what the model expects at each date, with its spread.

N parameter sets are drawn from the posterior by weight (``Posterior.resample``, its own seeded
stream); run j is engine replicate j of the seed with the j-th set, over the scenario's whole
horizon, once under each of the world's inflow paths (the same sets and replicates: paired, so the
paths differ only by the inflow). Each quantity is summarised over the N runs at each date as its
median and 5, 25, 75 and 95 % quantiles: the national count under both paths, everything else on
the scenario's own path. ``ab_meets`` is a share of runs, so all five columns hold that share.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from tqdm.auto import tqdm

from .. import engine
from ..arrays import Codes
from ..calendar import MONTHS_A_YEAR, month_text
from ..errors import InputError
from ..outfolder import write_folder
from ..params import CENSUS_MONTH, Layout, check
from ..provenance import manifest
from ..recorder import Recorder
from ..scenario import Scenario, load
from ..vocabulary import BODIES, PULSE_PARAMETERS, SOLUTIONS
from .forecast_check import inputs, verify
from .posterior import Posterior

__all__ = ["COLUMNS", "DEFAULT_DRAWS", "QUANTITIES", "Forecast", "run", "save", "verify"]

DEFAULT_DRAWS = 400
COLUMNS = ("quantity", "date", "median", "p05", "p25", "p75", "p95")
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}  # in rising order
FIRST_COUNT = 2019  # the first February count after the evidence ends (2018)
INFLOW_PATHS = ("flat", "trend")
COUNT = "homeless_young_people"  # the national count: COUNT_flat and COUNT_trend
DECEMBER = MONTHS_A_YEAR - 1
#: At each year end (December), on the scenario's own inflow path.
YEAR_END = ("active_partners", "ab_meets", *(f"housed_{t}" for t in SOLUTIONS),
            *(f"municipalities_{t}" for t in SOLUTIONS), "secretariat_staff")
SHARE_OF_RUNS = ("ab_meets",)  # 0/1 per run: the share of runs, in every column
#: At each pulse date, with the pulse scores pulse_<body>_<parameter>.
AT_PULSES = ("engagement_board", "engagement_ab", "engagement_mean")
TABLES = ("forecast.csv", "summary.md")
#: Every quantity a forecast reports, in the table's order.
QUANTITIES = (*(f"{COUNT}_{p}" for p in INFLOW_PATHS), *YEAR_END, *AT_PULSES,
              *(f"pulse_{b}_{p}" for b in BODIES for p in PULSE_PARAMETERS))


@dataclass(frozen=True)
class Forecast:
    scenario: Scenario
    seed: int
    posterior: Posterior
    rows: Codes  # the posterior row each run took: run j (engine replicate j) took rows[j]
    table: pd.DataFrame  # COLUMNS: one row per quantity and date

    @property
    def draws(self) -> int:
        return len(self.rows)


def run(scenario: str | Path | Scenario, draws: int, seed: int, posterior: Posterior,
        progress: bool = False) -> Forecast:
    """Draw ``draws`` parameter sets, run each on both inflow paths, and summarise by date.

    Both paths run in one batch (run j of each path is engine replicate j: the same numbers as two
    batches, in half the setup); the progress bar counts runs as the engine's chunks finish.
    """
    s = load(scenario)
    check(s)
    if draws < 1:
        raise InputError(f"field '--draws' = {draws}: must be >= 1")
    batch = [one for path in INFLOW_PATHS
             for one in posterior.drawn(s.with_changes({"world.inflow_path": path}), draws, seed)]
    with tqdm(total=len(batch), unit="run", disable=not progress, desc=f"forecast {s.name}") as bar:
        recs = engine.run(batch, seed, np.tile(np.arange(draws), len(INFLOW_PATHS)), tick=bar.update)
    runs = Runs(recs, draws)
    frames = [counts(runs, p) for p in INFLOW_PATHS] + own_path(runs, s.world.inflow_path)
    return Forecast(s, seed, posterior, posterior.resample(draws, seed), pd.concat(frames, ignore_index=True))


@dataclass(frozen=True)
class Runs:
    """The batch's recorders read by inflow path: rows [k N, (k + 1) N) ran on INFLOW_PATHS[k]."""

    recs: list[Recorder]
    draws: int

    @property
    def layout(self) -> Layout:
        return self.recs[0].layout

    def rows(self, path: str) -> slice:
        k = INFLOW_PATHS.index(path)
        return slice(k * self.draws, (k + 1) * self.draws)

    def census(self, path: str) -> npt.NDArray[np.float64]:
        """(runs, counts) national totals of every week-6 count."""
        national = np.concatenate([r.census.sum(axis=(2, 3)) for r in self.recs])
        return national[self.rows(path)].astype(float)

    def column(self, name: str, path: str, steps: list[int]) -> npt.NDArray[np.float64]:
        return np.concatenate([r.values(name)[:, steps] for r in self.recs])[self.rows(path)].astype(float)

    def pulse(self, path: str) -> npt.NDArray[np.float64]:
        """(runs, pulse dates, bodies, parameters) scores."""
        scores: npt.NDArray[np.float64] = np.concatenate([r.pulse for r in self.recs])[self.rows(path)]
        return scores

    def when(self, steps: list[int]) -> list[str]:
        return [month_text(self.layout.start + t) for t in steps]


def summary(quantity: str, dates: Sequence[str], values: npt.NDArray[np.float64],
            share: bool = False) -> pd.DataFrame:
    """One row per date: the quantiles over runs of ``values`` (runs, dates), or the share of runs.

    A value a run leaves undefined (NaN: the AB's engagement and scores once it has no members) is
    left out; a date no run defines has no row.
    """
    defined = ~np.all(np.isnan(values), axis=0)
    values = values[:, defined]
    if not defined.any():
        q = np.empty((len(QUANTILES), 0))
    elif share:
        q = np.repeat(np.nanmean(values, axis=0, keepdims=True), len(QUANTILES), axis=0)
    else:  # linear quantiles are ordered; the running maximum only keeps rounding from reordering them
        q = np.maximum.accumulate(np.nanquantile(values, list(QUANTILES.values()), axis=0), axis=0)
    columns = dict(zip(QUANTILES, q, strict=True))
    return pd.DataFrame({"quantity": quantity, "date": list(np.asarray(dates, dtype=object)[defined]),
                         **columns}, columns=list(COLUMNS))


def counts(runs: Runs, path: str) -> pd.DataFrame:
    """The national count (week 6, February) on one inflow path, from 2019 to the horizon's last."""
    years = np.asarray(runs.layout.census_years)
    keep = years >= FIRST_COUNT
    when = [month_text(int(y) * MONTHS_A_YEAR + CENSUS_MONTH) for y in years[keep]]
    return summary(f"{COUNT}_{path}", when, runs.census(path)[:, keep])


def own_path(runs: Runs, path: str) -> list[pd.DataFrame]:
    """The year-end quantities, engagement and the pulse scores, from the scenario's own path."""
    layout = runs.layout
    ends = [t for t in range(layout.steps) if (layout.start + t) % MONTHS_A_YEAR == DECEMBER]
    pulses = list(layout.pulse_steps)
    frames = [summary(n, runs.when(ends), runs.column(n, path, ends), n in SHARE_OF_RUNS)
              for n in YEAR_END]
    frames += [summary(n, runs.when(pulses), runs.column(n, path, pulses)) for n in AT_PULSES]
    scores = runs.pulse(path)
    frames += [summary(f"pulse_{body}_{p}", runs.when(pulses), scores[:, :, b, k])
               for b, body in enumerate(BODIES) for k, p in enumerate(PULSE_PARAMETERS)]
    return frames


def save(fc: Forecast, out: Path, force: bool = False) -> Path:
    """Write forecast.csv, the figures, summary.md and manifest.json (every file's sha256), atomically.

    An earlier forecast in ``out`` is replaced only with ``force`` (outfolder.check_out).
    """
    return write_folder(out, lambda folder: _write(fc, folder), "forecast", force, hashes=True)


def _write(fc: Forecast, folder: Path) -> None:
    from .forecast_figure import figures
    from .forecast_summary import plain_summary

    fc.table.to_csv(folder / "forecast.csv", index=False, float_format="%.8g")
    (folder / "summary.md").write_text(plain_summary(fc), encoding="utf-8")
    drawn = figures(fc.table, folder, fc.scenario.name)
    post = fc.posterior
    info = manifest(fc.scenario, fc.seed, fc.draws, "vectorized", {
        "forecast": {"draws": fc.draws, "seed": fc.seed, "scenario": fc.scenario.name,
                     "inflow_paths": list(INFLOW_PATHS), "own_inflow_path": fc.scenario.world.inflow_path,
                     "first_count_year": FIRST_COUNT, "quantiles": QUANTILES,
                     "share_of_runs": list(SHARE_OF_RUNS), "posterior_rows": fc.rows.tolist()},
        "posterior": {"path": post.file or post.source, "source": post.source, "sha256": post.sha256,
                      "fitted_to": post.fitted_to,
                      "rows": len(post.draws), "weighted": post.weights is not None,
                      "effective_size": post.effective_size()},
        "inputs": inputs(fc.scenario, post),
        "tables": list(TABLES),
        "figures": drawn,
    })
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")

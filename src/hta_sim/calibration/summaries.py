"""A batch of particles through the vectorised engine, reduced to the summaries the targets read.

Particle i of a batch runs as engine replicate ``keys[i]`` (with R runs a particle: replicates
``keys[i] * R + r``): streams of its own, ``SeedSequence(seed, spawn_key=(replicate,))``, whatever
the batch, chunk, worker or executor it runs in; no two particles share a draw (no common random
numbers), so the posterior is not tied to one draw of the noise. A particle's summaries are the mean
of its R runs: the pulse is an evaluator's reading of the alliance's state, not of one run's chance
(at the baseline one run's scores scatter with sd 0.19, up to 0.43; the distance of one run is 7.0
at the median, of a mean of four 5.9: docs/calibration.md).
The run is cut to the end of 2019 (the dip's trough window), with the pulse taken in October 2018
only; the world runs from its own start, so the 2009-2017 counts are the model's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .. import engine
from ..arrays import Array
from ..calendar import parse_month
from ..outcomes import PEAK_MONTHS, TROUGH_MONTHS, smoothed
from ..recorder import Recorder
from ..scenario import Scenario
from .evidence import COUNT_YEARS, NAMES, PROGRAMME_DATE, PULSE_DATE

FIT_END = "2019-12"
FLOOR_SCORE = 1.0  # a body with no members left scores the scale's floor, as a body that no longer works
GAP_MONTHS = TROUGH_MONTHS  # 2018-19 for the default start


def fit_scenario(base: Scenario) -> Scenario:
    """The scenario cut to what the targets need."""
    return base.with_changes({"time.end": FIT_END, "time.pulse_dates": [PULSE_DATE]})


def simulate(base: Scenario, changes: Sequence[Mapping[str, float | int]], seed: int, keys: Sequence[int],
             runs: int = 1) -> Array:
    """(n, K) the summaries of n particles in ``evidence.NAMES`` order: each the mean of its runs.

    Particle i is ``base`` with ``changes[i]`` (every particle changes the same parameters). With
    one run, it is replicate keys[i]; with R runs, replicates keys[i] * R + r, r < R. The particles
    go through ``engine.run_columns``: one Scenario per particle cost as much as its run.
    """
    if not changes:
        return np.zeros((0, len(NAMES)))
    k = np.asarray(keys, dtype=np.int64)
    ids = k if runs == 1 else (k[:, None] * runs + np.arange(runs)).ravel()
    columns = {name: [c[name] for c in changes for _ in range(runs)] for name in changes[0]}
    recs = engine.run_columns(base, columns, seed, ids)
    stats = np.concatenate([reduce(r, base) for r in recs])
    out: Array = stats.reshape(len(changes), runs, -1).mean(axis=1)
    return out


def reduce(rec: Recorder, scenario: Scenario) -> Array:
    """(R, K) one recorder's runs as summaries."""
    cols = rec.columns
    step = parse_month(PROGRAMME_DATE) - parse_month(scenario.time.start)
    pulse = np.nan_to_num(rec.pulse[:, 0].reshape(len(rec.pulse), -1), nan=FLOOR_SCORE)  # board, AB
    years = list(rec.layout.census_years)
    counts = rec.census.sum(axis=(2, 3))[:, [years.index(y) for y in COUNT_YEARS]].astype(float)
    mean = np.nan_to_num(cols["engagement_mean"], nan=0.0)
    curve = smoothed(mean)
    peak = curve[:, slice(*PEAK_MONTHS)].max(axis=1)
    trough = curve[:, slice(*TROUGH_MONTHS)].min(axis=1)
    gap = np.nan_to_num(cols["engagement_board"] - cols["engagement_ab"], nan=0.0)
    parts = [pulse, counts, cols["places_dormitory"][:, step, None], cols["housed_host_home"][:, step, None],
             ((peak - trough) / np.maximum(peak, 1e-9))[:, None],
             (PEAK_MONTHS[0] + np.argmax(curve[:, slice(*PEAK_MONTHS)], axis=1))[:, None],
             (TROUGH_MONTHS[0] + np.argmin(curve[:, slice(*TROUGH_MONTHS)], axis=1))[:, None],
             gap[:, slice(*GAP_MONTHS)].mean(axis=1)[:, None]]
    out: Array = np.concatenate([np.asarray(p, dtype=float) for p in parts], axis=1)
    return out

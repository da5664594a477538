"""Batched simulation for calibration: many candidate parameter sets in one call of the engine.

Each candidate runs over the same replicate numbers of the same seed (common random numbers), so two
candidates differ only by their parameters. All candidates' replicates go through the vectorised
engine together (``engine.run`` with one scenario per replicate); with ``workers`` > 1 the candidates
are split over processes, which changes no number (a replicate depends only on its seed, its number
and its own parameters). Only what the distance needs is kept: pulse scores on the target dates,
homes on the target date and the monthly mean engagement for the dip.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import engine
from ..arrays import Array, Codes
from ..calendar import parse_month
from ..outcomes import PEAK_MONTHS, TROUGH_MONTHS
from ..scenario import Scenario
from .targets import programme_count


@dataclass(frozen=True)
class Batch:
    """Simulated summaries of n candidates over R replicates each."""

    scores: Array  # (n, R, D, 2, 8) pulse scores on the calibration's pulse dates, board and AB
    homes: Array  # (n, R) homes_created on the homes date
    engagement: Array  # (n, R, T) monthly mean engagement of active partners
    board: Array  # (n, R, T) monthly mean engagement of board members
    ab: Array  # (n, R, T) monthly mean engagement of AB members

    @property
    def board_minus_ab(self) -> Array:
        """(n, T) the ensemble's board engagement minus its AB engagement, by month."""
        return self.board.mean(axis=1) - self.ab.mean(axis=1)

    def take(self, rows: slice) -> Batch:
        """The candidates in ``rows``."""
        return Batch(*(getattr(self, f)[rows] for f in FIELDS))

    @property
    def ensemble_depth(self) -> Array:
        """(n,) the dip of the replicate-averaged curve (docs/ODD.md, "The dip")."""
        return depth(self.engagement.mean(axis=1))

    @property
    def peak_step(self) -> Codes:
        """(n,) month of the smoothed ensemble curve's peak in years 1-2."""
        s = smoothed(self.engagement.mean(axis=1))
        return PEAK_MONTHS[0] + np.argmax(s[:, slice(*PEAK_MONTHS)], axis=1)

    @property
    def trough_step(self) -> Codes:
        """(n,) month of its trough in years 3-4."""
        s = smoothed(self.engagement.mean(axis=1))
        return TROUGH_MONTHS[0] + np.argmin(s[:, slice(*TROUGH_MONTHS)], axis=1)

    @property
    def replicate_depths(self) -> Array:
        """(n, R) each replicate's own smoothed dip depth."""
        return depth(self.engagement)


FIELDS = ("scores", "homes", "engagement", "board", "ab")


def smoothed(curves: Array) -> Array:
    """Centred 3-month moving average along the last axis; the edges average what exists.

    The same definition as ``outcomes.smoothed``, for whole arrays of curves at once.
    """
    padded = np.pad(curves, [(0, 0)] * (curves.ndim - 1) + [(1, 1)])
    total = padded[..., :-2] + padded[..., 1:-1] + padded[..., 2:]
    count = np.full(curves.shape[-1], 3.0)
    count[[0, -1]] = 2.0
    average: Array = total / count
    return average


def depth(curves: Array) -> Array:
    """Dip depth of each curve along the last axis: (peak over years 1-2 - trough over 3-4) / peak."""
    s = smoothed(curves)
    peak = s[..., slice(*PEAK_MONTHS)].max(axis=-1)
    trough = s[..., slice(*TROUGH_MONTHS)].min(axis=-1)
    dip: Array = (peak - trough) / peak
    return dip


def _run(scenarios: Sequence[Scenario], seed: int, replicates: int, homes_step: int) -> Batch:
    n = len(scenarios)
    per_rep = [s for s in scenarios for _ in range(replicates)]
    ids = list(range(replicates)) * n  # replicate numbers 0..R-1 for each candidate in turn
    recs = engine.run(per_rep, seed, ids)
    scores = np.concatenate([r.pulse for r in recs])
    homes = np.concatenate([programme_count(r.columns)[:, homes_step] for r in recs])
    # a month with no active partner at all (every partner gone) has no engagement: 0, not NaN
    mean = np.nan_to_num(np.concatenate([r.columns["engagement_mean"] for r in recs]), nan=0.0)
    curves = [mean.reshape(n, replicates, -1)] + [
        np.concatenate([r.columns[f"engagement_{c}"] for r in recs]).reshape(n, replicates, -1)
        for c in ("board", "ab")]
    return Batch(scores.reshape(n, replicates, *scores.shape[1:]), homes.reshape(n, replicates),
                 *curves)


def homes_step(scenario: Scenario, date: str) -> int:
    return parse_month(date) - parse_month(scenario.time.start)


class Simulator:
    """Runs batches of candidate scenarios; holds a process pool when ``workers`` > 1."""

    def __init__(self, seed: int, replicates: int, homes_date: str, workers: int = 1) -> None:
        self.seed, self.replicates, self.homes_date = seed, replicates, homes_date
        self.workers = workers
        self.runs = 0  # model runs (candidate x replicate) so far
        spawn = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._pool = ProcessPoolExecutor(workers, mp_context=spawn) if workers > 1 else None

    def __call__(self, scenarios: Sequence[Scenario]) -> Batch:
        step = homes_step(scenarios[0], self.homes_date)
        self.runs += len(scenarios) * self.replicates
        if self._pool is None or len(scenarios) < 2 * self.workers:
            return _run(scenarios, self.seed, self.replicates, step)
        parts = np.array_split(np.arange(len(scenarios)), self.workers)
        futures = [self._pool.submit(_run, [scenarios[i] for i in part.tolist()], self.seed, self.replicates,
                                     step) for part in parts]
        done = [f.result() for f in futures]
        return Batch(*(np.concatenate([getattr(b, k) for b in done]) for k in
                       FIELDS))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

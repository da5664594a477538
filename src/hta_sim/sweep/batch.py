"""One chunk of a sweep: a few design points times their replicates, run as one vectorised batch.

This is the function executors ship to workers. It is pure: the same job gives the same table on
any worker, in any order, so chunks may run anywhere and be retried or resumed freely. Run
(point i, replicate j) is exactly ``simulate(base.with_changes(draw j | point i), seed)``'s replicate
k, where k = j with common random numbers and k = the run's number otherwise, and draw j is replicate
j's posterior draw (none without a posterior; the point's swept values override it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import engine, streams
from ..params import compile_columns
from ..provenance import machine_fingerprint
from ..scenario import Scenario
from ..world import population
from .outcomes import Plan
from .spec import Outcomes


@dataclass(frozen=True)
class Drawn:
    """Replicate j's parameters from the posterior, the same for every point: the row it took and
    its values of the parameters the design does not sweep (a swept value overrides the draw).
    """

    rows: list[int]  # replicate j's row of the posterior file (0-based)
    values: dict[str, list[Any]] = field(default_factory=dict)  # parameter -> one value per replicate


@dataclass(frozen=True)
class Job:
    chunk: int  # the chunk's number (its file name)
    base: Scenario
    seed: int
    replicates: int  # per point
    common_random_numbers: bool
    first_point: int  # global number of the chunk's first point
    values: dict[str, pd.Series]  # parameter -> one value per point of the chunk (the design's dtype)
    outcomes: Outcomes
    drawn: Drawn | None = None  # replicate j's posterior draw; None: parameters fixed

    @property
    def points(self) -> int:
        return len(next(iter(self.values.values())))

    @property
    def runs(self) -> int:
        return self.points * self.replicates


@dataclass(frozen=True)
class ChunkResult:
    chunk: int
    runs: pd.DataFrame  # one row per run: identity, parameter values, outcomes
    trajectories: pd.DataFrame | None  # down-sampled rows, if asked for
    cpu_seconds: float = 0.0  # CPU time the worker spent on it (shows contention on shared machines)


def run_job(job: Job) -> ChunkResult:
    """Run every (point, replicate) of the chunk and measure its outcomes."""
    started = time.process_time()
    roster = engine.roster_of(job.base)
    n, reps = job.points, job.replicates
    point = job.first_point + np.repeat(np.arange(n), reps)
    run = point * reps + np.tile(np.arange(reps), n)
    stream = np.tile(np.arange(reps), n) if job.common_random_numbers else run
    per_run: dict[str, Sequence[Any]] = {name: [v for v in _plain(vals.tolist()) for _ in range(reps)]
                                         for name, vals in job.values.items()}
    if job.drawn is not None:  # replicate j's draw under every point: runs go point by point, j within
        per_run |= {name: vals * n for name, vals in job.drawn.values.items()}
    layout, p = compile_columns(job.base, roster, len(run), per_run)
    slots = job.base.initiatives.slots
    varied = [*job.values, *(job.drawn.values if job.drawn is not None else ())]
    levers = engine.uses_lever_stream(job.base, varied)
    if job.common_random_numbers:
        draws = _draws(job.seed, reps, layout.steps, slots, tuple(roster.slots.tolist()),
                       levers).shared(np.tile(np.arange(reps), n))
    else:
        draws = streams.draw(job.seed, run, layout.steps, slots, roster.slots, levers,
                             world_cells=population.CELLS)
    state = engine.begin(roster, layout, p, draws, len(run), slots)
    plan = Plan(job.outcomes, layout)
    recs = plan.recorders(stream)
    engine.simulate_batch(state, p, layout, draws, recs)
    # identity and outcome arrays, the design's columns as Series (their dtypes kept), the machine
    table: dict[str, npt.NDArray[Any] | pd.Series[Any] | str] = {"run": run, "point": point,
                                                                 "replicate": stream}
    if job.drawn is not None:
        table["posterior_row"] = np.tile(np.asarray(job.drawn.rows, np.int64), n)
    for name, vals in job.values.items():
        table[name] = vals.repeat(reps).reset_index(drop=True)
    table |= plan.measure(recs)
    table["machine"] = machine_fingerprint()  # of the machine that ran it (a cluster may be mixed)
    return ChunkResult(job.chunk, pd.DataFrame(table), plan.trajectories(recs, run),
                       time.process_time() - started)


@lru_cache(maxsize=4)
def _draws(seed: int, replicates: int, steps: int, slots: int, partner_slots: tuple[int, ...],
           levers: bool) -> streams.Draws:
    """The draws of replicates 0..n-1, shared by every point (drawn once per worker process)."""
    return streams.draw(seed, np.arange(replicates), steps, slots, np.array(partner_slots), levers,
                        world_cells=population.CELLS)


def _plain(values: list[Any]) -> list[Any]:
    """Missing (pd.NA) back to None: an unset optional month."""
    return [None if v is pd.NA or v is None else v for v in values]

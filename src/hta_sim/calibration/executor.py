"""Where a batch of particles runs: in this process, over local processes, or on a Dask cluster
(the sweep's executors, ``sweep.executors``).

Every executor splits a batch into chunks in the same order and joins the results in that order; a
particle's numbers depend only on its own key (``sampler.key``), so the executor and the number of
workers change no number.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..arrays import Array
from ..errors import InputError
from ..scenario import Scenario
from ..sweep import executors
from . import summaries

CHUNK_MIN = 64  # particles: below this a chunk's fixed cost outweighs splitting


def simulate_changes(base: Scenario, changes: Sequence[dict[str, float | int]], seed: int,
                     keys: Sequence[int], runs: int = 1) -> Array:
    """One chunk: the base scenario with each particle's values, run and summarised."""
    return summaries.simulate(base, changes, seed, keys, runs)


def _chunk(job: tuple[int, Scenario, list[dict[str, float | int]], int, list[int], int]) -> tuple[int, Array]:
    """One chunk of a batch, tagged with its place so the batch can be joined in order."""
    place, base, changes, seed, keys, runs = job
    return place, simulate_changes(base, changes, seed, keys, runs)


class Runner:
    """Runs chunks of particles on the sweep's executors (``sweep.executors.make``): this process,
    ``workers`` local processes, or the Dask scheduler given; chunks come back as they finish and are
    joined in the batch's order."""

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
            raise InputError(f"field '--scheduler' = {scheduler!r}: must be a Dask scheduler address, "
                             "tcp://HOST:PORT (or tls://, inproc://)")
        self._executor: executors.Executor | None = executors.make(workers, scheduler)
        self.workers = self._executor.workers

    def __call__(self, base: Scenario, changes: Sequence[dict[str, float | int]], seed: int,
                 keys: Sequence[int], runs: int = 1) -> Array:
        parts = min(self.workers, max(1, len(changes) * runs // CHUNK_MIN))
        if parts == 1 or self._executor is None:
            return simulate_changes(base, changes, seed, keys, runs)
        bounds = np.linspace(0, len(changes), parts + 1).astype(int)
        jobs = [(i, base, list(changes[a:b]), seed, list(keys[a:b]), runs)
                for i, (a, b) in enumerate(itertools.pairwise(bounds))]
        done = dict(self._executor.map_unordered(_chunk, jobs))
        return np.concatenate([done[i] for i in range(len(jobs))])

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
        self._executor = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Where a batch of particles runs: in this process, over local processes, or on a Dask cluster.

Every executor splits a batch into chunks in the same order and joins the results in that order; a
particle's numbers depend only on its own key (``sampler.key``), so the executor and the number of
workers change no number.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np

from ..arrays import Array
from ..errors import InputError
from ..scenario import Scenario
from . import summaries

CHUNK_MIN = 64  # particles: below this a chunk's fixed cost outweighs splitting


def simulate_changes(base: Scenario, changes: Sequence[dict[str, float | int]], seed: int,
                     keys: Sequence[int], runs: int = 1) -> Array:
    """One chunk: the base scenario with each particle's values, run and summarised."""
    return summaries.simulate([base.with_changes(c) for c in changes], seed, keys, runs)


class Runner:
    """Runs chunks of particles on ``workers`` local processes or on the Dask scheduler given."""

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self.workers = workers
        self._client: Any = None
        self._pool: Executor | None = None
        if scheduler is not None:
            self._client = _client(scheduler)
            self.workers = max(1, sum(self._client.nthreads().values()))
        elif workers > 1:
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def __call__(self, base: Scenario, changes: Sequence[dict[str, float | int]], seed: int,
                 keys: Sequence[int], runs: int = 1) -> Array:
        parts = min(self.workers, max(1, len(changes) * runs // CHUNK_MIN))
        if parts == 1:
            return simulate_changes(base, changes, seed, keys, runs)
        bounds = np.linspace(0, len(changes), parts + 1).astype(int)
        chunks = [(list(changes[a:b]), list(keys[a:b])) for a, b in itertools.pairwise(bounds)]
        if self._client is not None:
            futures = [self._client.submit(simulate_changes, base, c, seed, k, runs, pure=False)
                       for c, k in chunks]
            return np.concatenate(self._client.gather(futures))
        assert self._pool is not None
        done = [self._pool.submit(simulate_changes, base, c, seed, k, runs) for c, k in chunks]
        return np.concatenate([f.result() for f in done])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        if self._client is not None:
            self._client.close()
        self._pool = self._client = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _client(address: str) -> Any:
    if not address.startswith(("tcp://", "tls://", "inproc://")):
        raise InputError(f"field '--scheduler' = {address!r}: must be a Dask scheduler address, "
                         "tcp://HOST:PORT (or tls://, inproc://)")
    from distributed import Client

    try:
        return Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise InputError(f"field '--scheduler' = {address!r}: no Dask scheduler answers there "
                         f"({exc})") from None

"""A pyABC sampler that runs its particles in batches through the vectorised engine.

pyABC proposes, simulates and judges one particle at a time inside one closure (``simulate_one``),
drawing its proposals from numpy's global random state (pyABC issue #400). This sampler records and
replays: it saves the global state, calls ``simulate_one`` B times with a model that only notes each
proposed parameter set, restores the state, simulates the B sets together (over processes or a Dask
cluster), then calls ``simulate_one`` again, so that pyABC draws the very same proposals and now
receives their real summaries. A replay that proposes anything else raises: nothing can silently
diverge. Particle i of generation t runs as engine replicate ``key(t, i)``, so the result depends on
neither B, nor the number of workers, nor the executor.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyabc
from pyabc.sampler import Sampler

from ..arrays import Array

#: Simulates particles: parameter dicts and their engine replicate keys -> (n, K) summaries.
Batcher = Callable[[Sequence[dict[str, float]], Sequence[int]], Array]
KEY_BLOCK = 2**32  # particles of one generation: replicate numbers of ordinary runs stay below
MIN_BATCH, MAX_BATCH = 64, 4096


def key(run: int, t: int, i: int) -> int:
    """Engine replicate number of particle i of generation t (t = -1: the prior's first sample)."""
    return (run * 1024 + t + 2) * KEY_BLOCK + i


class BatchModel(pyabc.Model):  # type: ignore[misc]
    """The model pyABC calls: notes proposals (record) or hands back their summaries (replay)."""

    def __init__(self, width: int) -> None:
        super().__init__(name="hta_sim")
        self.placeholder = {"s": np.zeros(width)}
        self.recording = True
        self.proposed: list[dict[str, float]] = []
        self.replay: deque[tuple[dict[str, float], Array]] = deque()

    def sample(self, pars: Any) -> dict[str, Array]:
        theta = {k: float(v) for k, v in pars.items()}
        if self.recording:
            self.proposed.append(theta)
            return self.placeholder
        expected, stats = self.replay.popleft()
        if theta != expected:
            raise RuntimeError("pyABC proposed other parameters on replay; the batch would diverge")
        return {"s": stats}


class BatchSampler(Sampler):  # type: ignore[misc]
    """Samples a generation in batches of B proposals; see the module docstring."""

    def __init__(self, model: BatchModel, batcher: Batcher, run: int = 0,
                 tick: Callable[[int], object] | None = None) -> None:
        super().__init__()
        self.model, self.batcher, self.run, self.tick = model, batcher, run, tick
        self.acceptance = 1.0  # the last generation's, to size the next batches
        self.simulations = 0

    def sample_until_n_accepted(self, n: int, simulate_one: Callable[[], Any], t: int, *,
                                max_eval: float = np.inf, all_accepted: bool = False,
                                ana_vars: Any = None) -> Any:
        sample = self._create_empty_sample()
        evaluated = 0
        while sample.n_accepted < n and evaluated < max_eval:
            size = self._batch(n - sample.n_accepted, max_eval - evaluated)
            for particle in self._batch_of(simulate_one, t, evaluated, size):
                sample.append(particle)
                evaluated += 1
                if sample.n_accepted >= n:
                    break
        self.nr_evaluations_ = evaluated
        self.simulations += evaluated
        self.acceptance = max(sample.n_accepted / max(evaluated, 1), 1e-3)
        if sample.n_accepted < n:
            sample.ok = False
        return sample

    def _batch(self, wanted: int, left: float) -> int:
        size = int(np.clip(1.2 * wanted / self.acceptance, MIN_BATCH, MAX_BATCH))
        return int(min(size, left))

    def _batch_of(self, simulate_one: Callable[[], Any], t: int, first: int, size: int) -> Any:
        """Record ``size`` proposals, simulate them together, then replay them one by one."""
        state = np.random.get_state()
        self.model.recording, self.model.proposed = True, []
        for _ in range(size):
            simulate_one()
        np.random.set_state(state)
        proposed = self.model.proposed
        stats = self.batcher(proposed, [key(self.run, t, first + j) for j in range(len(proposed))])
        if self.tick:
            self.tick(len(proposed))
        self.model.replay = deque(zip(proposed, stats, strict=True))
        self.model.recording = False
        for _ in range(len(proposed)):
            yield simulate_one()

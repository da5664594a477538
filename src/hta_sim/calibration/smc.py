"""ABC-SMC with pyABC: the posterior of the free parameters given the evidence to 2018.

pyABC (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022) runs sequential Monte Carlo ABC:
each generation proposes from the last one's weighted particles (``proposal``: ``Budget.proposal``),
accepts a run whose distance (``evidence.distance_of``) lies within the generation's tolerance (the
median of the last generation's distances; the distance is the largest |z| over the targets), and
weighs it by prior over proposal density. Its SQL
history (``abc.db``) keeps every generation; the last, larger one resumes from it (pyABC's
``load``), so that it is run whatever stopped the ones before. Priors are uniform over
``space.FREE``'s ranges.

Randomness: pyABC draws its proposals from numpy's global random state (pyABC issue #400). The fit
seeds that state from ``SeedSequence(seed)`` and puts the caller's state back afterwards; each
particle's run draws from its own stream (``sampler.key``). Same seed, same bits, for any number of
workers and any executor. The one exception to "no global state" is that pyABC itself reads it
while the fit runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from ..arrays import Array
from ..scenario import Scenario
from . import space as sp
from .evidence import NAMES, Evidence, distance_of
from .executor import Runner
from .proposal import MixedKernel, ProductKernel
from .sampler import BatchModel, BatchSampler

#: The proposal kernels a fit can use (docs/calibration.md measures both).
PROPOSALS: dict[str, type[ProductKernel] | type[MixedKernel]] = {"product": ProductKernel,
                                                                  "mixed": MixedKernel}


@dataclass(frozen=True)
class Budget:
    """How much the fit may do: particles a generation, generations, particles in all, runs each.

    Every generation but the last has ``population`` particles; the last has ``final``, so that
    the shipped posterior holds at least that many while the earlier generations stay cheap. The
    generations before the last stop earlier when they have evaluated ``simulations`` particles or
    one accepts fewer than ``min_acceptance``; the last then starts from where they stopped.
    """

    population: int = 500
    final: int = 1000
    generations: int = 12
    simulations: int = 250_000  # particles evaluated before the last generation: a cap, not a target
    runs: int = 2  # model runs a particle (its summaries are their mean)
    min_acceptance: float = 0.002
    proposal: str = "product"  # or "mixed" (proposal.MixedKernel); PROPOSALS

    @property
    def last_size(self) -> int:
        """Particles in the last generation: ``final``, and never fewer than a generation's."""
        return max(self.final, self.population)


@dataclass(frozen=True)
class Fit:
    particles: pd.DataFrame  # one row per particle: the free parameters as the scenario takes them
    weights: Array  # (n,) normalised
    generations: pd.DataFrame  # t, epsilon, simulations, accepted, acceptance, ess
    simulations: int


class LogitPrior(pyabc.DistributionBase):  # type: ignore[misc]
    """Uniform priors over the ranges, in logit coordinates: u = logit((x - low) / (high - low)).

    A uniform x is a standard logistic u, so the prior is exactly the stated one, while pyABC's
    normal proposal kernel never leaves the box (in 21 dimensions most of its proposals in x would).
    Whole numbers get half a step beyond each end.
    """

    def __init__(self, space: tuple[sp.FreeParameter, ...] = sp.FREE) -> None:
        self.names = [f.name for f in space]
        bounds = np.array(sp.bounds(space))
        self.low, self.width = bounds[:, 0], bounds[:, 1] - bounds[:, 0]

    def rvs(self, *args: object, **kwargs: object) -> pyabc.Parameter:
        return pyabc.Parameter(dict(zip(self.names, np.random.logistic(size=len(self.names)).tolist(),
                                         strict=True)))

    def pdf(self, x: dict[str, float]) -> float:
        u = np.array([x[n] for n in self.names])
        return float(np.exp(np.sum(-np.abs(u) - 2.0 * np.log1p(np.exp(-np.abs(u))))))

    def values(self, u: Array) -> Array:
        """(..., d) logit coordinates to the parameters' own scale."""
        out: Array = self.low + self.width / (1.0 + np.exp(-u))
        return out


class OneModel(pyabc.RV):  # type: ignore[misc]
    """The model prior of a fit with one model: pyABC's default, randint(0, 1), whose pmf (exactly
    1 for the one model) skips scipy's per-call cost (0.14 ms, twice a particle). Its draws, from
    numpy's global state, stay scipy's, so the fit's random numbers are pyABC's own."""

    def __init__(self) -> None:
        super().__init__("randint", 0, 1)

    def pmf(self, x: object, *args: object, **kwargs: object) -> float:
        return 1.0 if x == 0 else 0.0

    def copy(self) -> OneModel:
        return OneModel()


@contextmanager
def seeded_global_state(seed: int) -> Iterator[None]:
    """numpy's global state seeded for pyABC, and the caller's put back afterwards."""
    saved = np.random.get_state()
    np.random.seed(int(np.random.SeedSequence(seed).generate_state(1, np.uint32)[0]))
    try:
        yield
    finally:
        np.random.set_state(saved)


def fit(base: Scenario, evidence: Evidence, seed: int, budget: Budget, db: Path, runner: Runner,
        run: int = 0, tick: Callable[[int], object] | None = None) -> Fit:
    """One ABC-SMC fit; ``run`` keeps the streams of two fits on one seed apart."""
    space = sp.FREE

    pri = LogitPrior(space)

    def batch(proposed: Sequence[dict[str, float]], keys: Sequence[int]) -> Array:
        u = np.array([[p[n] for n in pri.names] for p in proposed])
        return runner(base, [sp.changes(x, space) for x in pri.values(u)], seed, keys, budget.runs)

    model = BatchModel(len(NAMES))
    sampler = BatchSampler(model, batch, run, tick)

    def distance(x: dict[str, Array], _x0: dict[str, Array]) -> float:
        if x["s"] is model.placeholder["s"]:  # a proposal being recorded: its result is discarded
            return np.inf
        return float(distance_of(x["s"][None, :], evidence)[0])

    logging.getLogger("ABC").setLevel(logging.WARNING)  # pyABC's per-generation chatter
    url = f"sqlite:///{db}"

    def smc(size: int) -> pyabc.ABCSMC:
        return pyabc.ABCSMC(model, pri, distance, population_size=size, model_prior=OneModel(),
                            sampler=sampler, eps=pyabc.MedianEpsilon(),
                            transitions=PROPOSALS[budget.proposal]())

    with seeded_global_state(seed):
        first = smc(budget.population)
        first.new(url, {"s": np.zeros(len(NAMES))})
        first.run(max_nr_populations=max(budget.generations - 1, 1),
                  max_total_nr_simulations=budget.simulations, min_acceptance_rate=budget.min_acceptance)
        last = smc(budget.last_size)  # resumed from the history (pyABC's load)
        last.load(url, 1)
        history = last.run(max_nr_populations=1, min_acceptance_rate=budget.min_acceptance)
    return _read(history, pri, space, sampler.simulations)


def _read(history: pyabc.History, pri: LogitPrior, space: tuple[sp.FreeParameter, ...],
          simulations: int) -> Fit:
    frame, w = history.get_distribution(m=0, t=history.max_t)
    x = pri.values(frame[pri.names].to_numpy(dtype=float))
    particles = pd.DataFrame({f.name: [f.value(v) for v in x[:, j]] for j, f in enumerate(space)})
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    ess = [pyabc.weighted_statistics.effective_sample_size(history.get_distribution(m=0, t=int(t))[1])
           for t in pops["t"]]
    generations = pd.DataFrame({
        "generation": pops["t"].astype(int), "epsilon": pops["epsilon"],
        "simulations": pops["samples"].astype(int), "accepted": pops["particles"].astype(int),
        "acceptance": pops["particles"] / pops["samples"], "ess": ess})
    weights = np.asarray(w, dtype=float)
    return Fit(particles, weights / weights.sum(), generations, simulations)

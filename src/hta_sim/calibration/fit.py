"""Fitting: a simulated method of moments with scipy's differential evolution, then a quasi-posterior
sampled with emcee's affine-invariant ensemble sampler.

Both steps evaluate candidates in batches: differential evolution's whole trial population per call
(``vectorized=True``), emcee half the ensemble per call (``vectorize=True``); each batch runs through
the vectorised engine in one call, over the same replicates of the same seed (common random numbers),
so the objective is a deterministic function of the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import differential_evolution

from ..arrays import Array
from ..scenario import Scenario
from . import space as sp
from .distance import Parts, discrepancy, median_scores
from .simulate import Batch, Simulator
from .targets import Targets

#: Each candidate also runs with these changes, for the pattern parts of the discrepancy.
TWINS = ({"mechanisms.board_ab_split": False}, {"mechanisms.results_lag": False})


@dataclass
class Objective:
    """Candidates (n, d) -> discrepancy parts, with a record of every evaluation."""

    base: Scenario
    targets: Targets
    simulate: Simulator
    free: tuple[sp.FreeParameter, ...] = sp.FREE
    tick: Callable[[int], None] | None = None
    seen_x: list[Array] = field(default_factory=list)
    seen_d: list[Array] = field(default_factory=list)

    def parts(self, X: Array) -> tuple[Parts, Batch]:
        """Each candidate runs three times in one batch: as it is, with the board/AB split off and
        with the results lag off (for the patterns the discrepancy guards).
        """
        X = np.atleast_2d(X)
        n = len(X)
        on = [sp.scenario(self.base, x, self.free) for x in X]
        every = self.simulate(on + [s.with_changes(ch) for ch in TWINS for s in on])
        batch, split_off, lag_off = (every.take(slice(i * n, (i + 1) * n)) for i in range(3))
        parts = discrepancy(batch, self.targets, split_off, lag_off)
        self.seen_x.append(X.copy())
        self.seen_d.append(parts.total)
        if self.tick:
            self.tick(len(X))
        return parts, batch

    def __call__(self, X: Array) -> Array:
        return self.parts(X)[0].total

    def medians(self, X: Array) -> Array:
        return median_scores(self.parts(X)[1], self.targets)


@dataclass(frozen=True)
class Optimum:
    x: Array  # (d,) the best candidate
    value: float  # its discrepancy
    population: Array  # (p, d) the final population
    energies: Array  # (p,)
    evaluations: int


def optimise(objective: Objective, budget: int, seed: int, popsize: int = 8,
             start: Array | None = None) -> Optimum:
    """Differential evolution over the free parameters' ranges, ``budget`` candidates at most.

    ``start``, if given, joins the initial population (scipy's ``x0``), e.g. the core model's values.
    """
    free = objective.free
    size = popsize * len(free)
    generations = max(1, budget // size - 1)
    bounds = [(f.low, f.high) for f in free]
    result = differential_evolution(
        lambda X: objective(X.T), bounds, vectorized=True, updating="deferred", popsize=popsize,
        maxiter=generations, seed=seed, polish=False, tol=0.0, init="sobol" if _pow2(size) else
        "latinhypercube", integrality=[f.integer for f in free], x0=start)
    return Optimum(result.x, float(result.fun), result.population, result.population_energies,
                   sum(len(x) for x in objective.seen_x))


def _pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


@dataclass(frozen=True)
class Posterior:
    samples: Array  # (m, d) draws after burn-in (integer parameters rounded)
    log_prob: Array  # (m,)
    walkers: int
    steps: int
    burn: int
    acceptance: float  # mean acceptance fraction
    autocorr: Array  # (d,) integrated autocorrelation time estimate, in steps (may be rough)


def sample(objective: Objective, start: Optimum, budget: int, seed: int, walkers: int = 32) -> Posterior:
    """The quasi-posterior exp(-discrepancy) x uniform prior, by emcee's ensemble sampler.

    Walkers start from the best members of the optimiser's final population. Integer parameters
    are sampled on a continuous scale (x +- 0.5 rounds to x) so walkers can move between rungs.
    """
    import emcee

    free = objective.free
    lo = np.array([f.low - (0.49 if f.integer else 0.0) for f in free])
    hi = np.array([f.high + (0.49 if f.integer else 0.0) for f in free])
    rng = np.random.default_rng(seed)
    order = np.argsort(start.energies)
    p0 = start.population[np.resize(order, walkers)].astype(float)
    integer = np.array([f.integer for f in free])
    p0[:, integer] += rng.uniform(-0.45, 0.45, size=(walkers, int(integer.sum())))
    width = hi - lo
    p0[:, ~integer] += rng.normal(0, 0.01, size=(walkers, int((~integer).sum()))) * width[~integer]
    p0 = np.clip(p0, lo + 1e-9 * width, hi - 1e-9 * width)

    def log_prob(X: Array) -> Array:
        inside = np.all((lo <= X) & (hi >= X), axis=1)
        out = np.full(len(X), -np.inf)
        if objective.tick and not inside.all():
            objective.tick(int((~inside).sum()))  # proposals outside the prior cost no run
        if inside.any():
            out[inside] = -objective(X[inside])
        return out

    steps = max(2, budget // walkers)
    sampler = emcee.EnsembleSampler(walkers, len(free), log_prob, vectorize=True)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()
    sampler.run_mcmc(p0, steps, progress=False)
    burn = steps // 2
    chain = sampler.get_chain(discard=burn, flat=True)
    chain[:, integer] = np.round(chain[:, integer])
    with np.errstate(invalid="ignore", divide="ignore"):  # a walker set that never moved: tau is NaN
        tau = sampler.get_autocorr_time(discard=burn, quiet=True, tol=0)
    return Posterior(chain, sampler.get_log_prob(discard=burn, flat=True), walkers, steps, burn,
                     float(np.mean(sampler.acceptance_fraction)), np.asarray(tau))

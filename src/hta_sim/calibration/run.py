"""The whole calibration in one call: the ABC-SMC fit, a hold-out fit without the AB's scores, the
posterior-predictive checks and identifiability; ``report.write`` turns the outcome into files.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from ..analysis.posterior import Posterior
from ..arrays import Array
from ..scenario import Scenario, load
from . import space as sp
from .evidence import Evidence
from .executor import Runner
from .smc import Budget, Fit, fit
from .summaries import fit_scenario

MIN_BUDGET = 200
MAIN, HOLDOUT, PREDICTIVE = 0, 1, 2  # the runs' stream tags (sampler.key)


@dataclass(frozen=True)
class Settings:
    budget: Budget = field(default_factory=Budget)
    holdout: Budget = field(default_factory=lambda: Budget(population=300, final=300,
                                                           simulations=60_000))
    draws: int = 400  # posterior-predictive runs
    seed: int = 2018
    workers: int = 2
    scheduler: str | None = None  # a Dask scheduler's address: the batches run there
    quick: bool = False

    @classmethod
    def quick_test(cls) -> Settings:
        small = Budget(population=60, final=60, generations=3, simulations=600, runs=1)
        return cls(budget=small, holdout=small, draws=60, workers=1, quick=True)


@dataclass(frozen=True)
class Calibration:
    settings: Settings
    evidence: Evidence
    base: Scenario
    fit: Fit
    holdout: Fit
    predictive: Array  # (draws, K) summaries of runs at posterior draws
    holdout_predictive: Array  # (draws, K) the same at the hold-out posterior's draws
    history: bytes  # the fit's pyABC history (SQLite), every generation
    seconds: float

    @property
    def simulations(self) -> int:
        """Model runs in all: the two fits' particles times their runs, and the predictive runs."""
        s = self.settings
        return (self.fit.simulations * s.budget.runs + self.holdout.simulations * s.holdout.runs
                + 2 * len(self.predictive))


def predictive(base: Scenario, f: Fit, n: int, seed: int, runner: Runner, tag: int) -> Array:
    """(n, K) fresh runs at n posterior draws, on streams of their own."""
    picks = Posterior(f.particles, "the fit", f.weights).resample(n, seed + tag)
    changes = [sp.changes(x) for x in f.particles[sp.names()].to_numpy(dtype=float)[picks]]
    from .sampler import key

    return runner(base, changes, seed, [key(PREDICTIVE + tag, 0, i) for i in range(n)])


def calibrate(settings: Settings = Settings(), evidence: Evidence | None = None,
              progress: bool = True) -> Calibration:
    evidence = evidence or Evidence()
    base = load("baseline")
    short = fit_scenario(base)
    started = time.time()
    total = settings.budget.simulations + settings.holdout.simulations + 2 * settings.draws
    with Runner(settings.workers, settings.scheduler) as runner, tempfile.TemporaryDirectory() as tmp, \
            tqdm(total=total, unit="particle", desc="calibrate", disable=not progress) as bar:
        bar.set_postfix_str("fit")
        main = fit(short, evidence, settings.seed, settings.budget, Path(tmp) / "abc.db", runner,
                   MAIN, bar.update)
        bar.set_postfix_str("hold-out (no AB scores)")
        held = fit(short, evidence.without_body("ab"), settings.seed, settings.holdout,
                   Path(tmp) / "holdout.db", runner, HOLDOUT, bar.update)
        bar.set_postfix_str("posterior predictive")
        ppc = predictive(short, main, settings.draws, settings.seed, runner, 0)
        ppc_held = predictive(short, held, settings.draws, settings.seed, runner, 1)
        bar.update(2 * settings.draws)
        bar.total = bar.n  # the fit may stop before its budget (its acceptance or generations)
        history = (Path(tmp) / "abc.db").read_bytes()
    return Calibration(settings, evidence, base, main, held, ppc, ppc_held, history,
                       time.time() - started)

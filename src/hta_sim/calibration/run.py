"""The whole calibration in one call: fit, quasi-posterior, hold-out validation, null models and the
final assessment at the fitted values; ``report.write`` turns the outcome into files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .. import api
from ..arrays import Array
from ..calendar import month_text, parse_month
from ..errors import InputError
from ..mechanisms import NAMES
from ..results import Results
from ..scenario import Scenario, load
from . import properties
from . import space as sp
from .fit import Objective, Optimum, Posterior, optimise, sample
from .simulate import Simulator
from .targets import Targets, load_observations, seed_targets, with_observations

#: Shares of the budget: the fit, the quasi-posterior, the refit without the AB scores.
SHARES = {"fit": 0.45, "posterior": 0.35, "holdout": 0.20}
MIN_BUDGET = 200
DIGITS = 4  # decimals of the shipped values
DEFAULT_BUDGET = 12_000


@dataclass(frozen=True)
class Settings:
    budget: int = DEFAULT_BUDGET  # candidate parameter sets evaluated, all stages together
    replicates: int = 24  # replicates per candidate (common random numbers: 0..R-1)
    assess_replicates: int = 200  # replicates for the final assessment at the fitted values
    seed: int = 2018
    workers: int = 2
    popsize: int = 8  # differential evolution: population = popsize x free parameters
    walkers: int = 32  # emcee ensemble size
    draws: int = 64  # posterior draws simulated for the posterior predictive interval
    shortlist: int = 32  # best candidates checked for the model's documented patterns
    quick: bool = False

    @classmethod
    def quick_test(cls) -> Settings:
        return cls(budget=MIN_BUDGET, replicates=4, assess_replicates=8, workers=1, popsize=2,
                   walkers=22, draws=4, shortlist=4, quick=True)


@dataclass(frozen=True)
class Calibration:
    settings: Settings
    targets: Targets
    base: Scenario  # the baseline the fit starts from (its other values stay fixed)
    fitted: Scenario
    optimum: Optimum
    chosen: Array  # (d,) the shipped values: the best shortlisted candidate keeping the patterns
    shortlist: pd.DataFrame  # the shortlisted candidates, their discrepancy and pattern checks
    posterior: Posterior
    predictive: Array  # (draws, S) median target scores at posterior draws
    holdout_x: Array
    holdout: Results  # assessment at the fit without the AB scores
    assessed: Results  # assessment at the fitted values
    null: Results  # the fitted values with every mechanism switched off
    runs: int
    seconds: float


def check_budget(budget: int) -> int:
    if not isinstance(budget, int) or isinstance(budget, bool) or budget < MIN_BUDGET:
        raise InputError(f"field '--budget' = {budget!r}: must be a whole number >= {MIN_BUDGET} "
                         "(candidate parameter sets evaluated)")
    return budget


def targets_for(observations: str | Path | None, base: Scenario) -> Targets:
    targets = seed_targets()
    if observations is not None:
        observed = load_observations(observations, base.time.start, base.time.association,
                                     base.time.end)
        targets = with_observations(targets, observed)
    return targets


def fit_scenario(base: Scenario, targets: Targets) -> Scenario:
    """The baseline cut to what the targets need: to the end of 2019 (the dip's trough window) or
    the last observed pulse, with the pulse taken on the target dates only.
    """
    end = max(parse_month("2019-12"), parse_month(targets.dates[-1]), parse_month(targets.homes_date))
    return base.with_changes({"time.end": month_text(end), "time.pulse_dates": targets.dates})


def assessed_scenario(base: Scenario, targets: Targets) -> Scenario:
    """The full-horizon scenario with the pulse also taken on every target date."""
    dates = sorted(set(base.time.pulse_dates) | set(targets.dates))
    end = max(parse_month(base.time.end), parse_month(dates[-1]))
    return base.with_changes({"time.end": month_text(end), "time.pulse_dates": dates})


def calibrate(settings: Settings = Settings(), observations: str | Path | None = None,
              progress: bool = True) -> Calibration:
    check_budget(settings.budget)
    base = load("baseline")
    targets = targets_for(observations, base)
    started = time.time()
    short = fit_scenario(base, targets)
    budget = {k: max(1, int(settings.budget * v)) for k, v in SHARES.items()}
    start = sp.read(Scenario())  # the core model's values join the first population: a rerun does
    # not depend on what the preset ships, only on the code, the seed and the budget
    with Simulator(settings.seed, settings.replicates, targets.homes_date, settings.workers) as sim, \
            tqdm(total=sum(budget.values()), unit="cand", desc="calibrate", disable=not progress) as bar:
        def stage(name: str, t: Targets) -> Objective:
            bar.set_postfix_str(name)
            return Objective(short, t, sim, tick=bar.update)

        optimum = optimise(stage("fit", targets), budget["fit"], settings.seed, settings.popsize, start)
        posterior = sample(stage("posterior", targets), optimum, budget["posterior"], settings.seed,
                           settings.walkers)
        held = optimise(stage("hold-out (no AB)", targets.without("ab")), budget["holdout"],
                        settings.seed + 1, settings.popsize, start)
        bar.set_postfix_str("pattern checks")
        shortlist = choose(short, optimum, posterior, sim, settings.shortlist)
        chosen = shortlist.loc[shortlist["chosen"], sp.names()].to_numpy(dtype=float)[0]
        chosen = np.round(chosen, DIGITS)  # what the scenario file states is what is assessed
        rng = np.random.default_rng(settings.seed)
        pick = rng.choice(len(posterior.samples), size=min(settings.draws, len(posterior.samples)),
                          replace=False)
        predictive = Objective(short, targets, sim).medians(posterior.samples[pick])
        runs = sim.runs
    fitted = sp.scenario(base, chosen).model_copy(update={
        "description": "The alliance as the seed describes it, 2016-2027, with the free parameters "
                       "fitted to the 2018 evaluation (docs/calibration.md)."})
    full = assessed_scenario(fitted, targets)
    n, seed = settings.assess_replicates, settings.seed
    assessed = api.simulate(full, n, seed)
    holdout = api.simulate(assessed_scenario(sp.scenario(base, held.x), targets), n, seed)
    null = api.simulate(full.with_changes({f"mechanisms.{m}": False for m in NAMES}), n, seed)
    runs += 3 * n  # the assessment's runs (full horizon)
    return Calibration(settings, targets, base, fitted, optimum, chosen, shortlist, posterior,
                       predictive, held.x, holdout, assessed, null, runs, time.time() - started)


def choose(short: Scenario, optimum: Optimum, posterior: Posterior, sim: Simulator,
           k: int) -> pd.DataFrame:
    """Shortlist the k best candidates and mark the one to ship.

    The chosen one has the lowest discrepancy among those that pass every pattern check with a
    margin; if none passes, the optimum (and the report says so).
    """
    X, energy = properties.candidates(optimum.population, optimum.energies, posterior.samples,
                                      -posterior.log_prob, k)
    table = pd.DataFrame(X, columns=sp.names()).assign(discrepancy=energy)
    table = pd.concat([table, properties.check(short, X, sim)], axis=1)
    pool = table[table["passes"]] if table["passes"].any() else table
    table["chosen"] = table.index == pool["discrepancy"].idxmin()
    return table


def posterior_frame(cal: Calibration) -> pd.DataFrame:
    return pd.DataFrame(cal.posterior.samples, columns=sp.names())

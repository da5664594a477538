"""Search the secretariat's tactical mix for each of the three phases, on common random numbers.

Under the ``phased`` policy the secretariat splits its fixed staff by one mix per dominant phase
(building, piloting, scaling; seed §4, §6). This module searches those three mixes for an objective:
the fall in the national count of homeless young people from February 2017 to February 2027 (the
goal: none by 2027), partner engagement in 2021, or a weighted mix of the two.

* Capacity: a candidate is a point of [0, 1]^15 that decodes into three mixes (``simplex``), so every
  candidate splits exactly the secretariat's staff, never more, and the search needs no penalty.
* Optimiser: scipy's differential evolution. It is derivative-free (the objective is a simulation),
  works in a box (the cube above), evaluates a whole generation at once (``vectorized``), so a
  population x replicates runs as one batch through the vectorised engine, and needs no new dependency.
* Common random numbers: every candidate, and the baselines, run the same replicate numbers 0..R-1 of
  one seed, so two candidates differ only by their mix, and the objective is a deterministic function
  that an evolutionary search can rank on.
* Honesty: a winner chosen on R replicates is partly chosen for their luck. It is re-run with the
  baselines on fresh replicate numbers R..R+H-1 it was never chosen on; that holdout is the result.
* Parameter uncertainty: with a posterior, replicate r of every candidate and baseline takes the same
  draw r of one resampled list (``replicate_draws``; the holdout takes draws R..R+H-1), and the levers
  (the policy and the phased mixes) go on top of it. The posterior may not draw what the optimiser
  sets, so a lever never overwrites a draw, nor a draw a lever.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats
from scipy.optimize import differential_evolution
from scipy.stats import qmc
from tqdm.auto import tqdm

from .. import budget, engine
from ..arrays import Array, Codes
from ..calendar import parse_month
from ..errors import InputError
from ..outfolder import check_out, write_folder
from ..params import CENSUS_MONTH
from ..provenance import manifest
from ..recorder import Recorder
from ..scenario import Scenario, load, preset_names
from ..vocabulary import EFFORTS, PHASES
from ..world import evidence
from . import simplex
from .choices import OBJECTIVES, STATISTICS
from .posterior import Posterior
from .replicate_draws import clashes, described, picks, rows

OUTCOMES = ("fewer_homeless_2027", "engagement_2021")
#: What one unit of each outcome is worth in a weighted objective: the fall in the count against the
#: whole 2017 count (a fall to none is the goal), engagement on its own 0-1 scale, so that both are
#: shares of what is possible.
COUNT_FROM, COUNT_TO = evidence.GOAL_YEAR, 2027  # the national counts the fall runs between (week 6)
SCALE = {"fewer_homeless_2027": float(evidence.goal_count()), "engagement_2021": 1.0}
HOMES_BY = "2027-12"
ENGAGEMENT_YEAR = 2021
ARMS = ("baseline_fixed", "baseline_phased", "optimised")
#: Paired comparisons reported: (arm, reference).
PAIRS = (("baseline_phased", "baseline_fixed"), ("optimised", "baseline_fixed"),
         ("optimised", "baseline_phased"))
#: spawn keys of the search's own random streams; three-element keys never meet a replicate's model
#: stream (r,) or lever stream (r, 1).
_OPTIMISER, _BOOTSTRAP = (0x0B7, 0, 0), (0x0B7, 1, 0)
#: --quick: enough to see the search move and the report come out, in seconds.
QUICK = {"budget": 40, "population": 10, "replicates": 8, "holdout": 40}
_MIN_POPULATION = 5  # differential evolution needs five members to mutate
#: The fields the arms' levers set (the policy, the phased mixes) or read (the fixed baseline's mix):
#: a posterior may draw anything else.
LEVERS = ("secretariat.policy", "secretariat.mix", "secretariat.phased")
#: The arms' levers on top of each replicate's scenario: the references.
BASELINE_LEVERS: dict[str, dict[str, Any]] = {"baseline_fixed": {"secretariat.policy": "fixed"},
                                              "baseline_phased": {"secretariat.policy": "phased"}}


# --- settings and objective ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What to optimise and how hard; ``validate`` refuses bad values with one line."""

    objective: str = "fewer_homeless_2027"
    weights: Mapping[str, float] | None = None
    statistic: str = "mean"
    budget: int = 1200  # candidate mixes evaluated (rounded down to whole generations)
    population: int = 40
    replicates: int = 32  # in-sample replicates per candidate
    holdout: int = 400  # fresh replicates for the out-of-sample check
    seed: int = 0
    min_share: float = 0.0  # each effort keeps at least this share of the staff

    def validate(self) -> None:
        if self.objective not in OBJECTIVES:
            raise InputError(f"field '--objective' = {self.objective!r}: must be one of "
                             f"{', '.join(OBJECTIVES)}")
        if self.weights is not None and self.objective != "weighted":
            raise InputError(f"field '--weights' = {dict(self.weights)}: applies only to "
                             "--objective weighted")
        if self.statistic not in STATISTICS:
            raise InputError(f"field '--statistic' = {self.statistic!r}: must be mean or median")
        for name, low in (("replicates", 2), ("holdout", 2), ("population", _MIN_POPULATION),
                          ("budget", 2 * _MIN_POPULATION)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise InputError(f"field '--{name}' = {value!r}: must be a whole number >= {low}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"field '--seed' = {self.seed!r}: must be a whole number >= 0")
        if not 0.0 <= self.min_share < 1.0 / len(EFFORTS):
            raise InputError(f"field '--min-share' = {self.min_share!r}: must be >= 0 and below "
                             f"1/{len(EFFORTS)}, so the six floors leave staff to allocate")
        if self.objective == "weighted":
            _check_weights(self.weights or {})

    def resolved_weights(self) -> dict[str, float]:
        """The outcome weights, summing to 1 (a single-outcome objective weighs it 1)."""
        if self.objective != "weighted":
            return {self.objective: 1.0}
        raw = {k: float(v) for k, v in (self.weights or dict.fromkeys(OUTCOMES, 1.0)).items()}
        total = sum(raw.values())
        return {k: raw.get(k, 0.0) / total for k in OUTCOMES}

    @property
    def population_size(self) -> int:
        """Members of each generation: the population asked for, or fewer so two generations fit."""
        return min(self.population, self.budget // 2)

    @property
    def generations(self) -> int:
        """Generations after the first that fit the budget."""
        return self.budget // self.population_size - 1

    @property
    def in_sample(self) -> Codes:
        return np.arange(self.replicates)

    @property
    def out_of_sample(self) -> Codes:
        """Replicate numbers after the in-sample ones: fresh streams of the same seed."""
        return np.arange(self.replicates, self.replicates + self.holdout)


def _check_weights(weights: Mapping[str, float]) -> None:
    for key, value in weights.items():
        if key not in OUTCOMES:
            raise InputError(f"field '--weights' = {key!r}: unknown outcome; use {', '.join(OUTCOMES)}")
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InputError(f"field '--weights' = {key}={value!r}: a weight must be a number >= 0")
    if weights and sum(weights.values()) <= 0:
        raise InputError(f"field '--weights' = {dict(weights)}: at least one weight must be > 0")


def parse_weights(text: str) -> dict[str, float]:
    """'fewer_homeless_2027=0.7,engagement_2021=0.3' -> a dict; bad text gets one line."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = part.partition("=")
        key = key.strip()
        try:
            number = float(value) if eq else None
        except ValueError:
            number = None
        if number is None:
            raise InputError(f"field '--weights' = {text!r}: write outcome=weight pairs separated by "
                             f"commas, outcomes {', '.join(OUTCOMES)}")
        if key in out:
            raise InputError(f"field '--weights' = {text!r}: {key} is given twice")
        out[key] = number
    if not out:
        raise InputError(f"field '--weights' = {text!r}: give at least one outcome=weight pair")
    _check_weights(out)
    return out


@dataclass(frozen=True)
class Objective:
    """Per replicate: an outcome, or a weighted sum of outcomes on their scales; then a statistic."""

    name: str
    weights: dict[str, float]
    statistic: str

    def per_replicate(self, outcomes: Mapping[str, Array]) -> Array:
        if self.name != "weighted":
            return outcomes[self.name]
        terms = [w * outcomes[k] / SCALE[k] for k, w in self.weights.items()]
        # builtin sum's 0 start, as an array of zeros: 0.0 + x, so the same bits, and an Array for mypy
        return sum(terms, np.zeros_like(terms[0]))

    def summarise(self, values: Array, axis: int = -1) -> Array:
        return np.mean(values, axis=axis) if self.statistic == "mean" else np.median(values, axis=axis)

    def per_replicate_label(self) -> str:
        """What one replicate's value is."""
        if self.name == "fewer_homeless_2027":
            return f"fall in the homeless count, Feb {COUNT_FROM} to Feb {COUNT_TO}"
        if self.name == "engagement_2021":
            return "partner engagement, mean over 2021"
        return " + ".join(f"{w:.2g} x {k}/{SCALE[k]:g}" for k, w in self.weights.items() if w)

    def label(self) -> str:
        return f"{self.statistic} of {self.per_replicate_label()}"


# --- running arms on common random numbers ----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Where the outcomes sit on a scenario's calendar: steps of Dec 2027, of the two counts and of
    2021's months."""

    homes_step: int
    engagement_steps: slice
    count_steps: tuple[int, int]  # February 2017 and February 2027

    @classmethod
    def of(cls, scenario: Scenario) -> Window:
        start, end = parse_month(scenario.time.start), parse_month(scenario.time.end)
        first, homes = parse_month(f"{ENGAGEMENT_YEAR}-01"), parse_month(HOMES_BY)
        counted = tuple(parse_month(f"{y}-{CENSUS_MONTH + 1:02d}") for y in (COUNT_FROM, COUNT_TO))
        if start > min(first, counted[0]) or end < homes:
            raise InputError(f"scenario field 'time' = {scenario.time.start}..{scenario.time.end}: the "
                             f"optimiser's outcomes need a run from {COUNT_FROM}-{CENSUS_MONTH + 1:02d} "
                             f"or earlier to {HOMES_BY} or later")
        return cls(homes - start, slice(first - start, first - start + 12),
                   (counted[0] - start, counted[1] - start))


def outcomes_of(recorders: Sequence[Recorder], window: Window) -> dict[str, Array]:
    """Each replicate's outcomes, read straight from the recorders' (R, T) arrays, and the share of
    its months each phase dominated (which of the three mixes was in force, and how long).
    """
    def column(name: str, pick: Callable[[npt.NDArray[Any]], Array]) -> Array:
        return np.concatenate([pick(r.columns[name]) for r in recorders])

    def months_in(k: int) -> Callable[[npt.NDArray[Any]], Array]:
        """Share of each replicate's months that phase k dominated (k bound now, not at call)."""
        return lambda c: np.mean(c == k, axis=1)

    # homes_2027 is reported, never optimised: an entry into a solution's place counts a young person
    # who later returns to homelessness, or who would have found a home anyway.
    before, after = window.count_steps
    out = {"fewer_homeless_2027": column("homeless_youth",
                                         lambda c: (c[:, before] - c[:, after]).astype(float)),
           "homes_2027": column("homes_created", lambda c: c[:, window.homes_step]),
           "engagement_2021": column("engagement_mean", lambda c: c[:, window.engagement_steps].mean(1))}
    for k, phase in enumerate(PHASES):
        out[f"months_{phase}"] = column("phase", months_in(k))
    return out


@dataclass
class Bench:
    """Runs arms (their levers) on one seed's fixed replicate numbers: common random numbers, and
    replicate j's own scenario ``drawn[j]`` (the searched one, or it with posterior draw j) under
    every arm, so that arms on a replicate differ only by their levers.
    """

    seed: int
    replicates: Codes
    window: Window
    drawn: Sequence[Scenario]  # one per replicate number: the scenario before any lever
    tick: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        if len(self.drawn) != len(self.replicates):
            raise ValueError("give one drawn scenario per replicate number")

    def scenarios(self, levers: Sequence[Mapping[str, Any]]) -> list[Scenario]:
        """Arm a's run on replicate j (at a x R + j): replicate j's scenario with arm a's levers on top.

        One scenario per distinct draw and arm, so fixed parameters give one object per arm, as now.
        """
        distinct = {id(d): d for d in self.drawn}
        out: list[Scenario] = []
        for lever in levers:
            made = {key: d.with_changes(dict(lever)) for key, d in distinct.items()}
            out += [made[id(d)] for d in self.drawn]
        return out

    def run(self, levers: Sequence[Mapping[str, Any]]) -> dict[str, Array]:
        """Outcomes (arms, replicates) of all arms, as one batch through the vectorised engine."""
        R = len(self.replicates)
        recs = engine.run(self.scenarios(levers), self.seed, self.replicates.tolist() * len(levers),
                          tick=self.tick)
        return {k: v.reshape(len(levers), R) for k, v in outcomes_of(recs, self.window).items()}


def phased_levers(mixes: Array) -> dict[str, Any]:
    """The changes of the phased policy with the three given mixes (3, 6)."""
    changes: dict[str, Any] = {"secretariat.policy": "phased"}
    for phase, mix in zip(PHASES, mixes, strict=True):
        changes[f"secretariat.phased.{phase}"] = {e: float(s) for e, s in zip(EFFORTS, mix, strict=True)}
    return changes


def phased(scenario: Scenario, mixes: Array) -> Scenario:
    """The scenario under the phased policy with the three given mixes (3, 6)."""
    return scenario.with_changes(phased_levers(mixes))


def baselines(scenario: Scenario) -> dict[str, Scenario]:
    """The references: the scenario's one fixed mix, and its default phased mixes."""
    return {arm: scenario.with_changes(lever) for arm, lever in BASELINE_LEVERS.items()}


def drawn_scenarios(scenario: Scenario, posterior: Posterior | None, n: int, seed: int) -> list[Scenario]:
    """Replicate j's scenario before any lever, j = 0..n-1: the scenario itself, or it with draw j.

    The draws are resampled once for all n (in-sample and holdout) and refused in one line if the
    posterior draws a field the levers set; a draw the scenario refuses is named by its line.
    """
    if posterior is None:
        return [scenario] * n
    label = f"field '--posterior' = '{posterior.source}'"
    clash = clashes(posterior, LEVERS)
    if clash:
        raise InputError(f"{label}: column {clash[0]!r} is set by the optimiser's levers "
                         f"({', '.join(LEVERS)} and their fields); a posterior may draw any other field")
    picked = picks(posterior, n, seed)
    made: dict[int, Scenario] = {}
    for row, values in zip(picked.tolist(), rows(posterior, picked), strict=True):
        if row not in made:
            try:
                made[row] = scenario.with_changes(values)
            except InputError as exc:
                raise InputError(f"{label}: draw {row + 1} on scenario {scenario.name!r}: "
                                 f"{str(exc).split(': ', 1)[-1]}") from None
    return [made[row] for row in picked.tolist()]


def baseline_mixes(scenario: Scenario) -> dict[str, Array]:
    sec = scenario.secretariat
    return {"baseline_fixed": np.array([sec.mix.shares()] * len(PHASES)),
            "baseline_phased": np.array([getattr(sec.phased, p).shares() for p in PHASES])}


# --- the search -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    """Decodes a point of [0, 1]^15 into three mixes of the secretariat's staff, with a floor per effort."""

    min_share: float = 0.0

    @property
    def dims(self) -> int:
        return len(PHASES) * (len(EFFORTS) - 1)

    def mixes(self, x: Array) -> Array:
        shares = simplex.decode(np.reshape(x, (len(PHASES), len(EFFORTS) - 1)))
        return self.min_share + (1.0 - len(EFFORTS) * self.min_share) * shares

    def point(self, mixes: Array) -> Array:
        """The point of a mix triple; a share below the floor is raised to it (the mix renormalised)."""
        free = (np.asarray(mixes) - self.min_share) / (1.0 - len(EFFORTS) * self.min_share)
        return simplex.encode(np.clip(free, 0.0, None)).ravel()


@dataclass(frozen=True)
class Search:
    mixes: Array  # (3, 6) the best mixes found
    value: float  # their in-sample objective
    evaluations: int
    generations: int
    history: pd.DataFrame  # generation, evaluations, best_in_sample


def search(scenario: Scenario, settings: Settings, objective: Objective, bench: Bench) -> Search:
    """Differential evolution over the three mixes; the first generation holds both baselines."""
    capacity = Capacity(settings.min_share)
    population, generations = settings.population_size, settings.generations
    rng = _generator(settings.seed, _OPTIMISER)
    init = qmc.LatinHypercube(d=capacity.dims, rng=rng).random(population)
    for i, mixes in enumerate(baseline_mixes(scenario).values()):
        init[i] = capacity.point(mixes)
    history: list[tuple[int, int, float]] = []
    best: dict[str, Any] = {"value": -np.inf, "mixes": None}

    def negative_objective(x: Array) -> Array:  # x: (dims, S)
        candidates = [capacity.mixes(col) for col in x.T]
        values = objective.summarise(objective.per_replicate(bench.run(
            [phased_levers(m) for m in candidates])))
        i = int(np.argmax(values))
        if values[i] > best["value"]:
            best.update(value=float(values[i]), mixes=candidates[i])
        evaluated = (history[-1][1] if history else 0) + len(candidates)
        history.append((len(history), evaluated, best["value"]))
        return -values

    # tol=0: the budget is the stopping rule. scipy's relative tolerance compares the population's
    # spread with its mean, which stops an engagement search (values near 0.6) after a few generations.
    differential_evolution(negative_objective, [(0.0, 1.0)] * capacity.dims, maxiter=generations,
                           init=init, rng=rng, polish=False, vectorized=True, updating="deferred",
                           tol=0.0, atol=0.0)
    table = pd.DataFrame(history, columns=["generation", "evaluations", "best_in_sample"])
    return Search(best["mixes"], best["value"], int(table["evaluations"].iloc[-1]), len(table) - 1, table)


def _generator(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


# --- the report -------------------------------------------------------------------------------------------


def paired(arm: Array, ref: Array, objective: Objective, rng: np.random.Generator) -> dict[str, float]:
    """The objective's difference arm - ref on the same replicates, a 95 % bootstrap interval over
    replicates (resampled in pairs), and the share of replicates where the arm does better.
    """
    def diff(a: Array, b: Array, axis: int = -1) -> Array:
        return objective.summarise(a, axis) - objective.summarise(b, axis)

    ci = stats.bootstrap((arm, ref), diff, paired=True, vectorized=True, n_resamples=9999,
                         method="percentile", rng=rng).confidence_interval
    return {"diff": float(diff(arm, ref)), "diff_lo95": float(ci.low), "diff_hi95": float(ci.high),
            "p_beats": float(np.mean(arm > ref))}


def summary_table(values: Mapping[str, Mapping[str, Array]], objective: Objective,
                  seed: int) -> pd.DataFrame:
    """One row per sample and arm (and reference, for the paired columns); see docs/optimise.md."""
    rng = _generator(seed, _BOOTSTRAP)
    rows = []
    for sample, by_arm in values.items():
        for arm in ARMS:
            v = by_arm[arm]
            dist = {"replicates": len(v), "objective": float(objective.summarise(v)),
                    "median": float(np.median(v)), "p05": float(np.quantile(v, 0.05)),
                    "p95": float(np.quantile(v, 0.95))}
            refs = [ref for a, ref in PAIRS if a == arm] or [""]
            for ref in refs:
                cmp = paired(v, by_arm[ref], objective, rng) if ref else dict.fromkeys(
                    ("diff", "diff_lo95", "diff_hi95", "p_beats"), np.nan)
                rows.append({"sample": sample, "arm": arm, "reference": ref, **dist, **cmp})
    return pd.DataFrame(rows)


@dataclass
class Report:
    scenario: Scenario
    source: str | None  # the preset name or path the scenario came from, for optimised.toml
    settings: Settings
    objective: Objective
    search: Search
    outcomes: pd.DataFrame  # sample, arm, replicate, outcomes_of's outcomes, objective
    summary: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def headline(self, sample: str = "out_of_sample") -> pd.Series:
        s = self.summary
        return s[(s["sample"] == sample) & (s["arm"] == "optimised")
                 & (s["reference"] == "baseline_fixed")].iloc[0]

    def best(self) -> dict[str, Any]:
        """The JSON record: best mixes, objective in and out of sample against the baselines."""
        def by_arm(sample: str) -> dict[str, float]:
            s = self.summary[self.summary["sample"] == sample].drop_duplicates("arm")
            return dict(zip(s["arm"], s["objective"], strict=True))

        mixes = {p: dict(zip(EFFORTS, map(float, m), strict=True))
                 for p, m in zip(PHASES, self.search.mixes, strict=True)}
        refs = {k: {p: dict(zip(EFFORTS, map(float, m), strict=True)) for p, m in zip(PHASES, v,
                                                                                       strict=True)}
                for k, v in baseline_mixes(self.scenario).items()}
        head = self.headline()
        held = self.outcomes[self.outcomes["sample"] == "out_of_sample"].groupby("arm")[
            [f"months_{p}" for p in PHASES]].mean()
        return {
            "objective": self.objective.name, "statistic": self.objective.statistic,
            "weights": self.objective.weights, "label": self.objective.label(),
            "scenario": self.scenario.name, "seed": self.settings.seed,
            "best_mixes": mixes, "baseline_mixes": refs,
            "in_sample": {"replicates": [0, self.settings.replicates - 1], **by_arm("in_sample")},
            "out_of_sample": {"replicates": [self.settings.replicates,
                                             self.settings.replicates + self.settings.holdout - 1],
                              **by_arm("out_of_sample"),
                              "diff_vs_baseline_fixed": float(head["diff"]),
                              "diff_lo95": float(head["diff_lo95"]), "diff_hi95": float(head["diff_hi95"]),
                              "p_beats_baseline_fixed": float(head["p_beats"]),
                              "share_of_months_by_dominant_phase": {
                                  arm: {p: float(held[f"months_{p}"].loc[arm]) for p in PHASES}
                                  for arm in ARMS}},
            "search": {"optimiser": "scipy.optimize.differential_evolution (best1bin, deferred, "
                                    "vectorized, no polish, tol=0: runs the whole budget)",
                       "budget": self.settings.budget,
                       "population": self.settings.population_size,
                       "evaluations": self.search.evaluations, "generations": self.search.generations,
                       "best_in_sample_during_search": self.search.value,
                       "min_share": self.settings.min_share},
        }

    def manifest(self) -> dict[str, Any]:
        extra = {"analysis": "optimise", "holdout_replicates": self.settings.holdout,
                 "settings": {k: (dict(v) if isinstance(v, Mapping) else v)
                              for k, v in self.settings.__dict__.items()}, **self.meta}
        return manifest(self.scenario, self.settings.seed, self.settings.replicates, "vectorized", extra)

    def save(self, out: str | Path, force: bool = False) -> Path:
        """Write the tables, figure, JSON, scenario file and manifest into ``out`` atomically.

        An earlier optimisation in ``out`` is replaced only with ``force`` (outfolder.check_out).
        """
        return write_folder(Path(out), self._write, "optimise", force)

    def _write(self, folder: Path) -> None:
        self.summary.to_csv(folder / "summary.csv", index=False)
        self.outcomes.to_csv(folder / "outcomes.csv", index=False)
        self.search.history.to_csv(folder / "convergence.csv", index=False)
        (folder / "best_mix.json").write_text(json.dumps(self.best(), indent=2))
        files = ["summary.csv", "outcomes.csv", "convergence.csv", "best_mix.json"]
        if self.source is not None:
            (folder / "optimised.toml").write_text(optimised_toml(self))
            files.append("optimised.toml")
        from .optimise_figure import figure  # matplotlib only when writing

        figure(self, folder / "optimise.png")
        info = self.manifest() | {"tables": files, "figures": ["optimise.png"]}
        (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))


def optimised_toml(report: Report) -> str:
    """A scenario file that extends the searched scenario with the best phased mixes."""
    if report.source is None:  # the file extends the source, so a Scenario object given in code has none
        raise ValueError("optimised.toml needs the preset name or path the scenario came from")
    source = report.source if report.source in preset_names() else str(Path(report.source).resolve())
    lines = [f"# Written by hta-sim optimise: {report.objective.label()}, seed {report.settings.seed}.",
             f"extends = {json.dumps(source)}",
             f"name = {json.dumps(f'{report.scenario.name}-optimised-{report.objective.name}')}",
             "", "[secretariat]", 'policy = "phased"']
    for phase, mix in zip(PHASES, report.search.mixes, strict=True):
        lines += ["", f"[secretariat.phased.{phase}]"]
        lines += [f"{e} = {float(s)!r}" for e, s in zip(EFFORTS, mix, strict=True)]
    return "\n".join(lines) + "\n"


# --- the whole analysis -----------------------------------------------------------------------------------


def optimise(scenario: str | Path | Scenario = "baseline", settings: Settings | None = None,
             out: str | Path | None = None, progress: bool = False, force: bool = False,
             max_memory: int | None = None, posterior: Posterior | None = None) -> Report:
    """Search, re-evaluate out of sample, and (with ``out``) write the result folder.

    ``posterior``: parameter draws, replicate r of every arm taking draw r (None: parameters fixed
    at the scenario's values, chance the only uncertainty; the command line's default is the
    calibration's posterior). All input is checked before any work, so bad input writes nothing.
    """
    settings = settings or Settings()
    settings.validate()
    sc = load(scenario)
    engine.check(sc)
    window = Window.of(sc)
    R, H = settings.replicates, settings.holdout
    drawn = drawn_scenarios(sc, posterior, R + H, settings.seed)
    if out is not None:
        check_out(Path(out), "optimise", force)
    batch = max(settings.population_size * settings.replicates, len(ARMS) * settings.holdout)
    budget.check(budget.run_bytes(sc, batch), max_memory,
                 f"optimise's batches of {batch} runs")  # one generation, or the holdout check
    objective = Objective(settings.objective, settings.resolved_weights(), settings.statistic)
    searched = settings.population_size * (settings.generations + 1)
    total = (searched + len(ARMS)) * settings.replicates + len(ARMS) * settings.holdout
    with tqdm(total=total, unit="run", disable=not progress, desc=f"optimise {objective.name}") as bar:
        inside = Bench(settings.seed, settings.in_sample, window, drawn[:R], bar.update)
        found = search(sc, settings, objective, inside)
        arms = {**BASELINE_LEVERS, "optimised": phased_levers(found.mixes)}
        values: dict[str, dict[str, Array]] = {}
        frames = []
        for sample, ids, own in (("in_sample", settings.in_sample, drawn[:R]),
                                 ("out_of_sample", settings.out_of_sample, drawn[R:])):
            got = Bench(settings.seed, ids, window, own, bar.update).run(list(arms.values()))
            per_rep = objective.per_replicate(got)
            values[sample] = dict(zip(arms, per_rep, strict=True))
            for a, arm in enumerate(arms):
                frames.append(pd.DataFrame({"sample": sample, "arm": arm, "replicate": ids,
                                            **{k: v[a] for k, v in got.items()}, "objective": per_rep[a]}))
    source = None if isinstance(scenario, Scenario) else str(scenario)
    report = Report(sc, source, settings, objective, found, pd.concat(frames, ignore_index=True),
                    summary_table(values, objective, settings.seed),
                    {"outcomes": {"fewer_homeless_2027": f"homeless_youth in February {COUNT_FROM} minus "
                                                         f"in February {COUNT_TO}",
                                  "homes_2027": f"homes_created at {HOMES_BY} (reported, not optimised)",
                                  "engagement_2021": f"engagement_mean averaged over {ENGAGEMENT_YEAR}"},
                     "parameter_uncertainty": described(posterior, R + H, settings.seed)})
    if out is not None:
        report.save(out, force)
    return report

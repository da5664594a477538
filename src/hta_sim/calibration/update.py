"""Later evidence into a weighted particle posterior by importance reweighting, without a refit.

Bayes' rule on particles: particle i's new weight is its old weight times the likelihood of the new
observations given its simulation, normalised to sum to 1. Each particle is simulated once: the base
scenario with the particle's values, run to the last observation's month with the pulse taken on
the observed pulse dates only, as engine replicate i of the seed (one scenario per replicate, a few
hundred in one engine call).

Error models, each a normal on a scale of its own (terms that depend on the observation alone, such
as the log scale's Jacobian, are the same for every particle and cancel in the weights, so they are
left out; the log-likelihoods are comparable across particles, not across scales):

* a pulse score: normal, sd 0.5 (``SCORE``): an evaluator's judgement in whole steps, so a 3 stands
  for anything from about 2.5 to 3.5 (the calibration's own ``targets.SCORE_SD``);
* the week-6 count of homeless young people: log-normal, sd 0.05 national and 0.10 municipal
  (``NATIONAL_COUNT``, ``MUNICIPAL_COUNT``): a count is off by a few per cent, a municipality's
  more, as people are counted where they are met; the log is of 1 + x, so that a municipality's
  count of none stays finite (at the national ~2,000 the 1 changes nothing);
* active partners: normal, sd 1.5 partners (``PARTNERS``): who counts as a partner at a month's end
  is a matter of a signature or a meeting, one or two either way;
* young people housed and places: normal, sd 1, on the Anscombe scale 2 sqrt(x + 3/8)
  (``PLACES``), where a Poisson count's sd is about 1: a programme's own tally, off by about its
  square root.

One simulation per particle makes each likelihood noisy: it is the error model's density at one run,
an unbiased estimate of the likelihood averaged over the model's own randomness, as in
pseudo-marginal methods (Andrieu and Roberts 2009, *Ann. Statist.* 37). The reweighted particles then
still target the posterior; the noise only spreads the weights, which lowers the effective sample
size ((sum w)^2 / sum w^2). That is acceptable here because the update is a bridge between full
calibrations, not a substitute: its cost is one run a particle, and the ESS it reports shows when
the noise or the evidence has left too few particles. Below ``MIN_ESS`` after, or below
``MIN_ESS_SHARE`` of the ESS before, the update is flagged degenerate and a fresh calibration with
the new observations is advised. The particles' old weights come from an approximate (ABC)
posterior, so the result is that posterior updated, no more exact than it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import csvfile, engine
from ..analysis.readable import number
from ..arrays import Array, Mask
from ..calendar import MONTHS_A_YEAR, month_text, parse_month
from ..csvfile import read_rows
from ..errors import InputError
from ..parameters import STRUCTURE
from ..params import CENSUS_MONTH
from ..recorder import Recorder
from ..scenario import Scenario, date_problem, flatten
from ..vocabulary import BODIES, MUNICIPALITIES
from .counts import HOMELESS, TRAJECTORY, Observations
from .evidence import SCORE_SD

WEIGHT: Final = "weight"
SCORE_QUANTITY: Final = "pulse_score"  # the evidence table's quantity for a pulse score
BATCH: Final = 250  # particles in one engine call: a few hundred run at about 5 ms each
MIN_ESS: Final = 100.0
MIN_ESS_SHARE: Final = 0.10
QUANTILES: Final = (0.05, 0.5, 0.95)  # the predictive median and 90 % interval
#: The evidence table: one row per observation (body and parameter for a score, municipality for a
#: count; "" and 0 where they do not apply).
EVIDENCE: Final = ("date", "quantity", "body", "parameter", "municipality", "observed")


def identity(x: Array) -> Array:
    return x


def log_count(x: Array) -> Array:
    result: Array = np.log1p(x)
    return result


def anscombe(x: Array) -> Array:
    """Anscombe's transform: a Poisson count's sd is about 1 on this scale."""
    result: Array = 2.0 * np.sqrt(np.asarray(x, dtype=float) + 3.0 / 8.0)
    return result


@dataclass(frozen=True)
class ErrorModel:
    """An observation's error: normal with sd ``sd`` on the scale that ``scale`` maps values to."""

    scale: Callable[[Array], Array]
    sd: float

    def log_density(self, observed: float, simulated: Array) -> Array:
        """Log density of the observation given each simulated value; -inf where a run has none
        (NaN: a pulse of a body without members), which no observation can come from.
        """
        z = (self.scale(np.asarray(observed, dtype=float)) - self.scale(simulated)) / self.sd
        density: Array = -0.5 * z**2 - np.log(self.sd) - 0.5 * np.log(2.0 * np.pi)
        return np.where(np.isnan(density), -np.inf, density)


SCORE: Final = ErrorModel(identity, SCORE_SD)
NATIONAL_COUNT: Final = ErrorModel(log_count, 0.05)
MUNICIPAL_COUNT: Final = ErrorModel(log_count, 0.10)
PARTNERS: Final = ErrorModel(identity, 1.5)
PLACES: Final = ErrorModel(anscombe, 1.0)


def error_model(quantity: str, municipality: str = "") -> ErrorModel:
    if quantity == SCORE_QUANTITY:
        return SCORE
    if quantity == HOMELESS:
        return MUNICIPAL_COUNT if municipality else NATIONAL_COUNT
    return PARTNERS if quantity == "active_partners" else PLACES


@dataclass(frozen=True)
class Update:
    """The reweighted posterior, and what the evidence did to it."""

    particles: pd.DataFrame  # the particles' columns; ``weight`` reweighted, summing to 1
    log_likelihood: Array  # (n,) of all observations given each particle's run; NaN: weight 0, not run
    ess_before: float
    ess_after: float
    predictive: pd.DataFrame  # EVIDENCE plus each observation's weighted median and 90 % interval
    degenerate: bool  # too few effective particles left: refit rather than trust the reweighting

    def describe(self) -> str:
        """The update in a few plain lines: the ESS, a warning when degenerate, each observation."""
        lines = [f"Reweighted {len(self.particles):,} particles with {len(self.predictive):,} "
                 f"observations: effective sample size {self.ess_before:,.1f} before, "
                 f"{self.ess_after:,.1f} after."]
        if self.degenerate:
            lines.append(f"Warning: an effective sample size of {self.ess_after:,.1f}, below "
                         f"{MIN_ESS:.0f} or below {MIN_ESS_SHARE * 100:.0f} % of the one before, makes "
                         "importance reweighting degenerate: run a fresh calibration with these "
                         "observations as targets (calibration/evidence.py, then hta-sim calibrate).")
        lines += [_line(row) for row in self.predictive.to_dict("records")]
        return "\n".join(lines)


def _line(r: Mapping[Hashable, Any]) -> str:
    quantity, whole = str(r["quantity"]), r["quantity"] != SCORE_QUANTITY
    what = {SCORE_QUANTITY: f"pulse score, {r['body']} parameter {r['parameter']}",
            HOMELESS: f"{HOMELESS}, {r['municipality'] or 'national'}"}.get(quantity, quantity)
    band = [f"{number(r[f'{w}_median'], whole=whole)} ({number(r[f'{w}_low'], whole=whole)}-"
            f"{number(r[f'{w}_high'], whole=whole)}) {w}" for w in ("before", "after")]
    observed = number(r["observed"], whole=whole)
    return f"- {what}, {r['date']}: observed {observed}; simulated {', '.join(band)}"


def update(particles: pd.DataFrame, base: Scenario, observations: Observations, seed: int,
           batch: int = BATCH) -> Update:
    """The particles reweighted by the likelihood of ``observations`` (see the module's docstring).

    ``particles``: one row per particle, columns the dotted scenario names it sets and ``weight``
    (>= 0, any total). Particle i (its row position) runs as replicate i of ``seed``; particles of
    weight 0 are not run and keep weight 0.
    """
    old = particle_weights(particles)
    evidence = evidence_table(observations)
    scenarios = particle_scenarios(particles, horizon(base, evidence))
    alive = old > 0
    simulated = np.full((len(old), len(evidence)), np.nan)
    simulated[alive] = run_particles([s for s, a in zip(scenarios, alive, strict=True) if a], seed,
                                np.flatnonzero(alive), evidence, batch)
    loglik = np.where(alive, log_likelihood(evidence, simulated), np.nan)
    new = reweight(old, loglik)
    ess_before, ess_after = ess(old), ess(new)
    return Update(particles.assign(**{WEIGHT: new}), loglik, ess_before, ess_after,
                  predictive(evidence, simulated, old, new),
                  ess_after < MIN_ESS or ess_after < MIN_ESS_SHARE * ess_before)


def particle_weights(particles: pd.DataFrame) -> Array:
    """The ``weight`` column normalised to sum 1; InputError for a missing, negative or zero one."""
    if WEIGHT not in particles.columns or len(particles) == 0:
        raise InputError(f"particles: need at least one row and a {WEIGHT!r} column (columns "
                         f"{', '.join(map(str, particles.columns))})")
    weights = pd.to_numeric(particles[WEIGHT], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if len(bad):
        value = particles[WEIGHT].iloc[bad[0]]
        shown = value.item() if isinstance(value, np.generic) else value
        raise InputError(f"particles, row {bad[0]}: field {WEIGHT!r} = {shown!r}: must be a finite "
                         "number >= 0")
    if weights.sum() <= 0:
        raise InputError(f"particles: field {WEIGHT!r}: every weight is 0; at least one must be > 0")
    normalised: Array = weights / weights.sum()
    return normalised


def evidence_table(observations: Observations) -> pd.DataFrame:
    """Pulse scores and counts as one table (``EVIDENCE``), scores first, in their tables' order."""
    parts = []
    if observations.scores is not None:
        s = observations.scores
        parts.append(pd.DataFrame({"date": s["date"], "quantity": SCORE_QUANTITY, "body": s["body"],
                                   "parameter": s["parameter"].astype(np.int64), "municipality": "",
                                   "observed": s["score"].astype(float)}))
    if observations.counts is not None:
        c = observations.counts
        parts.append(pd.DataFrame({"date": c["date"], "quantity": c["quantity"], "body": "",
                                   "parameter": 0, "municipality": c["municipality"],
                                   "observed": c["value"].astype(float)}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if table.empty:
        raise InputError("observations: none given; give at least one pulse score or count")
    return table[list(EVIDENCE)]


def horizon(base: Scenario, evidence: pd.DataFrame) -> Scenario:
    """The base scenario run to the last observation's month, with the pulse taken on the observed
    pulse dates only; an observation the run cannot make is refused.

    The run ends no earlier than its start, and no earlier than the scenario's own dated events
    need (the association, a lever's start: ``scenario.date_problem``); months after the last
    observation never change what it observed.
    """
    start, end = parse_month(base.time.start), parse_month(base.time.end)
    world = parse_month(base.world.start)
    first_count = world + (CENSUS_MONTH - world) % MONTHS_A_YEAR  # the world's first February
    for date, quantity in zip(evidence["date"], evidence["quantity"], strict=True):
        earliest = first_count if quantity == HOMELESS else start
        if not earliest <= parse_month(date) <= end:
            raise InputError(f"observations: field 'date' = {date!r} ({quantity}): must lie between "
                             f"{month_text(earliest)} and {base.time.end}, inside the run")
    pulses = sorted(set(evidence.loc[evidence["quantity"] == SCORE_QUANTITY, "date"]))
    last = max(start, *(parse_month(str(d)) for d in evidence["date"]))
    while date_problem(_ending(base, last, pulses)) is not None:  # ends at base.time.end at the latest
        last += 1
    return base.with_changes({"time.end": month_text(last), "time.pulse_dates": pulses})


def _ending(base: Scenario, end: int, pulses: list[str]) -> Scenario:
    """``base`` ending at month ``end``, unvalidated: only for asking ``date_problem``."""
    time = base.time.model_copy(update={"end": month_text(end), "pulse_dates": pulses})
    return base.model_copy(update={"time": time})


def particle_scenarios(particles: pd.DataFrame, base: Scenario) -> list[Scenario]:
    """One scenario per particle: ``base`` with the particle's values (the schema's own checks)."""
    names = [str(c) for c in particles.columns if c != WEIGHT]
    structure = [n for n in names if any(n == s or n.startswith(f"{s}.") for s in STRUCTURE)]
    if structure:
        raise InputError(f"particles: column {structure[0]!r} is the run's structure, not a value a "
                         "particle may carry")
    out = []
    for i, row in enumerate(particles[names].to_dict("records")):
        try:
            out.append(base.with_changes({str(k): v for k, v in row.items()}))
        except InputError as exc:
            raise InputError(f"particles, row {i}: {str(exc).split(': ', 1)[-1]}") from None
    return out


def run_particles(scenarios: Sequence[Scenario], seed: int, replicates: Sequence[int] | np.ndarray,
                  evidence: pd.DataFrame, batch: int = BATCH) -> Array:
    """(n, K) each scenario's simulated value of each observation; scenario j runs as replicate
    ``replicates[j]``, ``batch`` scenarios to an engine call.
    """
    ids = np.asarray(replicates, dtype=np.int64)
    parts = []
    for first in range(0, len(scenarios), batch):
        for rec in engine.run(scenarios[first:first + batch], seed, ids[first:first + batch]):
            parts.append(np.column_stack([observed_in(rec, row) for row in evidence.to_dict("records")]))
    return np.concatenate(parts).astype(float)


def observed_in(rec: Recorder, row: Mapping[Hashable, Any]) -> Array:
    """(R,) the value a row of the evidence table reads in each replicate of a recorder."""
    date, quantity = str(row["date"]), str(row["quantity"])
    step = parse_month(date) - rec.layout.start
    if quantity == SCORE_QUANTITY:
        d = rec.layout.pulse_steps.index(step)
        return rec.pulse[:, d, BODIES.index(row["body"]), int(row["parameter"]) - 1]
    if quantity == HOMELESS:
        cells = rec.census[:, rec.layout.census_years.index(parse_month(date) // MONTHS_A_YEAR)]
        where = str(row["municipality"])
        counted = cells[:, MUNICIPALITIES.index(where)].sum(axis=-1) if where else cells.sum(axis=(1, 2))
        return counted.astype(float)
    if quantity not in TRAJECTORY:
        raise ValueError(f"unknown quantity {quantity!r}")
    return np.asarray(rec.columns[quantity][:, step], dtype=float)


def log_likelihood(evidence: pd.DataFrame, simulated: Array) -> Array:
    """(n,) the sum over observations of each one's log density given each run (columns of
    ``simulated``, in the evidence table's order).
    """
    total = np.zeros(len(simulated))
    for k, row in enumerate(evidence.to_dict("records")):
        model = error_model(str(row["quantity"]), str(row["municipality"]))
        total += model.log_density(float(row["observed"]), simulated[:, k])
    return total


def reweight(weights: Array, log_likelihood: Array) -> Array:
    """Old weights times likelihoods, normalised to 1, on the log scale so that small likelihoods
    never underflow to all zero; a particle of weight 0 stays 0.
    """
    alive: Mask = weights > 0
    ll = np.where(alive, log_likelihood, -np.inf)
    top = ll.max()
    if not np.isfinite(top):
        raise InputError("observations: no particle of weight > 0 can give them (every likelihood "
                         "is 0); run a fresh calibration with these observations")
    new = np.where(alive, weights * np.exp(ll - top), 0.0)
    normalised: Array = new / new.sum()
    return normalised


def ess(weights: Array) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2: n for equal weights, 1 for one particle."""
    return float(weights.sum() ** 2 / np.square(weights).sum())


def weighted_quantiles(values: Array, weights: Array, qs: Sequence[float] = QUANTILES) -> Array:
    """For each q, the smallest value whose cumulative weight reaches q (the inverse of the weighted
    empirical distribution); values that are NaN (never run) are left out. NaN when none is left.
    """
    keep = ~np.isnan(values) & (weights > 0)
    if not keep.any():
        return np.full(len(qs), np.nan)
    order = np.argsort(values[keep], kind="stable")
    v, cumulative = values[keep][order], np.cumsum(weights[keep][order])
    cumulative /= cumulative[-1]
    at = np.searchsorted(cumulative, np.asarray(qs) - 1e-12, side="left")
    picked: Array = v[np.minimum(at, len(v) - 1)]
    return picked


def predictive(evidence: pd.DataFrame, simulated: Array, before: Array, after: Array) -> pd.DataFrame:
    """The evidence table with each observation's simulated median and 90 % interval over the
    particles, weighted before and after (the model's value, without the observation's error).
    """
    table = evidence.copy()
    for label, weights in (("before", before), ("after", after)):
        q = np.array([weighted_quantiles(simulated[:, k], weights) for k in range(len(evidence))])
        q = q.reshape(len(evidence), len(QUANTILES))
        for j, name in enumerate(("low", "median", "high")):
            table[f"{label}_{name}"] = q[:, j]
    return table


def load_particles(path: str | Path) -> pd.DataFrame:
    """A particle posterior from a CSV: a ``weight`` column and dotted scenario names, every row
    a valid scenario (a posterior the calibration ships). InputError naming the file and the line.
    """
    label = f"particles {path}"
    header, rows = read_rows(path, label)
    known = set(flatten(Scenario().to_dict()))
    unknown = [c for c in header if c != WEIGHT and c not in known]
    if WEIGHT not in header or unknown:
        raise InputError(f"{label}, line 1: columns must be {WEIGHT!r} and scenario parameters; "
                         + (f"{unknown[0]!r} is not one" if unknown else f"{WEIGHT!r} is missing"))
    if not rows:
        raise InputError(f"{label}: has no rows; needs at least one particle")
    out = []
    for line, row in rows:
        values = {k: csvfile.number(v) for k, v in row.items()}
        weight = values.pop(WEIGHT)
        if isinstance(weight, str) or weight < 0:
            raise InputError(f"{label}, line {line}: field {WEIGHT!r} = {row[WEIGHT]!r}: must be a "
                             "finite number >= 0")
        try:
            Scenario().with_changes(values)
        except InputError as exc:
            raise InputError(f"{label}, line {line}: {str(exc).split(': ', 1)[-1]}") from None
        out.append(values | {WEIGHT: float(weight)})
    return pd.DataFrame(out, columns=header)

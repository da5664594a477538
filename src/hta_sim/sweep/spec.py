"""The sweep spec: a TOML file naming parameters, a design, replicates, outcomes and an output folder.

Validation is strict and happens before anything is run or written: the schema (pydantic) first,
then every parameter against the scenario's own schema (each range's ends and each listed value must
make a valid scenario), every outcome date against the scenario's calendar, and a posterior's columns
and draws against the scenario. A bad spec gets one line naming the field, the value and what is
allowed (``InputError``).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    from pydantic_core import InitErrorDetails

from ..analysis.posterior import Posterior, load_posterior
from ..analysis.replicate_draws import picks, rows
from ..calendar import month_text, parse_month
from ..errors import InputError
from ..outcomes import DIP_MONTHS
from ..params import _leaves, layout_of, roster_of
from ..recorder import RULES
from ..scenario import Month, Scenario, _one_line, parse_toml
from ..scenario import load as load_scenario

#: Leaves a sweep may not vary: they fix the shape of a batch (state arrays, the calendar).
#: Fields that shape a batch's arrays or roster, so every run of a sweep must share them.
STRUCTURAL = frozenset({"initiatives.slots", "new_partners.enabled", "new_partners.count"})
Value = bool | int | float | str
MAX_SEED = 2**63 - 1  # seeds are stored as int64 (the tables' seed column)
NONE = "none"  # how a spec writes "no date" for an optional month, or no posterior
SHIPPED = "shipped"  # a spec's posterior: the calibration's draws that the package ships


class _Section(BaseModel):
    """Strict like a scenario: no unknown keys, no coercion between types, finite numbers only."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Parameter(_Section):
    """One swept scenario field, by its dotted path: a range (low, high) or a list of values."""

    name: str
    low: float | None = None
    high: float | None = None
    values: list[Value] | None = None
    levels: Annotated[int, Field(ge=2, le=10_000)] | None = None  # grid points on a range

    @model_validator(mode="after")
    def _range_or_values(self) -> Parameter:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.values is not None):
            raise ValueError("give either low and high, or values")
        if ranged and (self.low is None or self.high is None or not self.low < self.high):
            raise ValueError(f"low {self.low} and high {self.high}: need low < high")
        if self.values is not None and len(self.values) == 0:
            raise ValueError("values must not be empty")
        return self


class Design(_Section):
    """How points are drawn: a full grid, or SALib's Latin hypercube, Sobol (Saltelli) or Morris."""

    method: Literal["grid", "lhs", "sobol", "morris"] = "sobol"
    samples: Annotated[int, Field(ge=1, le=10_000_000)] = 64  # N: lhs points, sobol base, morris paths
    second_order: bool = True  # sobol: also second-order indices (N * (2D + 2) points, else N * (D + 2))
    levels: Annotated[int, Field(ge=2, le=1000)] = 4  # morris grid levels; grid points on each range
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = None  # own seed; default: the sweep's

    @model_validator(mode="after")
    def _power_of_two(self) -> Design:
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"samples {self.samples}: Sobol designs need a power of 2")
        return self


class Outcomes(_Section):
    """What each run reports (docs/sweeps.md, "Outputs"); months are YYYY-MM within the run.

    Dates left out default to the scenario's own calendar: engagement in December 2018 (the
    evaluation) and in the last month, homes and the initiative-taking share in the last month, the
    pulse at the first pulse date.
    """

    engagement_dates: list[Month] | None = None
    dip: bool = True
    homes_dates: list[Month] | None = None
    initiative_taking_dates: list[Month] | None = None
    pulse_dates: list[Month] | None = None
    trajectory_every: Annotated[int, Field(ge=0)] = 0  # keep every k-th month's row; 0 keeps none
    trajectory_columns: list[str] = ["engagement_mean", "engagement_board", "engagement_ab",
                                     "homes_created"]


class SweepSpec(_Section):
    """A sweep: every field with its default (docs/sweeps.md, "The spec").

    ``posterior`` adds parameter uncertainty: ``"shipped"`` (the calibration's draws) or a posterior
    CSV (relative to the spec file) gives replicate j of every point posterior draw j, resampled by
    weight once with the sweep's seed, the point's own swept values overriding the draw. Its default
    ``"none"`` keeps parameters fixed at the scenario's values, so every sweep written before the
    field existed gives the same numbers (and the same spec hash) as before.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")] = "sweep"
    description: str = ""
    scenario: str = "baseline"  # a preset name, or a scenario TOML (relative to the spec file)
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    replicates: Annotated[int, Field(ge=1, le=100_000)] = 10
    common_random_numbers: bool = True  # replicate r of every point draws stream r
    chunk_runs: Annotated[int, Field(ge=1, le=1_000_000)] = 1000  # runs per output file (and batch)
    out: str = "results/sweeps/sweep"  # relative to the current directory
    design: Design = Design()
    parameters: Annotated[list[Parameter], Field(min_length=1)]
    outcomes: Outcomes = Outcomes()
    posterior: Annotated[str, Field(min_length=1)] = NONE  # "none", "shipped" or a posterior CSV
    base_dir: str = Field(".", exclude=True)  # where the spec file lies (for relative scenario paths)

    @model_validator(mode="after")
    def _unique(self) -> SweepSpec:
        names = [p.name for p in self.parameters]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"field 'parameters' names {dup[0]!r} twice; each parameter once")
        return self

    @cached_property
    def base(self) -> Scenario:
        """The scenario every point starts from."""
        ref = self.scenario
        path = Path(self.base_dir) / ref
        return load_scenario(str(path) if ref.endswith(".toml") and not Path(ref).is_absolute() else ref)

    @cached_property
    def parameter_draws(self) -> Posterior | None:
        """The posterior replicates draw their parameters from; None for ``posterior = "none"``."""
        if self.posterior == NONE:
            return None
        if self.posterior == SHIPPED:
            shipped = load_posterior()
            if shipped is None:
                raise InputError("the package ships no posterior; give a posterior CSV")
            return shipped
        path = Path(self.posterior)
        return load_posterior(path if path.is_absolute() else Path(self.base_dir) / path)

    def digest(self) -> str:
        """A stable hash of what determines the results: the spec, its resolved scenario and its
        posterior's contents (by sha256: a moved file is the same sweep, an edited one another).
        """
        draws = self.parameter_draws
        text = json.dumps({"spec": self.model_dump(mode="json", exclude={"out", "posterior"}),
                           "scenario": self.base.to_dict()}
                          | ({"posterior": draws.sha256} if draws is not None else {}), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_spec(path: str | Path, overrides: dict[str, Any] | None = None) -> SweepSpec:
    """Read, validate and check a spec file; ``overrides`` replace top-level fields (e.g. out)."""
    path = Path(path)
    label = f"sweep spec {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{label}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{label}: cannot be read ({exc.__class__.__name__})") from None
    data = parse_toml(text, label)  # bad TOML or nesting too deep: one line
    data.pop("base_dir", None)
    data.update(overrides or {})
    return from_dict(data, label, base_dir=str(path.parent))


def from_dict(data: dict[str, Any], label: str = "sweep spec", base_dir: str = ".") -> SweepSpec:
    try:
        spec = SweepSpec.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        raise InputError(f"{label}: {_spec_line(exc)}") from None
    try:
        spec.base  # noqa: B018 - load the scenario now, to refuse a bad one before any work
    except InputError as exc:
        raise InputError(f"{label}: field 'scenario' = {spec.scenario!r}: {exc}") from None
    try:
        spec.parameter_draws  # noqa: B018 - read the posterior now, to refuse a bad one before any work
    except InputError as exc:  # its reader names the command line's flag: name the spec's field
        said = re.sub(r"^field '--posterior' = '[^']*'[:,]? ?", "", str(exc))
        raise InputError(f"{label}: field 'posterior' = {spec.posterior!r}: {said}") from None
    check(spec, label)
    return resolve(spec)


def _spec_line(exc: ValidationError) -> str:
    """One line for a schema error, with list positions written as [i] (parameters[2].low)."""
    err = exc.errors(include_url=False)[0]
    if not err["loc"] and err["type"] == "value_error":  # a whole-spec check names its field
        return str(err["msg"]).removeprefix("Value error, ")
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    if err["type"] == "extra_forbidden":
        return f"field {field!r} is unknown; see docs/sweeps.md for the allowed fields"
    if isinstance(err.get("input"), dict) and err["type"] != "missing":
        return f"field {field!r}: {err['msg'].removeprefix('Value error, ')}"
    detail = cast("InitErrorDetails", {k: v for k, v in err.items() if k in ("type", "input", "ctx")}
                  | {"loc": (field,)})
    return _one_line(ValidationError.from_exception_data(exc.title, [detail]))


def _check_parameter(base: Scenario, leaves: dict[str, Any], p: Parameter, where: str) -> None:
    """One parameter against the scenario: a sweepable field, and every value one it accepts."""
    if p.name not in leaves or p.name in STRUCTURAL or not _is_number(leaves[p.name]):
        raise InputError(f"{where}.name' = {p.name!r}: not a sweepable scenario field; give a "
                         "number, switch, policy or month, e.g. 'results_lag.weight' (docs/sweeps.md)")
    kind = kind_of(base, p.name)
    if p.values is None and kind not in ("float", "int"):
        raise InputError(f"{where}': {p.name!r} is a {kind}; give values, not low and high")
    if p.values is not None:
        tried: list[tuple[str, Value]] = [(f"values[{k}]", v) for k, v in enumerate(p.values)]
    else:
        low, high = float(p.low or 0.0), float(p.high or 0.0)  # both set: the schema checked
        if kind == "int" and not (low.is_integer() and high.is_integer()):
            raise InputError(f"{where}': {p.name!r} takes whole numbers; low and high must be whole")
        # a whole-number range: its ends as the integers the field stores
        tried = [("low", int(low)), ("high", int(high))] if kind == "int" else \
            [("low", low), ("high", high)]
    for field, value in tried:
        canonical(base, p.name, value, f"{where}.{field}'")


def check(spec: SweepSpec, label: str = "sweep spec") -> None:
    """What the schema alone cannot see: parameters and outcomes against the scenario."""
    base = spec.base
    layout = layout_of(base, roster_of(base))
    leaves = _leaves(base, layout.start)
    for i, p in enumerate(spec.parameters):
        _check_parameter(base, leaves, p, f"{label}: field 'parameters[{i}]")
    _check_posterior(spec, leaves, f"{label}: field 'posterior' = {spec.posterior!r}")
    o = spec.outcomes
    first, last = layout.start, layout.start + layout.steps - 1
    for field in ("engagement_dates", "homes_dates", "initiative_taking_dates", "pulse_dates"):
        for d in getattr(o, field) or ():
            if not first <= parse_month(d) <= last:
                raise InputError(f"{label}: field 'outcomes.{field}' = {d!r}: must lie between "
                                 f"{month_text(first)} and {month_text(last)}")
    pulses = {month_text(layout.start + s) for s in layout.pulse_steps}
    for d in o.pulse_dates or ():
        if d not in pulses:
            raise InputError(f"{label}: field 'outcomes.pulse_dates' = {d!r}: not a pulse date of the "
                             f"scenario ({', '.join(sorted(pulses)) or 'none'})")
    unknown = sorted(set(o.trajectory_columns) - set(RULES))
    if unknown:
        raise InputError(f"{label}: field 'outcomes.trajectory_columns' = {unknown}: not trajectory "
                         "columns (docs/ODD.md, Outputs)")
    if o.dip and layout.steps < DIP_MONTHS:
        raise InputError(f"{label}: field 'outcomes.dip' = true: the dip needs a run of {DIP_MONTHS} "
                         f"months or more; the scenario has {layout.steps}")


def _check_posterior(spec: SweepSpec, leaves: dict[str, Any], where: str) -> None:
    """Every column the design does not sweep varies per run, and every draw fits the scenario."""
    draws = spec.parameter_draws
    if draws is None:
        return
    swept = {p.name for p in spec.parameters}
    for c in map(str, draws.draws.columns):
        if c not in swept and (c not in leaves or c in STRUCTURAL or not _is_number(leaves[c])):
            raise InputError(f"{where}: column {c!r} is not a field a run can vary (a number, switch, "
                             "policy or month, not a mix or the batch's shape; docs/sweeps.md)")
    drawn = np.unique(picks(draws, spec.replicates, spec.seed))  # each row once, however many replicates
    for row, values in zip(drawn.tolist(), rows(draws, drawn), strict=True):
        try:
            spec.base.with_changes(values)
        except InputError as exc:
            raise InputError(f"{where}: draw {row + 1} on the scenario: {str(exc).split(': ', 1)[-1]}") \
                from None


def resolve(spec: SweepSpec) -> SweepSpec:
    """The spec with every outcome date stated (defaults taken from the scenario's calendar)."""
    o = resolve_outcomes(spec.outcomes, spec.base)
    return spec if o == spec.outcomes else spec.model_copy(update={"outcomes": o})


def resolve_outcomes(o: Outcomes, base: Scenario) -> Outcomes:
    """Outcome dates left out, filled from the scenario: engagement in December 2018 (if within the
    run) and in the last month, homes and the initiative-taking share in the last month, the pulse
    at the first pulse date.
    """
    layout = layout_of(base, roster_of(base))
    last = month_text(layout.start + layout.steps - 1)
    evaluation = "2018-12" if layout.start <= parse_month("2018-12") < layout.start + layout.steps - 1 \
        else None
    pulses = [month_text(layout.start + s) for s in layout.pulse_steps]
    defaults = {"engagement_dates": [d for d in (evaluation, last) if d],
                "homes_dates": [last], "initiative_taking_dates": [last], "pulse_dates": pulses[:1]}
    filled = {k: v for k, v in defaults.items() if getattr(o, k) is None}
    return o.model_copy(update=filled) if filled else o


def _is_number(leaf: Any) -> bool:
    return isinstance(leaf, float)


def kind_of(base: Scenario, name: str) -> str:
    """'float', 'int', 'switch', 'policy' (a named choice) or 'month': what values the field takes.

    Months (lever dates included) are strings YYYY-MM, or None where a month is optional; any other
    string is a choice among words (the secretariat's policy, a lever's selection rule).
    """
    value = _get(base, name)
    if value is None or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value)):
        return "month"
    if isinstance(value, str):
        return "policy"
    if isinstance(value, bool):
        return "switch"
    return "int" if isinstance(value, int) else "float"


def canonical(base: Scenario, name: str, value: Value | None, where: str) -> Any:
    """The value as the scenario stores it (validated); raises one line if the scenario refuses it."""
    if kind_of(base, name) == "month" and value == NONE:
        value = None
    if kind_of(base, name) in ("float", "int") and isinstance(value, bool):
        raise InputError(f"{where} = {json.dumps(value)}: {name!r} takes a number")
    try:
        changed = base.with_changes({name: value})
    except InputError as exc:
        reason = str(exc).split(": ", 1)[-1].split(": ", 1)[-1]  # drop "scenario overrides: field ... ="
        raise InputError(f"{where} = {json.dumps(value)}: {reason}") from None
    return _get(changed, name)


def _get(model: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        model = getattr(model, part)
    return model


__all__ = ["NONE", "SHIPPED", "Design", "Outcomes", "Parameter", "SweepSpec", "canonical", "check",
           "from_dict", "kind_of", "load_spec"]

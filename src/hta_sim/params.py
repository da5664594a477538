"""Scenario values as arrays along the replicate axis, so every replicate may carry its own values.

Numbers become float arrays of shape (R, 1), which broadcast over partners and initiative slots;
switches become 0/1 floats; months become step indices relative to the start; mixes become (R, 6).
The result is a typed ``parameters.Params``. The structure (time span, pulse dates, grants' partners
and purposes, roster) is shared by a batch: the ``Layout``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from .calendar import MONTHS_A_YEAR, parse_month
from .errors import InputError
from .parameters import STRUCTURE, Params, build
from .roster import Roster, load_roster
from .scenario import Grant, Mix, Scenario, flatten

Leaf = float | npt.NDArray[np.float64]  # a number, or a (6,) mix or (G,) grant row, of one scenario

NEVER = 10**6  # a step index that never comes
CENSUS_MONTH = 1  # the national count is taken in week 6, in February (0: January)
_MONTH = re.compile(r"^\d{4}-\d{2}$")  # optional months (None) are the schema's only optional values


@dataclass(frozen=True)
class Layout:
    """What a batch of replicates shares: the calendar, the pulse dates and the grants' structure."""

    start: int  # absolute month of step 0
    steps: int
    pulse_steps: tuple[int, ...]
    grant_partner: npt.NDArray[np.int64]  # (G,) partner index of each grant
    grant_secretariat: npt.NDArray[np.bool_]  # (G,) the grant pays the secretariat
    pool_funders: npt.NDArray[np.int64]  # (F,) partner indices paying into the development pool
    world_start: int = 0  # absolute month the world starts; before ``start`` it runs alone
    census_steps: tuple[int, ...] = ()  # steps of the national count (February), negative before 0

    @property
    def prehistory(self) -> int:
        """Months the world runs before the alliance's step 0."""
        return self.start - self.world_start

    @property
    def census_years(self) -> tuple[int, ...]:
        return tuple((self.start + s) // MONTHS_A_YEAR for s in self.census_steps)


def layout_of(scenario: Scenario, roster: Roster) -> Layout:
    start = parse_month(scenario.time.start)
    steps = parse_month(scenario.time.end) - start + 1
    world_start = parse_month(scenario.world.start)  # the schema holds it at or before time.start
    pulses = sorted({parse_month(d) - start for d in scenario.time.pulse_dates})
    if any(s < 0 or s >= steps for s in pulses):
        raise InputError(f"scenario field 'time.pulse_dates' = {scenario.time.pulse_dates}: "
                         f"every date must lie between {scenario.time.start} and {scenario.time.end}")
    grants = all_grants(scenario)
    return Layout(
        start=start,
        steps=steps,
        pulse_steps=tuple(pulses),
        grant_partner=np.array([roster.index(g.partner) for g in grants], dtype=np.int64),
        grant_secretariat=np.array([g.purpose == "secretariat" for g in grants], dtype=bool),
        pool_funders=np.array([roster.index(f) for f in scenario.development_pool.funders],
                              dtype=np.int64),
        world_start=world_start,
        census_steps=tuple(m - start for m in range(world_start, start + steps)
                           if m % MONTHS_A_YEAR == CENSUS_MONTH),
    )


def all_grants(s: Scenario) -> list[Grant]:
    """The grants in force: the founders', with the more_funders lever's changes.

    From the lever's start, the other funders pay ``share`` of each founders' initiative grant
    (the total is unchanged) plus ``mdkk_per_year`` each of their own. The pieces exist with zero
    amounts when the lever is off, so that every scenario has the same grant structure.
    """
    more = s.more_funders
    share = more.share if more.enabled else 0.0
    own = more.mdkk_per_year if more.enabled else 0.0
    pieces: list[Grant] = []
    for g in s.funding.grants:
        if g.purpose == "secretariat":
            pieces.append(g)
            continue
        after = max(g.start, more.start)
        # a grant that ends before the lever starts leaves the later pieces empty: [after, after)
        after_end = g.end if g.end is None or g.end >= after else after
        before_end = more.start if g.end is None else min(g.end, more.start)
        pieces.append(g.model_copy(update={"end": before_end}))
        pieces.append(g.model_copy(update={"start": after, "mdkk_per_year": g.mdkk_per_year * (1 - share)}))
        pieces += [Grant(partner=f, purpose="initiatives", start=after, end=after_end,
                         mdkk_per_year=g.mdkk_per_year * share / len(more.partners))
                   for f in more.partners]
    pieces += [Grant(partner=f, purpose="initiatives", mdkk_per_year=own, start=more.start)
               for f in more.partners]
    return pieces


def roster_of(scenario: Scenario) -> Roster:
    """The scenario's partners: its roster, plus the pilot municipalities the new_partners lever may
    bring (inactive until they join). Their slots follow the named partners', so the others' random
    draws stay the same with the lever on or off.
    """
    pilots = scenario.new_partners.count if scenario.new_partners.enabled else 0
    # the candidate pool is there with recruitment off too (it never joins), so that a batch that
    # switches the mechanism per replicate shares one roster
    q = scenario.recruitment
    return load_roster(scenario.roster.file, scenario.roster.exclude, pilots, q.sectors, q.pool)


def check(scenario: Scenario) -> None:
    """Validate what the schema alone cannot: the roster, grants' partners, dates within the run."""
    layout_of(scenario, roster_of(scenario))


def compile_params(scenarios: list[Scenario], roster: Roster) -> tuple[Layout, Params]:
    """The batch's shared layout and its parameters as arrays over replicates."""
    layout = layout_of(scenarios[0], roster)
    distinct = {id(s): s for s in scenarios}  # a batch often repeats one scenario per replicate
    for s in distinct.values():
        if s is not scenarios[0] and layout_of(s, roster).__repr__() != layout.__repr__():
            raise InputError("scenarios in one batch must share time span, pulse dates and grants")
    leaves = {key: _leaves(s, layout.start) for key, s in distinct.items()}
    dicts = [leaves[id(s)] for s in scenarios]
    return layout, build({key: _stack([d[key] for d in dicts]) for key in dicts[0]})


def compile_columns(base: Scenario, roster: Roster, rows: int,
                    columns: Mapping[str, Sequence[Any]]) -> tuple[Layout, Params]:
    """Parameters of ``rows`` replicates that share ``base`` except for some leaves, one value a row.

    The same arrays, bit for bit, as ``compile_params`` of one ``base.with_changes`` per row, without
    building and validating a Scenario per row (a sweep's design has tens of thousands): plain
    numbers and switches become ``float(value)`` as in ``_leaves``; months and named choices go
    through ``_leaves`` itself, once per distinct value. Values must already be valid (sweep specs
    check each parameter's range against the schema).
    """
    layout = layout_of(base, roster)
    leaves = _leaves(base, layout.start)
    flat = {key: np.repeat(_stack([value]), rows, axis=0) for key, value in leaves.items()}
    for name, values in columns.items():
        if name not in leaves or isinstance(leaves[name], np.ndarray):
            raise KeyError(f"{name!r} is not a per-replicate scenario number")
        if len(values) != rows:
            raise ValueError(f"{name!r}: {len(values)} values for {rows} rows")
        if not _plain_number(base, name):
            table = {v: _leaves(base.with_changes({name: v}), layout.start)[name] for v in set(values)}
            flat[name] = np.array([table[v] for v in values], dtype=float)[:, None]
        else:
            flat[name] = np.array([float(v) for v in values], dtype=float)[:, None]
    return layout, build(flat)


def _plain_number(base: Scenario, name: str) -> bool:
    """Whether a leaf compiles as float(value): not a month, an unset month or a named choice."""
    value = flatten(base.model_dump(mode="json")).get(name)
    return isinstance(value, bool | int | float)


def _leaves(s: Scenario, start: int) -> dict[str, Leaf]:
    """Flat dotted names -> numeric values (or (6,) mixes, or (G,) grant arrays) of one scenario.

    Months become step indices (an unset end month: NEVER); a choice among words becomes the
    index of the word in its allowed list. A field of a kind not handled here is an error, never
    dropped: the schema and ``parameters.Params`` must agree.
    """
    out: dict[str, Leaf] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            key = prefix + name
            if key in STRUCTURE:
                continue
            value = getattr(model, name)
            if isinstance(value, Mix):
                out[key] = np.array(value.shares())
            elif isinstance(value, BaseModel):
                walk(value, key + ".")
            elif isinstance(value, bool | int | float):
                out[key] = float(value)
            elif get_origin(info.annotation) is Literal:
                out[key] = float(get_args(info.annotation).index(value))
            elif value is None or (isinstance(value, str) and _MONTH.match(value)):
                out[key] = float(parse_month(value) - start) if value else float(NEVER)
            else:
                raise TypeError(f"scenario field {key!r} ({info.annotation}) has no numeric form; "
                                "add it to parameters.STRUCTURE or teach params._leaves its kind")
    walk(s, "")
    grants = all_grants(s)
    out["funding.amount"] = np.array([g.mdkk_per_year / MONTHS_A_YEAR for g in grants])
    out["funding.start"] = np.array([float(parse_month(g.start) - start) for g in grants])
    out["funding.end"] = np.array([float(parse_month(g.end) - start) if g.end else float(NEVER)
                                   for g in grants])
    return out


def _stack(values: Sequence[Leaf]) -> npt.NDArray[np.float64]:
    first = values[0]
    if isinstance(first, np.ndarray):
        return np.stack(values)  # (R, k)
    return np.array(values, dtype=float)[:, None]  # (R, 1)

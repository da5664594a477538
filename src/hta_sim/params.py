"""Scenario values as arrays along the replicate axis, so every replicate may carry its own values.

Numbers become float arrays of shape (R, 1), which broadcast over partners and initiative slots;
switches become 0/1 floats; months become step indices relative to the start; mixes become (R, 6).
The structure (time span, pulse dates, grants' partners and purposes, roster) is shared by a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from pydantic import BaseModel

from .calendar import parse_month
from .errors import InputError
from .roster import Roster
from .scenario import Mix, Scenario
from .vocabulary import EFFORTS

NEVER = 10**6  # a step index that never comes


@dataclass(frozen=True)
class Layout:
    """What a batch of replicates shares: the calendar, the pulse dates and the grants' structure."""

    start: int  # absolute month of step 0
    steps: int
    pulse_steps: tuple[int, ...]
    grant_partner: np.ndarray  # (G,) partner index of each grant
    grant_secretariat: np.ndarray  # (G,) bool: the grant pays the secretariat


def layout_of(scenario: Scenario, roster: Roster) -> Layout:
    start = parse_month(scenario.time.start)
    steps = parse_month(scenario.time.end) - start + 1
    pulses = sorted({parse_month(d) - start for d in scenario.time.pulse_dates})
    if any(s < 0 or s >= steps for s in pulses):
        raise InputError(f"scenario field 'time.pulse_dates' = {scenario.time.pulse_dates}: "
                         f"every date must lie between {scenario.time.start} and {scenario.time.end}")
    grants = scenario.funding.grants
    return Layout(
        start=start,
        steps=steps,
        pulse_steps=tuple(pulses),
        grant_partner=np.array([roster.index(g.partner) for g in grants], dtype=np.int64),
        grant_secretariat=np.array([g.purpose == "secretariat" for g in grants], dtype=bool),
    )


def compile_params(scenarios: list[Scenario], roster: Roster) -> tuple[Layout, SimpleNamespace]:
    """The batch's shared layout and its parameters as arrays over replicates."""
    layout = layout_of(scenarios[0], roster)
    distinct = {id(s): s for s in scenarios}  # a batch often repeats one scenario per replicate
    for s in distinct.values():
        if s is not scenarios[0] and layout_of(s, roster).__repr__() != layout.__repr__():
            raise InputError("scenarios in one batch must share time span, pulse dates and grants")
    leaves = {key: _leaves(s, layout.start) for key, s in distinct.items()}
    dicts = [leaves[id(s)] for s in scenarios]
    return layout, _nest({key: _stack([d[key] for d in dicts]) for key in dicts[0]})


def _leaves(s: Scenario, start: int) -> dict[str, Any]:
    """Flat dotted names -> numeric values (or (6,) mixes, or (G,) grant arrays) of one scenario."""
    out: dict[str, Any] = {}

    def walk(model: Any, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            key = prefix + name
            if isinstance(value, Mix):
                out[key] = np.array(value.shares())
            elif isinstance(value, BaseModel):
                walk(value, key + ".")
            elif isinstance(value, bool | int | float):
                out[key] = float(value)
    walk(s, "")
    out["time.association"] = float(parse_month(s.time.association) - start)
    ends = s.secretariat.funding_ends
    out["secretariat.funding_ends"] = float(parse_month(ends) - start if ends else NEVER)
    out["secretariat.policy"] = float(("fixed", "phased", "adaptive").index(s.secretariat.policy))
    grants = s.funding.grants
    out["funding.amount"] = np.array([g.mdkk_per_year / 12.0 for g in grants])
    out["funding.start"] = np.array([float(parse_month(g.start) - start) for g in grants])
    out["funding.end"] = np.array([float(parse_month(g.end) - start) if g.end else float(NEVER)
                                   for g in grants])
    return out


def _stack(values: list[Any]) -> np.ndarray:
    first = values[0]
    if isinstance(first, np.ndarray):
        return np.stack(values)  # (R, k)
    return np.array(values, dtype=float)[:, None]  # (R, 1)


def _nest(flat: dict[str, np.ndarray]) -> SimpleNamespace:
    root = SimpleNamespace()
    for dotted, value in flat.items():
        node = root
        *heads, last = dotted.split(".")
        for head in heads:
            if not hasattr(node, head):
                setattr(node, head, SimpleNamespace())
            node = getattr(node, head)
        setattr(node, last, value)
    return root


def effort_index(name: str) -> int:
    return EFFORTS.index(name)

"""Small hand-built inputs for the rules' unit tests: a State, real Params and a MonthContext.

* ``state(reps, partners, slots, **fields)``: every State field explicit or defaulted. The
  defaults are zeros and False, except the fields whose "nothing" is not zero: ``lead`` -1 (the
  secretariat leads), ``partner_cell`` -1 (not a world municipality), ``joined`` -1 (not yet),
  ``scores`` NaN (no pulse yet), ``coordination`` 1 (the network kept going) and ``ab_meets``
  True. A
  value is broadcast to the field's shape, so ``engagement=[0.2, 0.5, 0.9]`` fills (1, 3) and
  ``build=0.5`` fills (reps,).
* ``params(*changes)``: real Params compiled by ``params.compile_params`` from the schema's defaults
  (``Scenario()``) with dotted changes, one dict per replicate, on the three-partner roster in
  tests/data/roster_small.toml, so that the layout (grants' partners, pool funders) indexes the
  partners of a three-partner state. ``compiled(*changes)`` also returns that Layout.
* ``month(reps, partners, slots, **)``: a MonthContext with hand-chosen draws. Uniform draws
  default to ``QUIET``, the largest double below 1, so that no chance event below certainty fires
  unless a test says so; normal draws default to 0.0 (no noise).
* ``draws_over(months, reps, partners, slots, **)``: Draws with a time axis, as ``kernel.step`` takes them.

Tests set every parameter their expected values read, so a change of a schema default does not move
them.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import numpy as np

from hta_sim.month import MonthContext
from hta_sim.parameters import Params
from hta_sim.params import Layout, compile_params
from hta_sim.roster import Roster, load_roster
from hta_sim.scenario import Scenario
from hta_sim.state import State, initial_state
from hta_sim.streams import LIFE_PURPOSES, SOLUTION_PURPOSES, WORLD_PURPOSES, Draws, WorldStream
from hta_sim.vocabulary import (
    BANDS,
    EFFORT,
    EFFORTS,
    MUNICIPALITIES,
    PULSE_PARAMETERS,
    RUNG,
    SOLUTIONS,
    STAGE,
    YOUTH_STATES,
)
from hta_sim.world import FLOWS, housing, population

__all__ = ["EFFORT", "QUIET", "RUNG", "STAGE", "QuietWorld", "begin", "compiled", "draws_over", "effort",
           "month", "params", "state", "with_values"]

ROSTER_FILE = Path(__file__).parent / "data" / "roster_small.toml"
#: The largest double below 1: a uniform draw that no probability below 1 exceeds.
QUIET = 1.0 - 2.0**-53

PARTNER_FIELDS = ("active", "board", "ab", "municipality_mask", "initiator_mask", "candidate_mask",
                  "left", "engagement", "rung", "alignment", "money_capacity", "staff_capacity",
                  "knowledge_capacity", "perceived", "expectation", "sustained", "invested",
                  "closeness", "meetings", "staff_given", "money_given", "cofinance_given",
                  "knowledge_given", "led_results", "partner_cell", "pool_mask", "fatigue", "below",
                  "joined")
ALLIANCE_FIELDS = ("build", "build_gain", "barrier", "unshown", "visible", "visible_flow", "homes",
                   "solution_cost", "flats_let", "pool_budget", "dominance", "secretariat_staff", "phase",
                   "coordination", "ab_meets", "ab_revived", "ab_faded", "clipped", "rung_falls",
                   "departures", "joins", "key_changes")
SLOT_FIELDS = ("stage", "progress", "solution", "site", "units", "places", "lead", "pooled")
#: Per replicate and solution type, or per replicate and municipality.
BY_TYPE, BY_MUNICIPALITY = ("housed_by",), ("flats", "flats_free")
BY_TYPE_AND_MUNICIPALITY = ("adopters", "municipal_places", "funded_adopters")
MASKS = frozenset({"active", "board", "ab", "municipality_mask", "initiator_mask", "candidate_mask",
                   "left", "pooled", "pool_mask", "ab_meets", "ab_revived", "ab_faded"})
#: The world's arrays (replicate, youth state or flow or count, municipality, band): whole people.
WORLD_FIELDS = {"youth": len(YOUTH_STATES), "youth_flows": len(FLOWS), "census": 0}
CODES = frozenset({"rung", "phase", "stage", "lead", "solution", "site", "places", "flats_let",
                   "partner_cell", "below", "joined", "rung_falls", "departures", "joins", "key_changes",
                   *BY_TYPE, *BY_MUNICIPALITY, *BY_TYPE_AND_MUNICIPALITY, *WORLD_FIELDS})
#: coordination 1 and ab_meets: a secretariat that keeps the network going, an AB that meets.
DEFAULTS: dict[str, float] = {"lead": -1, "partner_cell": -1, "scores": np.nan, "joined": -1,
                              "coordination": 1.0, "ab_meets": True}

_KNOWN = (*PARTNER_FIELDS, *ALLIANCE_FIELDS, *SLOT_FIELDS, "mix", "scores", *WORLD_FIELDS, *BY_TYPE,
          *BY_MUNICIPALITY, *BY_TYPE_AND_MUNICIPALITY)
if set(_KNOWN) != {f.name for f in dataclasses.fields(State)}:  # a new State field needs a shape here
    raise RuntimeError("tests/builders.py does not know every State field")


def _shape(name: str, reps: int, partners: int, slots: int) -> tuple[int, ...]:
    R = reps
    if name in WORLD_FIELDS:
        return (R, WORLD_FIELDS[name], len(MUNICIPALITIES), len(BANDS))
    groups = ((PARTNER_FIELDS, (R, partners)), (ALLIANCE_FIELDS, (R,)), (SLOT_FIELDS, (R, slots)),
              (("mix",), (R, len(EFFORTS))), (BY_TYPE, (R, len(SOLUTIONS))),
              (BY_MUNICIPALITY, (R, len(MUNICIPALITIES))),
              (BY_TYPE_AND_MUNICIPALITY, (R, len(SOLUTIONS), len(MUNICIPALITIES))))
    for names, shape in groups:
        if name in names:
            return shape
    return (R, 2, len(PULSE_PARAMETERS))  # scores


def _dtype(name: str) -> type:
    if name in MASKS:
        return bool
    if name in CODES:
        return np.int64
    return float


def state(reps: int = 1, partners: int = 3, slots: int = 2, **values: Any) -> State:
    """A State of ``reps`` replicates, ``partners`` partners and ``slots`` initiative slots; the
    fields not named take their defaults."""
    unknown = set(values) - set(_KNOWN)
    if unknown:
        raise TypeError(f"State has no fields {sorted(unknown)}")
    arrays = {}
    for name in _KNOWN:
        value = values.get(name, DEFAULTS.get(name, 0))
        shape = _shape(name, reps, partners, slots)
        arrays[name] = np.broadcast_to(np.asarray(value, dtype=_dtype(name)), shape).copy()
    return State(**arrays)


@functools.cache
def roster() -> Roster:
    return load_roster(ROSTER_FILE)


def scenario(changes: dict[str, Any] | None = None) -> Scenario:
    """The schema's defaults on the small roster (more_funders' partner is in it), with changes."""
    base = {"roster.file": str(ROSTER_FILE), "more_funders.partners": ["realdania"]}
    return Scenario().with_changes({**base, **(changes or {})})


def compiled(*changes: dict[str, Any], replicates: int = 1) -> tuple[Layout, Params]:
    """Layout and Params: one replicate per dict of changes, or ``replicates`` copies of one."""
    per_row = [scenario(c) for c in changes] if changes else [scenario()]
    if len(per_row) == 1:
        per_row = per_row * replicates
    return compile_params(per_row, roster())


def params(*changes: dict[str, Any], replicates: int = 1) -> Params:
    return compiled(*changes, replicates=replicates)[1]


def with_values(p: Params, section: str, **values: float) -> Params:
    """Params with some leaves of one section replaced by one value for every replicate.

    For property tests, which try many values: the same arrays ``params`` would compile, without
    validating a scenario per example (so the values must lie in the schema's ranges).
    """
    old = getattr(p, section)
    R = old.__dict__[next(iter(values))].shape[0]
    new = {name: np.full((R, 1), float(v)) for name, v in values.items()}
    return dataclasses.replace(p, **{section: dataclasses.replace(old, **new)})


def _uniform(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), shape).copy()


def month(reps: int = 1, partners: int = 3, slots: int = 2, *, step: int = 0, associated: Any = False,
          pulse_due: bool = False, after_pulse: bool = False, **draws: Any) -> MonthContext:
    """One month's context; draws not named are quiet (uniforms QUIET, normals 0, levers None).

    Partners' lives (``turnover``, ``alignment``, ``join``: (R, P) uniforms) are drawn only when
    one of them is named; otherwise none is (``MonthContext.life`` then reads certainty's 1).
    """
    R, P, K = reps, partners, slots
    named_lives = {k: draws.pop(k) for k in LIFE_PURPOSES if k in draws}
    lives = None if not named_lives else np.stack(
        [_uniform(named_lives.get(k, QUIET), (R, P)) for k in LIFE_PURPOSES], axis=1)
    shapes = {"idea": (R,), "kind": (R,), "launch": (R, K), "transition": (R, K),
              "engagement": (R, P), "ladder": (R, P), "lead": (R, P), "engagement0": (R, P),
              "pool_pick": (R,), "takeover": (R, K)}
    unknown = set(draws) - set(shapes)
    if unknown:
        raise TypeError(f"Draws has no fields {sorted(unknown)}")
    normal = {"engagement", "engagement0"}
    lever = {"pool_pick", "takeover"}
    made = {name: (None if name in lever and name not in draws
                   else _uniform(draws.get(name, 0.0 if name in normal else QUIET), shape))
            for name, shape in shapes.items()}
    return MonthContext(step=step, associated=np.broadcast_to(np.asarray(associated, dtype=bool),
                                                              (R, 1)).copy(),
                        pulse_due=pulse_due, after_pulse=after_pulse, draws=Draws(**made), lives=lives)


def draws_over(months: int, reps: int = 1, partners: int = 3, slots: int = 2, **draws: Any) -> Draws:
    """Draws of ``months`` months (time on axis 1), quiet unless named; values broadcast to the full shape."""
    T, R, P, K = months, reps, partners, slots
    shapes = {"idea": (R, T), "kind": (R, T), "launch": (R, T, K), "transition": (R, T, K),
              "engagement": (R, T, P), "ladder": (R, T, P), "lead": (R, T, P), "engagement0": (R, P)}
    normal = {"engagement", "engagement0"}
    return Draws(**{name: _uniform(draws.get(name, 0.0 if name in normal else QUIET), shape)
                    for name, shape in shapes.items()}, world=QuietWorld(R),
                 solutions=QuietWorld(R, len(SOLUTION_PURPOSES)))


class QuietWorld(WorldStream):
    """A world whose every draw is the smallest uniform: no arrivals, exits, ageing or returns
    (and, as the solutions' stream, no stay ending, no place filled, flats rounded down)."""

    def __init__(self, reps: int, purposes: int = len(WORLD_PURPOSES)) -> None:
        super().__init__(keys=np.zeros((reps, 2), dtype=np.uint64), cells=population.CELLS,
                         purposes=purposes)

    def month(self, w: int) -> np.ndarray:
        return np.full((len(self.keys), self.purposes, self.cells), 2.0**-1000)


def begin(layout: Layout, p: Params, reps: int = 1, slots: int = 2) -> State:
    """A State as the engine starts it (the world seeded from the 2007 count), on the small roster."""
    return initial_state(roster(), reps, slots, p.secretariat.mix, population.initial_youth(reps),
                         len(FLOWS), len(layout.census_steps), housing.initial_flats(p), len(SOLUTIONS))


def effort(reps: int = 1, **fte: float) -> np.ndarray:
    """A (reps, 6) effort in FTE, zero except the named efforts: ``effort(strategy=1.0)``."""
    out = np.zeros((reps, len(EFFORTS)))
    for name, value in fte.items():
        out[:, EFFORT[name]] = value
    return out

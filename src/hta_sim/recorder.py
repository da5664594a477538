"""Tables from state, for every engine: one row per replicate and month, and the pulse rows.

The recorder keeps preallocated arrays over (replicate, month) and turns them into tidy DataFrames at
the end; its columns are documented in docs/ODD.md ("Outputs").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import municipalities
from .arrays import Array, Codes, Mask, masked_mean, ordered_sum
from .calendar import dates
from .params import Layout
from .state import State
from .vocabulary import (
    BANDS,
    BODIES,
    EFFORTS,
    HOMELESS_STATES,
    MUNICIPALITIES,
    PHASES,
    PULSE_PARAMETERS,
    RUNGS,
    SOLUTIONS,
    STAGES,
    STEERING_GROUP,
    YOUTH_STATES,
)

HOMELESS = [YOUTH_STATES.index(h) for h in HOMELESS_STATES]  # counted as homeless (the count's sense)
Recorded = npt.NDArray[Any]  # a column's values: float numbers, or whole counts and codes

SCALARS = (
    "engagement_mean", "engagement_board", "engagement_ab", "visible_results", "homes_created",
    "money_contributed", "money_others", "money_cofinancing", "staff_contributed",
    "knowledge_contributed", "build_level", "regulatory_barrier", "secretariat_staff", "dominance",
    "pool_budget", "active_partners", "initiatives_partner_led", "homeless_youth",
    "flats_stock", "flats_free", "flats_let", "solution_cost_mdkk",
    "engagement_mean_incumbents", "target_clipped", "fatigue_mean", "expectation_mean",
    "coordination", "ab_meets", "partners_joined", "partners_left", "rung_falls", "key_person_changes",
)
#: By solution type: young people housed (cumulative), places, places in use, municipalities running.
SOLUTION_COLUMNS = tuple(f"{what}_{t}" for what in ("housed", "places", "occupied", "municipalities")
                         for t in SOLUTIONS)
COUNTS = tuple(f"rung_{r}" for r in RUNGS) + tuple(f"initiatives_{s}" for s in STAGES[1:])
SHARES = tuple(f"effort_{e}" for e in EFFORTS)
ALL = (*SCALARS, *SOLUTION_COLUMNS, *COUNTS, *SHARES, "phase")
#: Columns of whole things (partners, initiatives, young people, places, flats): integers in tables.
WHOLE = (*COUNTS, *SOLUTION_COLUMNS, "active_partners", "initiatives_partner_led", "homeless_youth",
         "homes_created", "flats_stock", "flats_free", "flats_let", "ab_meets", "partners_joined",
         "partners_left", "rung_falls", "key_person_changes")


def _column_rules() -> dict[str, Callable[[State], Recorded]]:
    """Each column of the trajectories table as a function of the month's state, (R,) per call.

    The one definition of every recorded quantity: the full Recorder and the lean sweep recorder
    (a subset of columns at a subset of months) both read them from here.
    """
    rules: dict[str, Callable[[State], Recorded]] = {
        "engagement_mean": lambda s: masked_mean(s.engagement, s.active),
        "engagement_board": lambda s: masked_mean(s.engagement, s.active & s.board),
        "engagement_ab": lambda s: masked_mean(s.engagement, s.active & s.ab),
        "visible_results": lambda s: s.visible,
        "homes_created": lambda s: s.homes,
        "money_contributed": lambda s: ordered_sum(s.money_given),
        "money_others": lambda s: ordered_sum(s.money_given) - np.max(s.money_given, axis=-1),
        "money_cofinancing": lambda s: ordered_sum(s.cofinance_given),
        "pool_budget": lambda s: s.pool_budget,
        "initiatives_partner_led": _partner_led,
        "staff_contributed": lambda s: ordered_sum(s.staff_given),
        "knowledge_contributed": lambda s: ordered_sum(s.knowledge_given),
        "build_level": lambda s: s.build,
        "regulatory_barrier": lambda s: s.barrier,
        "secretariat_staff": lambda s: s.secretariat_staff,
        "dominance": lambda s: s.dominance,
        "active_partners": lambda s: np.sum(s.active, axis=-1),
        "homeless_youth": lambda s: np.sum(s.youth[:, HOMELESS], axis=(1, 2, 3)),
        "flats_stock": lambda s: np.sum(s.flats, axis=-1),
        "flats_free": lambda s: np.sum(np.minimum(s.flats_free, s.flats), axis=-1),
        "flats_let": lambda s: s.flats_let,
        "solution_cost_mdkk": lambda s: s.solution_cost,
        "phase": lambda s: s.phase,
        # the 2016 partners (the initiators) alone: change within partners, not in who they are
        "engagement_mean_incumbents": lambda s: masked_mean(s.engagement, s.active & s.initiator_mask),
        "target_clipped": lambda s: s.clipped,
        "fatigue_mean": lambda s: masked_mean(s.fatigue, s.active),
        "expectation_mean": lambda s: masked_mean(s.expectation, s.active),
        "coordination": lambda s: s.coordination,
        "ab_meets": lambda s: s.ab_meets,
        "partners_joined": lambda s: s.joins,
        "partners_left": lambda s: s.departures,
        "rung_falls": lambda s: s.rung_falls,
        "key_person_changes": lambda s: s.key_changes,
    }
    for k, name in enumerate(SOLUTIONS):
        rules[f"housed_{name}"] = functools.partial(_housed, kind=k)
        rules[f"occupied_{name}"] = functools.partial(_occupied, kind=k)
        rules[f"places_{name}"] = functools.partial(_places, kind=k)
        rules[f"municipalities_{name}"] = functools.partial(_municipalities, kind=k)
    for k, name in enumerate(RUNGS):
        rules[f"rung_{name}"] = functools.partial(_on_rung, rung=k)
    for k, name in enumerate(STAGES[1:], start=1):
        rules[f"initiatives_{name}"] = functools.partial(_at_stage, stage=k)
    for k, name in enumerate(EFFORTS):
        rules[f"effort_{name}"] = functools.partial(_effort, effort=k)
    return rules


def _housed(s: State, kind: int) -> Recorded:
    return s.housed_by[:, kind]


def _occupied(s: State, kind: int) -> Recorded:
    return np.sum(s.youth[:, YOUTH_STATES.index(SOLUTIONS[kind])], axis=(1, 2))


def _places(s: State, kind: int) -> Recorded:
    """The initiatives' places of the type and the adopting municipalities' own."""
    return np.sum(np.where(s.solution == kind, s.places, 0), axis=-1) + np.sum(s.municipal_places[:, kind],
                                                                               axis=-1)


def _municipalities(s: State, kind: int) -> Recorded:
    return np.sum(municipalities.running(s)[:, kind], axis=-1)


def _on_rung(s: State, rung: int) -> Recorded:
    return np.sum(s.active & (s.rung == rung), axis=-1)


def _at_stage(s: State, stage: int) -> Recorded:
    return np.sum(s.stage == stage, axis=-1)


def _effort(s: State, effort: int) -> Array:
    return s.mix[:, effort]


def _partner_led(s: State) -> Recorded:
    """Initiatives from idea to scaled that a partner, not the secretariat, leads (R,)."""
    working = (s.stage >= STAGES.index("idea")) & (s.stage <= STAGES.index("scaled"))
    return np.sum(working & (s.lead >= 0), axis=-1)


RULES: dict[str, Callable[[State], Recorded]] = _column_rules()


class MonthSink(Protocol):
    """What the engines hand each month's state to: a recorder, or several (sweeps)."""

    def record(self, s: State, t: int, split: npt.NDArray[np.bool_]) -> None: ...


@dataclass
class Recorder:
    """Columns over (replicate, recorded month) and the pulse; by default every column, every month.

    ``columns`` and ``steps`` narrow it for sweeps, which need a few outcomes of many runs:
    ``values(name)`` then gives (R, len(steps)) arrays; ``trajectories`` needs the full default.
    """

    replicates: Codes  # the global replicate numbers in this batch
    layout: Layout
    names: tuple[str, ...] = ALL
    steps: tuple[int, ...] | None = None  # recorded months (step indices); None: every month
    columns: dict[str, Recorded] = field(default_factory=dict)
    pulse: Array = field(init=False)  # (R, n_dates, 2, 8)
    pulse_split: Mask = field(init=False)  # (R, n_dates) bool: association reached
    census: Codes = field(init=False)  # (R, counts, municipalities, bands): the national counts
    months_run: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        unknown = set(self.names) - set(RULES)
        if unknown:
            raise ValueError(f"unknown recorder columns {sorted(unknown)}")
        R = len(self.replicates)
        steps = range(self.layout.steps) if self.steps is None else self.steps
        self._slot = {t: i for i, t in enumerate(steps)}  # month -> column index
        for name in self.names:
            dtype = np.int64 if name == "phase" else float
            self.columns[name] = np.zeros((R, len(self._slot)), dtype=dtype)
        self.pulse = np.full((R, len(self.layout.pulse_steps), 2, len(PULSE_PARAMETERS)), np.nan)
        self.pulse_split = np.zeros((R, len(self.layout.pulse_steps)), dtype=bool)
        self.census = np.zeros((R, len(self.layout.census_steps), len(MUNICIPALITIES), len(BANDS)),
                               dtype=np.int64)

    def record(self, s: State, t: int, split: Mask) -> None:
        self.months_run = t + 1
        if t == 0 or t in self.layout.census_steps:  # the counts so far, the world's early ones too
            self.census[:] = s.census
        i = self._slot.get(t)
        if i is not None:
            for name in self.names:
                self.columns[name][:, i] = RULES[name](s)
        if t in self.layout.pulse_steps:
            i = self.layout.pulse_steps.index(t)
            self.pulse[:, i] = s.scores
            self.pulse_split[:, i] = split

    def values(self, name: str) -> Recorded:
        """(R, recorded months) values of one column."""
        return self.columns[name]

    def trajectories(self, scenario: str, seed: int) -> pd.DataFrame:
        if self.steps is not None or set(self.names) != set(ALL):
            raise ValueError("trajectories need a full recorder (every column, every month)")
        R, T = len(self.replicates), self.layout.steps
        frame = {
            "scenario": np.full(R * T, scenario, dtype=object),
            "replicate": np.repeat(self.replicates, T),
            "seed": np.full(R * T, seed, dtype=np.int64),
            "step": np.tile(np.arange(T), R),
            "date": np.tile(dates(self.layout.start, T), R),
            "phase": np.asarray(PHASES, dtype=object)[self.columns["phase"].ravel()],
        }
        for name in (*SCALARS, *SOLUTION_COLUMNS, *COUNTS, *SHARES):
            frame[name] = self.columns[name].ravel()
        df = pd.DataFrame(frame)
        for name in WHOLE:
            df[name] = df[name].astype(np.int64)
        df["phase"] = pd.Categorical(df["phase"], categories=PHASES)
        return df

    def pulse_table(self, scenario: str) -> pd.DataFrame:
        R, D = self.pulse.shape[:2]
        when = dates(self.layout.start, self.layout.steps)[list(self.layout.pulse_steps)]
        rows = []
        for b, body in enumerate(BODIES):
            for k, name in enumerate(PULSE_PARAMETERS):
                label = np.where(self.pulse_split, body, STEERING_GROUP)  # (R, D)
                rows.append(pd.DataFrame({
                    "scenario": scenario,
                    "replicate": np.repeat(self.replicates, D),
                    "date": np.tile(when, R),
                    "body": label.ravel(),
                    "parameter": k + 1,
                    "name": name,
                    "score": self.pulse[:, :, b, k].ravel(),
                }))
        df = pd.concat(rows, ignore_index=True)
        steering = df["body"] == STEERING_GROUP
        df = df[~(steering & df.duplicated(["replicate", "date", "body", "parameter"]))]
        return df.sort_values(["replicate", "date", "body", "parameter"], ignore_index=True)

    def census_table(self, scenario: str) -> pd.DataFrame:
        """The national counts (week 6) so far: one row per replicate, year, municipality and band."""
        taken = [i for i, t in enumerate(self.layout.census_steps) if t < self.months_run]
        R, M, B = len(self.replicates), len(MUNICIPALITIES), len(BANDS)
        years = np.asarray(self.layout.census_years)[taken]
        grid = np.meshgrid(self.replicates, years, np.arange(M), np.arange(B), indexing="ij")
        return pd.DataFrame({
            "scenario": scenario,
            "replicate": grid[0].ravel(),
            "year": grid[1].ravel(),
            "municipality": np.asarray(MUNICIPALITIES, dtype=object)[grid[2].ravel()],
            "band": np.asarray(BANDS, dtype=object)[grid[3].ravel()],
            "homeless": self.census[:, taken].reshape(R * len(taken) * M * B),
        })

"""Tables from state, for every engine: one row per replicate and month, and the pulse rows.

The recorder keeps preallocated arrays over (replicate, month) and turns them into tidy DataFrames at
the end; its columns are documented in docs/ODD.md ("Outputs").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .arrays import masked_mean, ordered_sum
from .calendar import dates
from .params import Layout
from .state import State
from .vocabulary import BODIES, EFFORTS, PHASES, PULSE_PARAMETERS, RUNGS, STAGES, STEERING_GROUP

SCALARS = (
    "engagement_mean", "engagement_board", "engagement_ab", "visible_results", "homes_created",
    "money_contributed", "money_others", "money_cofinancing", "staff_contributed",
    "knowledge_contributed", "build_level", "regulatory_barrier", "secretariat_staff", "dominance",
    "pool_budget", "active_partners", "initiatives_partner_led",
)
COUNTS = tuple(f"rung_{r}" for r in RUNGS) + tuple(f"initiatives_{s}" for s in STAGES[1:])
SHARES = tuple(f"effort_{e}" for e in EFFORTS)


@dataclass
class Recorder:
    replicates: np.ndarray  # the global replicate numbers in this batch
    layout: Layout
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    pulse: np.ndarray = field(init=False)  # (R, n_dates, 2, 8)
    pulse_split: np.ndarray = field(init=False)  # (R, n_dates) bool: association reached

    def __post_init__(self) -> None:
        R, T = len(self.replicates), self.layout.steps
        for name in (*SCALARS, *COUNTS, *SHARES):
            self.columns[name] = np.zeros((R, T))
        self.columns["phase"] = np.zeros((R, T), dtype=np.int64)
        self.pulse = np.full((R, len(self.layout.pulse_steps), 2, len(PULSE_PARAMETERS)), np.nan)
        self.pulse_split = np.zeros((R, len(self.layout.pulse_steps)), dtype=bool)

    def record(self, s: State, t: int, split: np.ndarray) -> None:
        c = self.columns
        c["engagement_mean"][:, t] = masked_mean(s.engagement, s.active)
        c["engagement_board"][:, t] = masked_mean(s.engagement, s.active & s.board)
        c["engagement_ab"][:, t] = masked_mean(s.engagement, s.active & s.ab)
        c["visible_results"][:, t] = s.visible
        c["homes_created"][:, t] = s.homes
        c["money_contributed"][:, t] = ordered_sum(s.money_given)
        c["money_others"][:, t] = c["money_contributed"][:, t] - np.max(s.money_given, axis=-1)
        c["money_cofinancing"][:, t] = ordered_sum(s.cofinance_given)
        c["pool_budget"][:, t] = s.pool_budget
        working = (s.stage >= STAGES.index("idea")) & (s.stage <= STAGES.index("scaled"))
        c["initiatives_partner_led"][:, t] = np.sum(working & (s.lead >= 0), axis=-1)
        c["staff_contributed"][:, t] = ordered_sum(s.staff_given)
        c["knowledge_contributed"][:, t] = ordered_sum(s.knowledge_given)
        c["build_level"][:, t] = s.build
        c["regulatory_barrier"][:, t] = s.barrier
        c["secretariat_staff"][:, t] = s.secretariat_staff
        c["dominance"][:, t] = s.dominance
        c["active_partners"][:, t] = np.sum(s.active, axis=-1)
        c["phase"][:, t] = s.phase
        for k, name in enumerate(RUNGS):
            c[f"rung_{name}"][:, t] = np.sum(s.active & (s.rung == k), axis=-1)
        for k, name in enumerate(STAGES[1:], start=1):
            c[f"initiatives_{name}"][:, t] = np.sum(s.stage == k, axis=-1)
        for k, name in enumerate(EFFORTS):
            c[f"effort_{name}"][:, t] = s.mix[:, k]
        if t in self.layout.pulse_steps:
            i = self.layout.pulse_steps.index(t)
            self.pulse[:, i] = s.scores
            self.pulse_split[:, i] = split

    def trajectories(self, scenario: str, seed: int) -> pd.DataFrame:
        R, T = len(self.replicates), self.layout.steps
        frame = {
            "scenario": np.full(R * T, scenario, dtype=object),
            "replicate": np.repeat(self.replicates, T),
            "seed": np.full(R * T, seed, dtype=np.int64),
            "step": np.tile(np.arange(T), R),
            "date": np.tile(dates(self.layout.start, T), R),
            "phase": np.asarray(PHASES, dtype=object)[self.columns["phase"].ravel()],
        }
        for name in (*SCALARS, *COUNTS, *SHARES):
            frame[name] = self.columns[name].ravel()
        df = pd.DataFrame(frame)
        for name in (*COUNTS, "active_partners", "initiatives_partner_led"):
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

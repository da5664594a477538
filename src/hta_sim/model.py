"""The Mesa face of hta_sim: one replicate, stepped month by month through the shared kernel.

``AllianceModel(scenario, seed, replicate)`` gives exactly the numbers that replicate has in the
vectorised engine. Its partners and secretariat are Mesa agents that read and write the state.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from . import engine
from . import scenario as scenario_mod
from .agents import PartnerAgent, SecretariatAgent
from .calendar import month_date
from .recorder import Recorder
from .scenario import Scenario
from .vocabulary import PHASES


class AllianceModel(mesa.Model):
    """Hjem Til Alle as agents: partners, a secretariat, and the initiatives they grow."""

    def __init__(self, scenario: str | Scenario = "baseline", seed: int = 0, replicate: int = 0,
                 rng: int | None = None) -> None:
        super().__init__(rng=seed if rng is None else rng)
        self.scenario_def = scenario_mod.load(scenario)
        self.seed_value = int(seed)
        self.replicate = int(replicate)
        self.roster = engine.roster_of(self.scenario_def)
        ids = np.array([self.replicate])
        self.layout, self.params, self.noise, self.state = engine.start(
            [self.scenario_def], self.roster, self.seed_value, ids)
        self.recorder = Recorder(ids, self.layout)
        self.month = 0
        PartnerAgent.create_agents(self, self.roster.size, index=list(range(self.roster.size)))
        self.secretariat = SecretariatAgent(self)
        self.running = True

    @property
    def partners(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[PartnerAgent]

    @property
    def date(self) -> str:
        return month_date(self.layout.start + max(self.month - 1, 0)).isoformat()

    @property
    def phase(self) -> str:
        return PHASES[int(self.state.phase[0])]

    def step(self) -> None:
        """One month through the shared kernel, then one recorded row."""
        if self.month >= self.layout.steps:
            self.running = False
            return
        engine.advance(self.state, self.params, self.layout, self.month, self.noise, self.recorder)
        self.month += 1
        self.running = self.month < self.layout.steps

    def run(self) -> AllianceModel:
        while self.running:
            self.step()
        return self

    def trajectories(self) -> pd.DataFrame:
        """Rows for the months run so far (the recorder's table, as for the vectorised engine)."""
        df = self.recorder.trajectories(self.scenario_def.name, self.seed_value)
        return df[df["step"] < self.month].reset_index(drop=True)

    def pulse(self) -> pd.DataFrame:
        df = self.recorder.pulse_table(self.scenario_def.name)
        return df.dropna(subset=["score"]).reset_index(drop=True)

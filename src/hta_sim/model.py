"""The Mesa face of hta_sim: one replicate, stepped month by month through the shared kernel.

``AllianceModel(scenario, seed, replicate)`` gives exactly the numbers that replicate has in the
vectorised engine. Its partners and secretariat are Mesa agents that read and write the state.
Months are Mesa's own step counter (``steps``, and ``time`` beside it); a step past the horizon runs
nothing, so the month, the date, ``steps`` and ``time`` agree after any number of calls.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from . import engine, streams
from . import scenario as scenario_mod
from .agents import PartnerAgent, SecretariatAgent
from .calendar import month_date
from .recorder import Recorder
from .scenario import Scenario
from .vocabulary import PHASES

MESA_STREAM = 2  # the replicate's stream for Mesa's own generator (0: the model, 1: the levers)


class AllianceModel(mesa.Model):
    """Hjem Til Alle as agents: partners, a secretariat, and the initiatives they grow."""

    def __init__(self, scenario: str | Path | Scenario = "baseline", seed: int = 0,
                 replicate: int = 0) -> None:
        """One replicate of a scenario (a preset name, a TOML path or a Scenario).

        Args:
            scenario: what to run.
            seed: the run's seed; replicate ``replicate`` of it is the engine's same replicate.
            replicate: which replicate of the seed this model is.
        """
        # Mesa's own generator (``self.rng``, ``self.random``) is a stream of its own, derived from
        # the seed: free for a user's code, never read by the rules, so using it changes nothing.
        super().__init__(rng=streams.replicate_generator(int(seed), int(replicate), MESA_STREAM))
        self.scenario_def = scenario_mod.load(scenario)
        self.seed_value = int(seed)
        self.replicate = int(replicate)
        self.roster = engine.roster_of(self.scenario_def)
        ids = np.array([self.replicate])
        self.layout, self.params, self.draws, self.state = engine.start(
            [self.scenario_def], self.roster, self.seed_value, ids)
        self.recorder = Recorder(ids, self.layout)
        # the named organisations (and pilot municipalities) exist before they join; a candidate
        # organisation becomes an agent when it joins, and any partner stops being one when it leaves
        named = [k for k in range(self.roster.size) if not self.roster.pool[k]]
        PartnerAgent.create_agents(self, len(named), index=named)
        self.secretariat = SecretariatAgent(self)
        self.running = True
        # Mesa's step() advances ``time`` and ``steps``, then calls ours; past the horizon it must
        # not be called at all, so that the counters stop where the run ends.
        self._mesa_step = self.step
        self.step = self._step_within_horizon  # type: ignore[method-assign]

    @property
    def month(self) -> int:
        """Months run so far (Mesa's ``steps``): 0 before the first step, the horizon at the end."""
        return int(self.steps)

    @property
    def partners(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[PartnerAgent]

    @property
    def date(self) -> str:
        """The first day of the last month run (of the first month before any)."""
        return month_date(self.layout.start + max(self.month - 1, 0)).isoformat()

    @property
    def phase(self) -> str:
        """The phase that dominates the alliance's activity now."""
        return PHASES[int(self.state.phase[0])]

    def _step_within_horizon(self) -> None:
        if self.steps >= self.layout.steps:
            self.running = False
            return
        self._mesa_step()

    def step(self) -> None:
        """One month through the shared kernel, then one recorded row (Mesa counted it already)."""
        engine.advance(self.state, self.params, self.layout, self.steps - 1, self.draws, self.recorder)
        self._follow_the_roster()
        self.running = self.steps < self.layout.steps

    def _follow_the_roster(self) -> None:
        """A candidate that joined becomes an agent; a partner that left is removed from the model."""
        present = {a.index: a for a in self.agents_by_type.get(PartnerAgent, [])}
        left, pool = self.state.left[0], self.state.active[0] & self.roster.pool
        for k in np.nonzero(left)[0]:
            if int(k) in present:
                present[int(k)].remove()
        for k in np.nonzero(pool)[0]:
            if int(k) not in present:
                PartnerAgent(self, int(k))

    def run(self) -> AllianceModel:
        """Step to the end of the run; returns the model, for chaining."""
        while self.running:
            self.step()
        return self

    def trajectories(self) -> pd.DataFrame:
        """Rows for the months run so far (the recorder's table, as for the vectorised engine)."""
        df = self.recorder.trajectories(self.scenario_def.name, self.seed_value)
        return df[df["step"] < self.month].reset_index(drop=True)

    def census(self) -> pd.DataFrame:
        """The national counts (week 6) taken so far, the world's years before the alliance too."""
        return self.recorder.census_table(self.scenario_def.name)

    def pulse(self) -> pd.DataFrame:
        df = self.recorder.pulse_table(self.scenario_def.name)
        return df.dropna(subset=["score"]).reset_index(drop=True)

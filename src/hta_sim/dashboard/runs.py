"""The live run and the ensemble behind it.

The live run is ``AllianceModel`` at one replicate, stepped month by month; the ensemble is the
vectorised engine over ``ENSEMBLE_REPLICATES`` replicates of the same settings and seed, so the live
run is exactly one member of the band drawn behind it. Ensembles are cached by settings: moving back
to a choice already seen costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import pulse as pulse_mod
from ..api import simulate
from ..model import AllianceModel
from ..vocabulary import BODIES, PHASES, PULSE_PARAMETERS, RUNGS
from .settings import EnsembleKey, Settings

ENSEMBLE_REPLICATES = 100
QUANTILES = (0.05, 0.5, 0.95)


class TeachingModel(AllianceModel):
    """``AllianceModel`` built from the page's settings; Mesa's Reset rebuilds it from the same.

    ``settings`` may be a callable returning the settings in force, so that SolaraViz's Reset (which
    re-instantiates the class with the parameters it was given once) picks up the current choice.
    """

    def __init__(self, settings: Settings | Callable[[], Settings] = Settings(),  # noqa: B008
                 contrast: Settings | None = None, contrast_label: str = "") -> None:
        chosen = settings() if callable(settings) else settings
        super().__init__(chosen.scenario(), seed=chosen.seed, replicate=chosen.run)
        self.settings = chosen
        #: Settings whose band the views draw beside this run's (a lesson's "without it"), if any.
        self.contrast = contrast if contrast != chosen else None
        self.contrast_label = contrast_label

    def pulse_now(self) -> np.ndarray:
        """(2, 8) board and AB scores if the pulse were taken this month (NaN before anyone joins).

        The kernel's own measurement function, read only: it changes nothing in the run.
        """
        if self.month == 0:
            return np.full((len(BODIES), len(PULSE_PARAMETERS)), np.nan)
        split = np.array([self.month - 1 >= self.params.time.association[0, 0]])
        return np.asarray(pulse_mod.measure(self.state, split)[0])


@dataclass(frozen=True)
class Band:
    """Quantiles of one column by step: arrays of length T."""

    lo: np.ndarray
    median: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True)
class Ensemble:
    """What the views draw behind the live run, precomputed once per settings."""

    replicates: int
    dates: np.ndarray  # (T,) datetime64 of each step
    phase: np.ndarray  # (T,) the phase most replicates are in
    bands: dict[str, Band]
    rungs: np.ndarray  # (T, 8) mean partners per rung
    pulse: pd.DataFrame  # median score by date, body, parameter
    trajectories: pd.DataFrame  # the raw table, for lessons and tests
    medians: dict[str, np.ndarray]  # column -> (T,) median over replicates at each step
    cumulative: dict[str, np.ndarray]  # column -> (T,) median over replicates of the sum so far

    def band(self, column: str) -> Band:
        return self.bands[column]


BANDED = ("engagement_board", "engagement_ab", "engagement_mean", "homeless_youth",
          "initiatives_under_way", "secretariat_staff")


def ensemble(settings: Settings) -> Ensemble:
    return _ensemble(settings.ensemble_key())


@lru_cache(maxsize=16)
def _ensemble(key: EnsembleKey) -> Ensemble:
    preset, changes, seed = key
    scenario = Settings(preset=preset, seed=seed, changes=changes).scenario()
    res = simulate(scenario, replicates=ENSEMBLE_REPLICATES, seed=seed)
    return summarise(res.trajectories, res.pulse, ENSEMBLE_REPLICATES)


#: Columns the "Numbers now" table reads, per month: precomputed here, not per frame.
NUMBERED = ("engagement_board", "engagement_ab", "homeless_youth", "homes_created",
            "initiatives_under_way",
            "secretariat_staff", "coordination", "active_partners", "key_person_changes", "dominance",
            "other_money")
SUMMED = ("other_money",)


def summarise(traj: pd.DataFrame, pulse: pd.DataFrame, replicates: int) -> Ensemble:
    traj = traj.assign(initiatives_under_way=traj["initiatives_pilot"] + traj["initiatives_running"]
                       + traj["initiatives_scaled"],
                       other_money=traj["money_contributed"] * (1.0 - traj["dominance"]))
    by_step = traj.groupby("step", sort=True)
    dates = by_step["date"].first().to_numpy()
    bands = {}
    for column in BANDED:
        q = by_step[column].quantile(np.array(QUANTILES)).unstack()
        bands[column] = Band(*(q[v].to_numpy() for v in QUANTILES))
    counts = pd.crosstab(traj["step"], traj["phase"]).reindex(columns=list(PHASES), fill_value=0)
    phase = np.asarray(PHASES)[counts.to_numpy().argmax(axis=1)]
    rungs = by_step[[f"rung_{r}" for r in RUNGS]].mean().to_numpy()
    med = pulse.groupby(["date", "body", "parameter"])["score"].median().rename("score").reset_index()
    medians = {c: by_step[c].median().to_numpy() for c in NUMBERED}
    ordered = traj.sort_values(["replicate", "step"])
    cumulative = {c: ordered.assign(**{c: ordered.groupby("replicate")[c].cumsum()})
                  .groupby("step")[c].median().to_numpy() for c in SUMMED}
    return Ensemble(replicates, dates, phase, bands, rungs, med, traj, medians, cumulative)

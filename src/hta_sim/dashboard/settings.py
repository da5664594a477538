"""What a teacher has chosen: a preset, a seed, the run played live, and changes to the scenario.

Every control and every lesson speaks one language, the scenario's dotted paths
(``mechanisms.results_lag``, ``secretariat.mix.campaign``, ``development_pool.enabled``), so the page
can only ask for what a scenario file could say, and ``Scenario.with_changes`` validates it. The page
invents no dynamics of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import InputError
from ..mechanisms import NAMES as MECHANISMS
from ..scenario import Scenario, flatten, load
from ..vocabulary import EFFORTS

MIX = "secretariat.mix"
POLICY = "secretariat.policy"

#: The development pool lever (scenario section ``development_pool``, docs/ODD.md "Levers").
POOL = {"enabled": "development_pool.enabled", "size": "development_pool.mdkk_per_year",
        "start": "development_pool.start"}
POOL_DEFAULTS = {"enabled": False, "size": 2.0, "start": "2019-01"}
POOL_MISSING = "needs the development-pool lever"


EnsembleKey = tuple[str, tuple[tuple[str, Any], ...], int]  # preset, changes, seed


@dataclass(frozen=True)
class Settings:
    """A whole choice; frozen and hashable, so ensembles can be cached by it."""

    preset: str = "baseline"
    seed: int = 2018
    run: int = 0  # the replicate of the ensemble that is played live
    changes: tuple[tuple[str, Any], ...] = ()  # dotted path -> value, sorted by path

    def changed(self, updates: dict[str, Any]) -> Settings:
        """These settings with some dotted paths set; a value equal to the preset's is dropped."""
        base = preset_values(self.preset)
        merged = dict(self.changes) | updates
        kept = {k: v for k, v in merged.items()
                if (base[k] != v if k in base else v is not None)}
        return replace(self, changes=tuple(sorted(kept.items())))

    def value(self, path: str) -> Any:
        """The value in force: the change if there is one, else the preset's (None if unset)."""
        return dict(self.changes).get(path, preset_values(self.preset).get(path))

    def scenario(self) -> Scenario:
        """The validated scenario (raises InputError naming the field, as for a file)."""
        return _scenario(self.preset, self.changes)

    def ensemble_key(self) -> EnsembleKey:
        """What the ensemble depends on: everything but the run played live."""
        return (self.preset, self.changes, self.seed)


def for_preset(preset: str, seed: int = 2018, run: int = 0,
               changes: dict[str, Any] | None = None) -> Settings:
    """Fresh settings for a preset, optionally with changes (what a lesson loads)."""
    return Settings(preset=preset, seed=seed, run=run).changed(changes or {})


@lru_cache(maxsize=64)
def _scenario(preset: str, changes: tuple[tuple[str, Any], ...]) -> Scenario:
    base = load(preset)
    return base.with_changes(dict(changes)) if changes else base


@lru_cache(maxsize=32)
def preset_values(preset: str) -> dict[str, Any]:
    """The preset's dotted values (the six shares of a mix each get their own path)."""
    return flatten(load(preset).to_dict())


# --- the six tactical efforts ------------------------------------------------------------------


def efforts(settings: Settings) -> dict[str, float]:
    return {e: float(settings.value(f"{MIX}.{e}")) for e in EFFORTS}


def rebalance(shares: dict[str, float], effort: str, share: float) -> dict[str, float]:
    """Set one effort's share and rescale the other five so the six still fill the capacity.

    Shares are whole percents (largest-remainder rounding), so they sum to exactly 100 % and sit on
    the sliders' grid: a slider shown a value never "corrects" it and echoes a move back. The others
    keep their proportions; if they were all zero, they share the rest equally.
    """
    target = round(min(max(float(share), 0.0), 1.0) * 100)
    others = [e for e in EFFORTS if e != effort]
    weights = np.array([max(shares[e], 0.0) for e in others])
    if weights.sum() <= 0:
        weights = np.ones(len(others))
    exact = (100 - target) * weights / weights.sum()
    whole = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - whole), kind="stable")[: 100 - target - whole.sum()]:
        whole[i] += 1
    percents = {effort: target} | dict(zip(others, whole.tolist(), strict=True))
    return {e: percents[e] / 100 for e in EFFORTS}


def with_effort(settings: Settings, effort: str, share: float) -> Settings:
    """Move one effort; the secretariat then keeps this fixed mix (``secretariat.policy = fixed``).

    A move to the share already shown (a slider echoing its value) changes nothing.
    """
    current = efforts(settings)
    if round(float(share) * 100) == round(current[effort] * 100):
        return settings
    mix = rebalance(current, effort, share)
    return settings.changed({POLICY: "fixed", **{f"{MIX}.{e}": v for e, v in mix.items()}})


# --- the mechanisms ----------------------------------------------------------------------------------


def mechanisms(settings: Settings) -> dict[str, bool]:
    return {name: bool(settings.value(f"mechanisms.{name}")) for name in MECHANISMS}


def with_mechanism(settings: Settings, name: str, on: bool) -> Settings:
    return settings.changed({f"mechanisms.{name}": bool(on)})


# --- the development pool ------------------------------------------------------------------------


def pool_available(preset: str = "baseline") -> bool:
    """Whether the scenario schema has the pool lever (a user's older install may lack it)."""
    try:
        _scenario(preset, ((POOL["enabled"], False),))
    except InputError:
        return False
    return True


def pool(settings: Settings) -> dict[str, Any]:
    """Pool on/off, size (MDKK a year) and start year; the lever's defaults where it has none."""
    values = {k: settings.value(path) for k, path in POOL.items()}
    values = {k: POOL_DEFAULTS[k] if v is None else v for k, v in values.items()}
    return {"enabled": bool(values["enabled"]), "size": float(values["size"]),
            "start_year": int(str(values["start"])[:4])}


def with_pool(settings: Settings, enabled: bool, size: float, start_year: int) -> Settings:
    """The pool's three fields; the start is the January of the year chosen."""
    return settings.changed({POOL["enabled"]: bool(enabled), POOL["size"]: float(size),
                             POOL["start"]: f"{int(start_year):04d}-01"})


def describe(settings: Settings) -> list[str]:
    """The changes from the preset, one 'path = value' line each, for the page."""
    return [f"{path} = {value}" for path, value in settings.changes]

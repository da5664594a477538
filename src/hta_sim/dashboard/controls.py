"""The sidebar's controls: scenario and seed, the six tactical efforts, the mechanisms, the pool.

Each control turns a move into new ``Settings`` and hands them to ``apply``, which validates them
and starts a fresh run; a control never touches the model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from ..mechanisms import NAMES as MECHANISMS
from ..scenario import preset_names
from ..vocabulary import EFFORTS
from . import settings as st
from .runs import ENSEMBLE_REPLICATES
from .settings import Settings

Apply = Callable[[Settings], None]


@solara.component
def ScenarioControls(settings: Settings, apply: Apply, error: str | None) -> None:
    with solara.Card("Scenario"):
        solara.Select("preset", value=settings.preset, values=preset_names(),
                      on_value=lambda name: apply(st.for_preset(name, settings.seed, settings.run)))
        solara.InputInt("seed", value=settings.seed,
                        on_value=lambda seed: apply(Settings(settings.preset, max(int(seed or 0), 0),
                                                             settings.run, settings.changes)))
        solara.SliderInt(f"run played live (of {ENSEMBLE_REPLICATES})", value=settings.run, min=0,
                         max=ENSEMBLE_REPLICATES - 1,
                         on_value=lambda run: apply(Settings(settings.preset, settings.seed, int(run),
                                                             settings.changes)))
        changes = st.describe(settings)
        solara.Markdown("**Changes from the preset:** " + (", ".join(f"`{c}`" for c in changes)
                                                           if changes else "none"))
        if error:
            solara.Error(error)


@solara.component
def EffortControls(settings: Settings, apply: Apply) -> None:
    shares = st.efforts(settings)
    staff = float(settings.value("secretariat.staff"))
    with solara.Card("The secretariat's six efforts"):
        solara.Markdown(f"Shares of its {staff:g} FTE; they always sum to 1: moving one rescales the "
                        "others.")
        if settings.value(st.POLICY) != "fixed":
            solara.Info(f"This preset's secretariat follows the '{settings.value(st.POLICY)}' policy; "
                        "moving a slider gives it this fixed mix instead.")
        for effort in EFFORTS:
            solara.SliderFloat(f"{effort.replace('_', ' ')} ({shares[effort] * staff:.2f} FTE)",
                               value=shares[effort], min=0.0, max=1.0, step=0.01,
                               on_value=lambda v, e=effort: apply(st.with_effort(settings, e, v)))


@solara.component
def MechanismControls(settings: Settings, apply: Apply) -> None:
    on = st.mechanisms(settings)
    with solara.Card("Mechanisms"):
        for name in MECHANISMS:
            solara.Switch(label=name, value=on[name],
                          on_value=lambda v, n=name: apply(st.with_mechanism(settings, n, v)))


@solara.component
def PoolControls(settings: Settings, apply: Apply) -> None:
    available = st.pool_available(settings.preset)
    current = st.pool(settings)

    def move(**kw: Any) -> None:
        apply(st.with_pool(settings, **({"enabled": current["enabled"], "size": current["size"],
                                         "start_year": current["start_year"]} | kw)))

    with solara.Card("Development pool"):
        if not available:
            solara.Warning(f"Disabled: {st.POOL_MISSING}.")
        solara.Switch(label="pool on", value=current["enabled"], disabled=not available,
                      on_value=lambda v: move(enabled=v))
        solara.SliderFloat("size (MDKK a year)", value=current["size"], min=0.0, max=20.0, step=0.5,
                           disabled=not available, on_value=lambda v: move(size=v))
        solara.SliderInt("start year", value=current["start_year"], min=2017, max=2027,
                         disabled=not available, on_value=lambda v: move(start_year=v))

"""The model's documented patterns, checked on the best candidates before one is shipped.

The fit ranks candidates by their discrepancy from the targets; the shipped values must also keep
what docs/ODD.md promises and tests/test_dip.py checks: the AB below the board in 2018-19, a gap that
closes with the board/AB split switched off, no dip without the results lag, a deeper or later dip
with slower initiatives, a shallower one with more communication effort. Each check runs all
candidates' variants in one batch, with a margin, since the tests use other replicates. The sign of
each mechanism's ablation is recorded (docs/ODD.md's ablation table), not required.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..arrays import Array
from ..mechanisms import NAMES
from ..scenario import Scenario
from . import space as sp
from .distance import GAP_MONTHS
from .simulate import Simulator, depth

MARGIN_GAP, GAP_RATIO, LAG_OFF_MAX = 0.005, 0.30, 0.04  # tests: > 0, < 0.35, < 0.05
DIP_SAFE = (0.07, 0.26)


def variants(base: Scenario) -> dict[str, dict[str, Any]]:
    """Changes that make each checked variant, as in tests/test_dip.py (dotted path -> value)."""
    out: dict[str, dict[str, Any]] = {"fitted": {}}
    out |= {f"{m} off": {f"mechanisms.{m}": False} for m in NAMES}
    out["slower initiatives"] = {"initiatives.pilot_months": 24.0, "initiatives.running_months": 48.0}
    mix = base.secretariat.mix.model_dump()
    for effort in ("data_collection", "campaign"):
        rest = 1.0 - mix[effort]
        out[f"more {effort}"] = {"secretariat.mix": {
            k: (v * (rest - 0.10) / rest if k != effort else v + 0.10) for k, v in mix.items()}}
    return out


def check(base: Scenario, X: Array, simulate: Simulator) -> pd.DataFrame:
    """One row per candidate: each check's measure and whether all hard checks pass."""
    vs = variants(base)
    scenarios = [sp.scenario(base, x).with_changes(ch) if ch else sp.scenario(base, x)
                 for x in X for ch in vs.values()]
    b = simulate(scenarios)
    n, v = len(X), len(vs)
    names = list(vs)
    d = depth(b.engagement.mean(axis=1)).reshape(n, v)
    gap = b.board_minus_ab[:, slice(*GAP_MONTHS)].reshape(n, v, -1)
    trough = b.trough_step.reshape(n, v)
    at = {name: i for i, name in enumerate(names)}
    on, split_off = gap[:, at["fitted"]], gap[:, at["board_ab_split off"]]
    rows = pd.DataFrame({
        "depth": d[:, 0],
        "ab_below_board_min_gap": on.min(axis=1),
        "gap_off_over_on": np.abs(split_off).mean(axis=1) / np.maximum(on.mean(axis=1), 1e-9),
        "results_lag_off_depth": d[:, at["results_lag off"]],
        "slower_deeper_or_later": (d[:, at["slower initiatives"]] > d[:, 0])
        | (trough[:, at["slower initiatives"]] > trough[:, 0]),
        "communication_shallower": (d[:, at["more data_collection"]] < d[:, 0])
        & (d[:, at["more campaign"]] < d[:, 0]),
    })
    for m in NAMES:
        rows[f"ablation_{m}"] = d[:, at[f"{m} off"]] - d[:, 0]
    rows["passes"] = (
        (rows["depth"].between(*DIP_SAFE)) & (rows["ab_below_board_min_gap"] > MARGIN_GAP)
        & (rows["gap_off_over_on"] < GAP_RATIO) & (rows["results_lag_off_depth"] < LAG_OFF_MAX)
        & rows["slower_deeper_or_later"] & rows["communication_shallower"])
    rows["smallest_ablation_change"] = rows[[f"ablation_{m}" for m in NAMES]].abs().min(axis=1)
    return rows


def candidates(population: Array, energies: Array, draws: Array, draw_energies:
               Array, k: int) -> tuple[Array, Array]:
    """The k best distinct candidates of the optimiser's population and the posterior draws."""
    X = np.vstack([population, draws])
    e = np.concatenate([energies, draw_energies])
    X = np.array([[f.value(v) for f, v in zip(sp.FREE, x, strict=True)] for x in X])
    _, first = np.unique(np.round(X, 10), axis=0, return_index=True)
    keep = first[np.argsort(e[first])][:k]
    return X[keep], e[keep]

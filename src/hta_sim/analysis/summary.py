"""A one-page summary of a comparison in plain words, for a board member.

It reads the paired per-replicate outcomes (``compare.Comparison.outcomes``): for each scenario
against the first, and for each of the world's inflow paths, the effect on the national count of
homeless young people, the young people housed, what the places cost, and how far the two paths
disagree. Every figure is a median with its 95 % interval over replicates; counts are whole people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PATH_WORDS = {"trend": "if the 2009-17 growth in new cases goes on",
              "flat": "if new cases stay at their 2015-17 level"}


def plain_summary(outcomes: pd.DataFrame, order: list[str], seed: int, posterior: str) -> str:
    """The summary's markdown text."""
    reference = order[0]
    n = int(outcomes["replicate"].nunique())
    lines = [f"# What the scenarios change, against `{reference}`", "",
             f"{n} paired runs per scenario and inflow path (seed {seed}); each run of a scenario "
             f"shares its random numbers with the same run of `{reference}`, so the differences "
             "below are the scenarios' own effects. Ranges are 95 % intervals over runs. "
             f"Parameter uncertainty: {posterior}.", ""]
    for name in order[1:]:
        lines += [f"## `{name}`", ""]
        effects: dict[str, float] = {}
        for path, g in outcomes.groupby("inflow_path", sort=False):
            d = paired(g, name, reference)
            effects[str(path)] = float(d["homeless_2027"].median())
            lines += [f"**{PATH_WORDS.get(str(path), str(path))}** ({path}):", ""]
            lines += [f"- {line}" for line in _path_lines(g, d, name, reference)]
            lines.append("")
        if len(effects) > 1:
            lines += [_spread(outcomes, reference, effects), ""]
    return "\n".join(lines)


def paired(g: pd.DataFrame, name: str, reference: str) -> pd.DataFrame:
    """Per replicate, the scenario's outcomes minus the reference's (same replicate numbers)."""
    mine = g[g["scenario"] == name].set_index("replicate").drop(columns=["scenario", "inflow_path"])
    base = g[g["scenario"] == reference].set_index("replicate").drop(columns=["scenario", "inflow_path"])
    return (mine - base).dropna(how="all")


def _path_lines(g: pd.DataFrame, d: pd.DataFrame, name: str, reference: str) -> list[str]:
    mine = g[g["scenario"] == name]
    lines = []
    for year in (2022, 2027):
        key = f"homeless_{year}"
        if d[key].notna().any():
            lines.append(f"National count, February {year}: {_count(mine[key].median())} homeless young "
                         f"people; the difference from `{reference}` is {_interval(d[key])}.")
    lines.append(f"Young people housed through the alliance's solutions by the end: "
                 f"{_count(mine['homes_2027'].median())}; {_interval(d['homes_2027'])} more than "
                 f"`{reference}`.")
    cost = d["cost_mdkk"]
    lines.append(f"The solutions' places cost {_interval(cost, money=True)} MDKK more.")
    extra, fewer = d["homes_2027"].mean(), -d["homeless_2027"].mean()
    if extra > 0:
        lines.append(f"That is about {cost.mean() * 1e6 / extra:,.0f} DKK per additional young person "
                     "housed (mean extra cost over mean extra young people housed).")
    if fewer > 0:
        lines.append(f"Counted against the February 2027 count instead, it is about "
                     f"{cost.mean() * 1e6 / fewer:,.0f} DKK per young person fewer: many of those "
                     "housed would have left homelessness by other routes.")
    return lines


def _spread(outcomes: pd.DataFrame, reference: str, effects: dict[str, float]) -> str:
    """How far the inflow paths apart move the count, against how far the scenario moves it."""
    base = outcomes[outcomes["scenario"] == reference].groupby("inflow_path")["homeless_2027"].median()
    low, high = min(effects.values()), max(effects.values())
    apart = float(base.max() - base.min())
    more = "more" if apart > max(abs(low), abs(high)) else "less"
    return (f"Between the two inflow paths the median effect on the 2027 count runs from {_count(low)} to "
            f"{_count(high)} young people, while `{reference}`'s own 2027 count differs between them by "
            f"{_count(apart)}: the inflow, which nobody steers, moves the count {more} than the "
            "scenario does.")


def _count(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{round(x):,}"


def _interval(x: pd.Series, money: bool = False) -> str:
    def fmt(v: float) -> str:
        return f"{v:,.1f}" if money else _count(v)

    return f"{fmt(float(x.median()))} ({fmt(float(x.quantile(0.025)))} to {fmt(float(x.quantile(0.975)))})"

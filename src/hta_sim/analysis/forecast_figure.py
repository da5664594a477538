"""The forecast's figures: one per family of quantities, each with its median, 50 % and 90 % bands.

They read only the tidy table (forecast.csv's rows), so they can be redrawn from a saved folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..figures import COUNTED, GOAL_DATE, parameter_label
from ..vocabulary import BODIES, PULSE_PARAMETERS, SOLUTIONS
from ..world import evidence

PATH_COLOURS = {"flat": "#2e7d32", "trend": "#c62828"}
PATH_WORDS = {"flat": "new cases stay at their 2015-17 level", "trend": "the 2009-17 growth goes on"}
TYPE_COLOURS = dict(zip(SOLUTIONS, ("#6a1b9a", "#ef6c00", "#2e7d32"), strict=True))
BODY_COLOURS = {"board": "#1f4e79", "ab": "#c55a11", "mean": "#444444"}


def bands(ax: Axes, table: pd.DataFrame, quantity: str, colour: str, label: str) -> None:
    """The median (line) with the 50 % (darker) and 90 % (lighter) bands of one quantity."""
    rows = table[table["quantity"] == quantity]
    when = pd.to_datetime(rows["date"], format="%Y-%m")
    ax.fill_between(when, rows["p05"], rows["p95"], color=colour, alpha=0.15, lw=0)
    ax.fill_between(when, rows["p25"], rows["p75"], color=colour, alpha=0.3, lw=0)
    ax.plot(when, rows["median"], color=colour, lw=2, marker="o", ms=3, label=label)


def legend(ax: Axes, ncol: int = 2) -> None:
    """Below the axes, so it never hides a band."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncol=ncol, frameon=False)


def homeless(table: pd.DataFrame) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for path, colour in PATH_COLOURS.items():
        bands(ax, table, f"homeless_young_people_{path}", colour, f"if {PATH_WORDS[path]} ({path})")
    count = evidence.goal_count()
    ax.plot([COUNTED], [count], "ks", ms=6, label=f"national count {evidence.GOAL_YEAR}: {count:,}")
    ax.plot([GOAL_DATE], [0], "k*", ms=11, label="the goal: none homeless by Dec 2027")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_ylabel("homeless young people aged 18-29, February")
    ax.set_title("The national count, by the inflow of new cases")
    legend(ax)
    return fig


def partners(table: pd.DataFrame) -> Figure:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    bands(left, table, "active_partners", "#1f4e79", "active partners, December")
    left.set_ylim(bottom=0)
    left.set_title("Partners in the alliance at each year end")
    bands(right, table, "ab_meets", "#c55a11", "share of runs in which the AB still meets")
    right.set_ylim(-0.02, 1.02)
    right.set_title("The advisory board still meets (share of runs), December")
    legend(left)
    legend(right)
    return fig


def by_type(prefix: str, ylabel: str, title: str) -> Callable[[pd.DataFrame], Figure]:
    def draw(table: pd.DataFrame) -> Figure:
        fig, ax = plt.subplots(figsize=(9, 4.8))
        for kind, colour in TYPE_COLOURS.items():
            bands(ax, table, f"{prefix}_{kind}", colour, kind.replace("_", " "))
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        legend(ax, ncol=3)
        return fig

    return draw


def engagement(table: pd.DataFrame) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for who, colour in BODY_COLOURS.items():
        label = "all partners" if who == "mean" else ("advisory board" if who == "ab" else "board")
        bands(ax, table, f"engagement_{who}", colour, label)
    ax.set_ylim(0, 1)
    ax.set_ylabel("engagement (0-1)")
    ax.set_title("Partner engagement at each pulse date")
    legend(ax, ncol=3)
    return fig


def pulse(table: pd.DataFrame) -> Figure:
    fig, axes = plt.subplots(2, 4, figsize=(15, 7), sharey=True, sharex=True)
    for k, ax in enumerate(axes.ravel()):
        for body in BODIES:
            bands(ax, table, f"pulse_{body}_{PULSE_PARAMETERS[k]}", BODY_COLOURS[body],
                  "advisory board" if body == "ab" else "board")
        ax.set_title(parameter_label(k).replace("\n", " "), fontsize=9)
        ax.set_ylim(1, 5)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes[0, 0].set_ylabel("score (1-5)")
    axes[1, 0].set_ylabel("score (1-5)")
    fig.suptitle("The eight pulse scores, board and advisory board, at each pulse date")
    axes[1, 0].legend(loc="lower left", fontsize=8, frameon=False)
    return fig


def staff(table: pd.DataFrame) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bands(ax, table, "secretariat_staff", "#444444", "paid staff (FTE), December")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("full-time equivalents")
    ax.set_title("The secretariat's paid staff at each year end")
    legend(ax)
    return fig


FIGURES: dict[str, Callable[[pd.DataFrame], Figure]] = {
    "homeless": homeless,
    "partners": partners,
    "housed": by_type("housed", "young people housed (cumulative)",
                      "Young people housed through the alliance's solutions, cumulative, December"),
    "municipalities": by_type("municipalities", "municipalities running the type",
                              "Municipalities running each solution type, December"),
    "engagement": engagement,
    "pulse": pulse,
    "staff": staff,
}


def figures(table: pd.DataFrame, folder: Path, scenario: str) -> list[str]:
    """Write every figure as PNG into ``folder``; returns their file names."""
    written = []
    for name, draw in FIGURES.items():
        fig = draw(table)
        fig.text(0.99, 0.005, f"{scenario}: median, 50 % and 90 % bands over runs", ha="right",
                 fontsize=7, color="grey")
        fig.tight_layout()
        fig.savefig(folder / f"{name}.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(f"{name}.png")
    return written

"""The standard figures: the fig. 7.1 replica, the trust ladder, homes against the goal, the pulse radar.

Every figure reads only the tidy tables, so it can be redrawn from a saved result folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .vocabulary import (
    HOMES_GOAL,
    PHASES,
    PULSE_PARAMETERS,
    RUNGS,
    SEED_SCORES_2018,
)

if TYPE_CHECKING:
    from .results import Results

PHASE_COLOURS = {"building": "#dbe9f6", "piloting": "#fdeccd", "scaling": "#dcefd8"}
BODY_COLOURS = {"board": "#1f4e79", "ab": "#c55a11", "mean": "#444444"}
EVALUATION = np.datetime64("2018-10-01")
ASSOCIATION = np.datetime64("2017-08-01")  # the association forms: board and AB (seed §1)


def band(traj: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 90 % band of a column over replicates, by date."""
    g = traj.groupby("date")[column]
    return pd.DataFrame({"median": g.median(), "lo": g.quantile(0.05), "hi": g.quantile(0.95)})


def dominant_phase(traj: pd.DataFrame) -> pd.Series:
    """The phase most replicates are in, by date."""
    return traj.groupby("date")["phase"].agg(lambda s: s.value_counts().idxmax())


def shade_phases(ax: plt.Axes, traj: pd.DataFrame) -> None:
    phase = dominant_phase(traj)
    dates = phase.index.to_numpy()
    step = np.timedelta64(31, "D")
    start = 0
    for i in range(1, len(dates) + 1):
        if i == len(dates) or phase.iloc[i] != phase.iloc[start]:
            ax.axvspan(dates[start], dates[i - 1] + step, color=PHASE_COLOURS[phase.iloc[start]],
                       lw=0, zorder=0)
            start = i
    for name in PHASES:
        ax.fill_between([], [], color=PHASE_COLOURS[name], label=f"phase: {name}")


def engagement(traj: pd.DataFrame, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Fig. 7.1 replica: board and AB engagement, median and 90 % band, phases shaded."""
    ax = ax or plt.subplots(figsize=(9, 4.5))[1]
    shade_phases(ax, traj)
    for body in ("board", "ab"):
        b = band(traj, f"engagement_{body}")
        label = "board" if body == "board" else "advisory board (AB)"
        ax.fill_between(b.index, b["lo"], b["hi"], color=BODY_COLOURS[body], alpha=0.2, lw=0)
        ax.plot(b.index, b["median"], color=BODY_COLOURS[body], lw=2, label=f"{label}, median")
    m = traj.groupby("date")["engagement_mean"].mean()
    ax.plot(m.index, m.to_numpy(), color=BODY_COLOURS["mean"], lw=1, ls="--",
            label="all partners, mean")
    if traj["date"].min() <= EVALUATION <= traj["date"].max():
        ax.axvline(EVALUATION, color="black", lw=1, ls=":")
        ax.annotate("evaluation\nOct 2018", (EVALUATION, 0.02), fontsize=8, ha="left")
    ax.set_ylim(0, 1)
    ax.set_ylabel("engagement (0-1)")
    ax.set_title(title or "Partner engagement: build-up, dip and recovery (cf. seed fig. 7.1)")
    ax.legend(loc="upper right", fontsize=8, ncol=2)
    return ax


def trust_ladder(traj: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    ax = ax or plt.subplots(figsize=(9, 4.5))[1]
    counts = traj.groupby("date")[[f"rung_{r}" for r in RUNGS]].mean()
    colours = plt.cm.viridis(np.linspace(0.05, 0.95, len(RUNGS)))
    ax.stackplot(counts.index, counts.to_numpy().T, labels=[r.replace("_", "-") for r in RUNGS],
                 colors=colours)
    ax.set_ylabel("partners (mean over replicates)")
    ax.set_title("The trust ladder over time")
    ax.legend(loc="upper left", fontsize=7, ncol=2)
    return ax


def homes(traj: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Homes created through the alliance's initiatives against a straight path to the goal."""
    ax = ax or plt.subplots(figsize=(9, 4.5))[1]
    b = band(traj, "homes_created")
    ax.fill_between(b.index, b["lo"], b["hi"], color="#2e7d32", alpha=0.25, lw=0, label="90 % band")
    ax.plot(b.index, b["median"], color="#2e7d32", lw=2, label="homes created, median")
    start, end = b.index.min(), np.datetime64("2027-01-01")
    ax.plot([start, end], [0, HOMES_GOAL], color="grey", ls="--",
            label=f"straight path to {HOMES_GOAL:,} by 2027")
    ax.set_ylabel("young people given a home (cumulative)")
    ax.set_title("Homes created through the alliance's initiatives")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def radar(pulse: pd.DataFrame, date: str = "2018-10-01", fig: plt.Figure | None = None) -> plt.Figure:
    """The pulse at one date, board and AB, simulated median against the seed's 2018 scores."""
    fig = fig or plt.figure(figsize=(10, 4.8))
    at = pulse[pulse["date"] == np.datetime64(date)]
    angles = np.linspace(0, 2 * np.pi, len(PULSE_PARAMETERS), endpoint=False)
    closed = np.append(angles, angles[0])
    for i, body in enumerate(("board", "ab")):
        ax = fig.add_subplot(1, 2, i + 1, projection="polar")
        sim = at[at["body"] == body].groupby("parameter")["score"].median().reindex(range(1, 9))
        seed = np.array(SEED_SCORES_2018[body], dtype=float)
        ax.plot(closed, np.append(seed, seed[0]), color="black", lw=1.5, ls="--",
                label="seed (evaluators' scores)")
        ax.plot(closed, np.append(sim.to_numpy(), sim.to_numpy()[0]), color=BODY_COLOURS[body],
                lw=2, label="simulated median")
        ax.fill(closed, np.append(sim.to_numpy(), sim.to_numpy()[0]), color=BODY_COLOURS[body],
                alpha=0.15)
        ax.set_xticks(angles, [f"{k + 1} {n.replace('_', ' ')}" for k, n in
                               enumerate(PULSE_PARAMETERS)], fontsize=7)
        ax.set_ylim(0, 5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_title("board" if body == "board" else "advisory board (AB)", pad=24)
        if i == 1:
            ax.legend(loc="lower right", bbox_to_anchor=(1.35, -0.15), fontsize=8)
    fig.suptitle(f"Pulse measurement {date[:7]} (cf. seed fig. 6.1)", y=1.04)
    return fig


def standard(res: Results, folder: Path) -> list[str]:
    """Write the four standard figures as PNG into ``folder``; returns their file names."""
    written = []
    for name, draw in (("fig71_engagement", engagement), ("trust_ladder", trust_ladder),
                       ("homes", homes)):
        ax = draw(res.trajectories)
        ax.figure.tight_layout()
        ax.figure.savefig(folder / f"{name}.png", dpi=120)
        plt.close(ax.figure)
        written.append(f"{name}.png")
    dates = sorted(res.pulse["date"].unique())
    if dates:
        when = EVALUATION if EVALUATION in dates else dates[0]
        fig = radar(res.pulse, str(when)[:10])
        fig.savefig(folder / "pulse_radar.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append("pulse_radar.png")
    return written


def comparison(traj: pd.DataFrame, order: list[str]) -> plt.Figure:
    """Engagement and homes per scenario (median, 90 % band), and each scenario's paired difference
    in engagement from the first (median, 90 % band).
    """
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colours = plt.cm.tab10(np.arange(len(order)) % 10)
    wide = traj.pivot_table(index=["replicate", "date"], columns="scenario",
                            values=["engagement_mean", "homes_created"])
    for colour, name in zip(colours, order, strict=True):
        for ax, col in zip(axes[:2], ("engagement_mean", "homes_created"), strict=True):
            g = wide[(col, name)].groupby(level="date")
            ax.fill_between(g.median().index, g.quantile(0.05), g.quantile(0.95), color=colour,
                            alpha=0.12, lw=0)
            ax.plot(g.median().index, g.median(), color=colour, lw=2, label=name)
        if name != order[0]:
            diff = (wide[("engagement_mean", name)] - wide[("engagement_mean", order[0])])
            g = diff.groupby(level="date")
            axes[2].fill_between(g.median().index, g.quantile(0.05), g.quantile(0.95),
                                 color=colour, alpha=0.15, lw=0)
            axes[2].plot(g.median().index, g.median(), color=colour, lw=2, label=name)
    axes[0].set_title("Mean partner engagement")
    axes[0].set_ylim(0, 1)
    axes[1].set_title("Homes created (cumulative)")
    axes[2].axhline(0, color="black", lw=0.8)
    axes[2].set_title(f"Engagement minus {order[0]}, same replicates")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("Scenario comparison: median and 90 % band over replicates (paired)")
    fig.tight_layout()
    return fig

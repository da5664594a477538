"""The standard figures: the fig. 7.1 replica, the trust ladder, the national count against the goal
with young people housed by type, the pulse radar.

Every figure reads only the tidy tables, so it can be redrawn from a saved result folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .params import CENSUS_MONTH
from .vocabulary import (
    PHASES,
    PULSE_PARAMETERS,
    RUNGS,
    SEED_SCORES_2018,
    SOLUTIONS,
)
from .world import evidence

if TYPE_CHECKING:
    from .results import Results

PHASE_COLOURS = {"building": "#dbe9f6", "piloting": "#fdeccd", "scaling": "#dcefd8"}
BODY_COLOURS = {"board": "#1f4e79", "ab": "#c55a11", "mean": "#444444"}
EVALUATION = np.datetime64("2018-10-01")
GOAL_DATE = np.datetime64("2027-12-01")  # "by 2027": the last month of the default run
#: The month of the national count the goal starts from (week 6, February).
COUNTED = np.datetime64(f"{evidence.GOAL_YEAR}-{CENSUS_MONTH + 1:02d}-01")
ASSOCIATION = np.datetime64("2017-08-01")  # the association forms: board and AB (seed §1)


def band(traj: pd.DataFrame, column: str) -> pd.DataFrame:
    """Median and 90 % band of a column over replicates, by date."""
    g = traj.groupby("date")[column]
    return pd.DataFrame({"median": g.median(), "lo": g.quantile(0.05), "hi": g.quantile(0.95)})


def dominant_phase(traj: pd.DataFrame) -> pd.Series:
    """The phase most replicates are in, by date."""
    return traj.groupby("date")["phase"].agg(lambda s: s.value_counts().idxmax())


def shade_phases(ax: Axes, traj: pd.DataFrame, named: bool = False) -> None:
    """Shade the phase most replicates are in; ``named`` writes each phase's name on it (top)
    instead of giving the legend three more entries.
    """
    phase = dominant_phase(traj)
    dates = phase.index.to_numpy()
    step = np.timedelta64(31, "D")
    start, shown = 0, 0
    for i in range(1, len(dates) + 1):
        if i == len(dates) or phase.iloc[i] != phase.iloc[start]:
            ax.axvspan(dates[start], dates[i - 1] + step, color=PHASE_COLOURS[phase.iloc[start]],
                       lw=0, zorder=0)
            if named:  # alternate rows: the building phase is too short to hold its name alone
                ax.annotate(f"{phase.iloc[start]} phase", (dates[start], 1.0),
                            xycoords=("data", "axes fraction"), xytext=(3, -3 - 11 * (shown % 2)),
                            textcoords="offset points",
                            ha="left", va="top", fontsize=8, color="#555555", style="italic")
                shown += 1
            start = i
    if not named:
        for name in PHASES:
            ax.fill_between([], [], color=PHASE_COLOURS[name], label=f"phase: {name}")


def mark_events(ax: Axes, traj: pd.DataFrame, y: float) -> None:
    """The August 2017 association and the October 2018 evaluation, where the run covers them."""
    first, last = traj["date"].min(), traj["date"].max()
    marks: tuple[tuple[Any, str, str], ...] = ((ASSOCIATION, "association\nAug 2017", "right"),
                                               (EVALUATION, "evaluation\nOct 2018", "left"))
    for when, text, side in marks:  # 14 months apart: the labels face away from each other
        if first <= when <= last:
            ax.axvline(when, color="black", lw=1, ls=":")
            ax.annotate(text, (when, y), fontsize=8, ha=side, va="bottom",
                        xytext=(3 if side == "left" else -3, 0), textcoords="offset points")


def engagement_limits(traj: pd.DataFrame) -> tuple[float, float]:
    """The y-range the bands need (5-95 % of replicates, both bodies), on a 0.1 grid, within 0-1."""
    lo = min(band(traj, f"engagement_{b}")["lo"].min() for b in ("board", "ab"))
    lo = min(lo, float(traj.groupby("date")["engagement_mean"].mean().min()))
    return max(0.0, np.floor(lo * 10 - 0.5) / 10), 1.0


def engagement(traj: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Fig. 7.1 replica: board and AB engagement, median and 90 % band, phases shaded."""
    ax = ax or plt.subplots(figsize=(9, 4.8))[1]
    shade_phases(ax, traj, named=True)
    for body in ("board", "ab"):
        b = band(traj, f"engagement_{body}")
        label = "board" if body == "board" else "advisory board (AB)"
        ax.fill_between(b.index, b["lo"], b["hi"], color=BODY_COLOURS[body], alpha=0.2, lw=0)
        ax.plot(b.index, b["median"], color=BODY_COLOURS[body], lw=2, label=f"{label}, median")
    m = traj.groupby("date")["engagement_mean"].mean()
    ax.plot(m.index, m.to_numpy(), color=BODY_COLOURS["mean"], lw=1, ls="--",
            label="all partners, mean")
    lo, hi = engagement_limits(traj)
    mark_events(ax, traj, lo + 0.01)
    ax.set_ylim(lo, hi)
    ax.set_ylabel("engagement (0-1)")
    ax.set_title(title or "Partner engagement: build-up, dip and recovery (cf. seed fig. 7.1)")
    # below the axes: inside, any corner covers a median somewhere in twelve years
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8, ncol=3, frameon=False)
    return ax


def trust_ladder(traj: pd.DataFrame, ax: Axes | None = None) -> Axes:
    ax = ax or plt.subplots(figsize=(9, 4.5))[1]
    counts = traj.groupby("date")[[f"rung_{r}" for r in RUNGS]].mean()
    colours = plt.cm.viridis(np.linspace(0.05, 0.95, len(RUNGS)))
    occupied = [k for k, r in enumerate(RUNGS) if counts[f"rung_{r}"].max() > 0]  # never-empty rungs
    ax.stackplot(counts.index, counts.to_numpy().T[occupied],
                 labels=[RUNGS[k].replace("_", "-") for k in occupied], colors=colours[occupied])
    ax.set_ylabel("partners (mean over replicates)")
    ax.set_title("The trust ladder over time")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="rung (colour)",
              borderaxespad=0)
    return ax


def goal_marks(ax: Axes, size: float, path_label: str) -> None:
    """The count the goal starts from (a black square) and a straight path from it to none by
    GOAL_DATE: the yardstick of every figure of the count."""
    count = evidence.goal_count()
    ax.plot([COUNTED], [count], "ks", ms=size, label=f"national count {evidence.GOAL_YEAR}: {count:,}")
    ax.plot([COUNTED, GOAL_DATE], [count, 0], color="grey", ls=":", label=path_label)


def homes(traj: pd.DataFrame, ax: Axes | None = None, without: pd.DataFrame | None = None) -> Axes:
    """The national count of homeless young people (February of each year; with and without the
    alliance when ``without``, a no-alliance run on the same random numbers, is given) against the
    2017 count and the goal of none by 2027; beside it, young people housed by solution type."""
    right: Axes | None = None
    if ax is None:  # the standard figure: the count, and housed by type beside it
        _, (ax, right) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    february = traj[traj["date"].dt.month == CENSUS_MONTH + 1]  # the count is taken in week 6
    b = band(february, "homeless_youth")
    ax.fill_between(b.index, b["lo"], b["hi"], color="#1565c0", alpha=0.2, lw=0, label="90 % band")
    ax.plot(b.index, b["median"], color="#1565c0", lw=2, marker="o", ms=3,
            label="homeless young people, February, median")
    if without is not None:
        w = band(without[without["date"].dt.month == CENSUS_MONTH + 1], "homeless_youth")
        ax.plot(w.index, w["median"], color="#c62828", lw=1.5, ls="--", label="without the alliance")
    goal_marks(ax, 6, "straight path to none homeless by Dec 2027")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("homeless young people aged 18-29")
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_title("The national count (the seed's goal: a home for all by 2027)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=2, frameon=False)
    if right is not None:
        _housed_by_type(traj, right)
    return ax


def _housed_by_type(traj: pd.DataFrame, ax: Axes) -> None:
    """Cumulative young people housed through each solution type, median over replicates."""
    colours = ("#6a1b9a", "#ef6c00", "#2e7d32")
    for colour, kind in zip(colours, SOLUTIONS, strict=True):
        b = band(traj, f"housed_{kind}")
        ax.plot(b.index, b["median"], color=colour, lw=2, label=kind.replace("_", " "))
    ax.set_ylabel("young people housed (cumulative, median)")
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_title("Housed through the alliance's solutions, by type")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=3, frameon=False)


def parameter_label(k: int) -> str:
    """'1 shared\nview': the pulse parameter's number and name, broken after the first word."""
    first, *rest = PULSE_PARAMETERS[k].split("_")
    return f"{k + 1} {first}" + (f"\n{' '.join(rest)}" if rest else "")


def radar(pulse: pd.DataFrame, date: str = "2018-10-01", fig: Figure | None = None) -> Figure:
    """The pulse at one date, board and AB, simulated median against the seed's 2018 scores."""
    fig = fig or plt.figure(figsize=(11, 5.4))
    at = pulse[pulse["date"] == np.datetime64(date)]
    angles = np.linspace(0, 2 * np.pi, len(PULSE_PARAMETERS), endpoint=False)
    closed = np.append(angles, angles[0])
    handles = [Line2D([], [], color="black", lw=1.5, ls="--", label="seed (evaluators' scores)")]
    for i, body in enumerate(("board", "ab")):
        ax: Any = fig.add_subplot(1, 2, i + 1, projection="polar")  # PolarAxes; stubs say Axes
        sim = at[at["body"] == body].groupby("parameter")["score"].median().reindex(range(1, 9))
        seed = np.array(SEED_SCORES_2018[body], dtype=float)
        ax.plot(closed, np.append(seed, seed[0]), color="black", lw=1.5, ls="--")
        name = "board" if body == "board" else "advisory board (AB)"
        line = ax.plot(closed, np.append(sim.to_numpy(), sim.to_numpy()[0]), color=BODY_COLOURS[body],
                       lw=2, label=f"{name}, simulated median")[0]
        handles.append(line)
        ax.fill(closed, np.append(sim.to_numpy(), sim.to_numpy()[0]), color=BODY_COLOURS[body],
                alpha=0.15)
        ax.set_xticks(angles, [parameter_label(k) for k in range(len(PULSE_PARAMETERS))], fontsize=8)
        ax.tick_params(axis="x", pad=6)
        ax.set_ylim(0, 5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.set_rlabel_position(22.5)  # between parameters 1 and 2, clear of their names
        ax.set_title(name, pad=28)
    fig.subplots_adjust(left=0.08, right=0.92, wspace=0.55, bottom=0.14, top=0.76)
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(f"Pulse measurement {date[:7]} (cf. seed fig. 6.1)", y=0.99)
    return fig


def standard(res: Results, folder: Path) -> list[str]:
    """Write the four standard figures as PNG into ``folder``; returns their file names."""
    written = []
    for name, draw in (("fig71_engagement", engagement), ("trust_ladder", trust_ladder),
                       ("homes", homes)):
        fig = draw(res.trajectories).get_figure(root=True)
        assert isinstance(fig, Figure)
        fig.tight_layout()
        fig.savefig(folder / f"{name}.png", dpi=120, bbox_inches="tight")  # legends outside
        plt.close(fig)
        written.append(f"{name}.png")
    dates = sorted(res.pulse["date"].unique())
    if dates:
        when = EVALUATION if EVALUATION in dates else dates[0]
        fig = radar(res.pulse, str(when)[:10])
        fig.savefig(folder / "pulse_radar.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append("pulse_radar.png")
    return written


LINESTYLES = ("-", "--", "-.", ":")


def comparison(traj: pd.DataFrame, order: list[str]) -> Figure:
    """Engagement and homes per scenario (median, 90 % band) on top; below, each scenario's paired
    difference from the first (same replicates): median and 90 % band, engagement and homes.
    """
    fig, axes = plt.subplots(2, 2, figsize=(14, 8.5), sharex=True)
    colours = plt.cm.tab10(np.arange(len(order)) % 10)
    wide = traj.pivot_table(index=["replicate", "date"], columns="scenario",
                            values=["engagement_mean", "homes_created"])
    columns = ("engagement_mean", "homes_created")
    for k, (colour, name) in enumerate(zip(colours, order, strict=True)):
        style = LINESTYLES[k % len(LINESTYLES)]  # colour and dash: curves that coincide stay apart
        for ax, col in zip(axes[0], columns, strict=True):
            g = wide[(col, name)].groupby(level="date")
            ax.fill_between(g.median().index, g.quantile(0.05), g.quantile(0.95), color=colour,
                            alpha=0.1, lw=0)
            ax.plot(g.median().index, g.median(), color=colour, lw=2, ls=style, label=f"{name}, median")
        if name == order[0]:
            continue
        for ax, col in zip(axes[1], columns, strict=True):
            g = (wide[(col, name)] - wide[(col, order[0])]).groupby(level="date")
            ax.fill_between(g.median().index, g.quantile(0.05), g.quantile(0.95), color=colour,
                            alpha=0.15, lw=0)
            ax.plot(g.median().index, g.median(), color=colour, lw=2, ls=style,
                    label=f"{name} minus {order[0]}, median")
    axes[0, 0].set_title("Mean partner engagement")
    axes[0, 1].set_title("Homes created (cumulative)")
    axes[1, 0].set_title(f"Engagement: paired difference from {order[0]}")
    axes[1, 1].set_title(f"Homes: paired difference from {order[0]}")
    for ax in axes[1]:
        ax.axhline(0, color="black", lw=0.8)
    for ax in (axes[0, 1], axes[1, 1]):
        ax.yaxis.set_major_formatter("{x:+,.0f}" if ax is axes[1, 1] else "{x:,.0f}")
    for row in axes:  # one legend per row, outside, right: it covers no curve
        row[1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)
    fig.suptitle("Scenario comparison: median and 90 % band over replicates (paired)")
    fig.tight_layout()
    return fig

"""The optimisation figure: out-of-sample distributions, paired differences, search progress, best mixes.

It draws from the report's tables (outcomes, summary, convergence) and mixes; it runs no simulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ..vocabulary import EFFORTS, PHASES
from .optimise import ARMS, baseline_mixes

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.gridspec import GridSpec

    from .optimise import Report

COLOURS = {"baseline_fixed": "#7f7f7f", "baseline_phased": "#c55a11", "optimised": "#1f4e79"}


def figure(report: Report, path: Path) -> None:
    """Out-of-sample distributions of the objective, paired differences, search progress, best mixes."""
    colours = COLOURS
    out = report.outcomes[report.outcomes["sample"] == "out_of_sample"]
    fig = plt.figure(figsize=(13, 8))
    grid = fig.add_gridspec(2, 3, height_ratios=[1.1, 1.0])
    ax = fig.add_subplot(grid[0, 0])
    data = [out.loc[out["arm"] == a, "objective"].to_numpy() for a in ARMS]
    parts = ax.violinplot(data, showextrema=False)
    # matplotlib's stubs type every entry as one Collection; "bodies" is a list, one per dataset
    bodies = cast("list[PolyCollection]", parts["bodies"])
    for body, arm in zip(bodies, ARMS, strict=True):
        body.set_facecolor(colours[arm])
        body.set_alpha(0.45)
    for i, v in enumerate(data, start=1):
        lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
        ax.vlines(i, lo, hi, color="black", lw=1)
        ax.plot(i, med, "o", color="black", ms=4)
        ax.plot(i, report.objective.summarise(v), "D", color="white", mec="black", ms=5)
    ax.set_xticks(range(1, len(ARMS) + 1), [a.replace("_", "\n") for a in ARMS])
    ax.set_ylabel(report.objective.per_replicate_label(), fontsize=8)
    ax.set_title(f"Out of sample ({report.settings.holdout} fresh replicates)\n"
                 "median (dot), 90 % interval (line), "
                 f"{report.objective.statistic} (diamond)", fontsize=9)

    ax = fig.add_subplot(grid[0, 1])
    ref = out[out["arm"] == "baseline_fixed"].set_index("replicate")["objective"]
    for arm in ("optimised", "baseline_phased"):
        d = out[out["arm"] == arm].set_index("replicate")["objective"] - ref
        ax.hist(d, bins=40, color=colours[arm], alpha=0.5, label=f"{arm} - baseline_fixed")
    ax.axvline(0, color="black", lw=1)
    head = report.headline()
    ax.set_title(f"Paired differences, same replicates\noptimised: {head['diff']:+.3g} "
                 f"[{head['diff_lo95']:+.3g}, {head['diff_hi95']:+.3g}], "
                 f"beats baseline in {head['p_beats']:.0%}", fontsize=9)
    ax.set_xlabel("difference in the objective per replicate", fontsize=8)
    ax.legend(fontsize=7)

    ax = fig.add_subplot(grid[0, 2])
    h = report.search.history
    ax.plot(h["evaluations"], h["best_in_sample"], color=colours["optimised"], drawstyle="steps-post",
            label="best so far")
    ins = report.summary[(report.summary["sample"] == "in_sample")].drop_duplicates("arm")
    for arm in ("baseline_fixed", "baseline_phased"):
        ax.axhline(float(ins.loc[ins["arm"] == arm, "objective"].iloc[0]), color=colours[arm], ls="--",
                   label=arm)
    ax.set_xlabel("candidate mixes evaluated")
    ax.set_title(f"Search, in sample ({report.settings.replicates} replicates)", fontsize=9)
    ax.legend(fontsize=7)

    _mixes(fig, grid, report, out)
    fig.suptitle(f"Secretariat's tactical mix optimised for the {report.objective.label()} "
                 f"({report.scenario.name}, seed {report.settings.seed})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _mixes(fig: Figure, grid: GridSpec, report: Report, out: pd.DataFrame) -> None:
    """The bottom row: each phase's mix, optimised against the two baselines."""
    colours = COLOURS
    refs = baseline_mixes(report.scenario)
    held = out.groupby("arm")[[f"months_{p}" for p in PHASES]].mean()
    x = np.arange(len(EFFORTS))
    for k, phase in enumerate(PHASES):
        ax = fig.add_subplot(grid[1, k])
        ax.bar(x - 0.27, refs["baseline_fixed"][k], 0.27, color=colours["baseline_fixed"],
               label="baseline fixed mix")
        ax.bar(x, refs["baseline_phased"][k], 0.27, color=colours["baseline_phased"],
               label="default phased mix")
        ax.bar(x + 0.27, report.search.mixes[k], 0.27, color=colours["optimised"], label="optimised")
        ax.set_xticks(x, [e.replace("_", "\n") for e in EFFORTS], fontsize=7)
        ax.set_ylim(0, 1)
        share = {a: f"{held[f'months_{phase}'].loc[a]:.0%}" for a in ARMS}
        ax.set_title(f"Mix while {phase} dominates\nmonths in force: optimised {share['optimised']}, "
                     f"phased {share['baseline_phased']}, fixed {share['baseline_fixed']}", fontsize=8)
        if k == 0:
            ax.set_ylabel("share of the secretariat's staff")
            ax.legend(fontsize=7)

"""The dashboard's pictures: the live run drawn over its ensemble, one matplotlib Figure each.

Each function takes a ``Live`` (the run so far) and the ``Ensemble`` of the same settings and returns a
new Figure; none uses pyplot, so they are safe in the server's threads and leave no global state.
Colours and the October 2018 marker follow ``hta_sim.figures``, so the page reads like the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..figures import BODY_COLOURS, EVALUATION, PHASE_COLOURS
from ..vocabulary import HOMES_GOAL, PHASES, PULSE_PARAMETERS, RUNGS, SEED_SCORES_2018
from .runs import Ensemble, TeachingModel

RUNG_COLOURS = colormaps["viridis"](np.linspace(0.05, 0.95, len(RUNGS)))
STAGE_COLOURS = {"idea": "#c8e6c9", "pilot": "#81c784", "running": "#43a047", "scaled": "#1b5e20"}
GOAL_DATE = np.datetime64("2027-01-01")
MONTH = np.timedelta64(31, "D")


@dataclass(frozen=True)
class Live:
    """The live run up to now: each recorded column over the months run, and the state's views."""

    month: int  # months run so far
    dates: np.ndarray  # (month,)
    columns: dict[str, np.ndarray]  # column -> (month,)
    rungs: np.ndarray  # (P,) current rung of every partner
    engagement: np.ndarray  # (P,)
    active: np.ndarray  # (P,) bool
    board: np.ndarray  # (P,) bool
    ab: np.ndarray  # (P,) bool
    split: bool  # the association exists (board and AB instead of the steering group)
    pulse: np.ndarray  # (2, 8) the pulse if taken now
    names: tuple[str, ...]
    ids: tuple[str, ...]

    @classmethod
    def of(cls, model: TeachingModel, dates: np.ndarray) -> Live:
        t = model.month
        s = model.state
        return cls(t, dates[:t], {k: v[0, :t] for k, v in model.recorder.columns.items()},
                   s.rung[0].copy(), s.engagement[0].copy(), s.active[0].copy(), s.board[0].copy(),
                   s.ab[0].copy(), bool(t and t - 1 >= model.params.time.association[0, 0]),
                   model.pulse_now(), model.roster.names, model.roster.ids)

    @property
    def now(self) -> np.datetime64 | None:
        return self.dates[-1] if self.month else None


def _figure(width: float = 6.4, height: float = 3.6, **margins: float) -> Figure:
    """A figure with fixed margins: a layout engine would cost more than the drawing itself."""
    fig = Figure(figsize=(width, height), dpi=90)
    fig.subplots_adjust(**({"left": 0.1, "right": 0.97, "bottom": 0.1, "top": 0.9} | margins))
    return fig


def _mark_dates(ax, ens: Ensemble, live: Live, y: float) -> None:
    ax.axvline(EVALUATION, color="black", lw=1, ls=":")
    ax.annotate("evaluation\nOct 2018", (EVALUATION, y), fontsize=7, ha="left", va="bottom")
    if live.now is not None:
        ax.axvline(live.now, color="#888888", lw=1)
    ax.set_xlim(ens.dates[0], ens.dates[-1] + MONTH)


def _shade_phases(ax, ens: Ensemble) -> None:
    start = 0
    for i in range(1, len(ens.dates) + 1):
        if i == len(ens.dates) or ens.phase[i] != ens.phase[start]:
            ax.axvspan(ens.dates[start], ens.dates[i - 1] + MONTH, color=PHASE_COLOURS[ens.phase[start]],
                       lw=0, zorder=0)
            start = i
    for name in PHASES:
        ax.fill_between([], [], color=PHASE_COLOURS[name], label=name)


def engagement(live: Live, ens: Ensemble) -> Figure:
    """Board and AB engagement: the live run over the ensemble's 90 % band, phases shaded."""
    fig = _figure()
    ax = fig.add_subplot()
    _shade_phases(ax, ens)
    for body, label in (("board", "board"), ("ab", "AB")):
        b = ens.band(f"engagement_{body}")
        ax.fill_between(ens.dates, b.lo, b.hi, color=BODY_COLOURS[body], alpha=0.18, lw=0)
        ax.plot(ens.dates, b.median, color=BODY_COLOURS[body], lw=0.8, ls="--")
        ax.plot(live.dates, live.columns[f"engagement_{body}"], color=BODY_COLOURS[body], lw=2.2,
                label=f"{label}, this run")
    _mark_dates(ax, ens, live, 0.03)
    ax.set_ylim(0, 1)
    ax.set_ylabel("engagement (0-1)")
    ax.set_title(f"Engagement: this run over {ens.replicates} runs (band 90 %, dashed median)",
                 fontsize=9)
    ax.legend(loc="upper right", fontsize=7, ncol=3)
    return fig


def trust_ladder(live: Live, ens: Ensemble) -> Figure:
    """How many partners stand on each rung now, against the ensemble's mean at the same month."""
    fig = _figure(bottom=0.25)
    ax = fig.add_subplot()
    x = np.arange(len(RUNGS))
    counts = np.bincount(live.rungs[live.active], minlength=len(RUNGS))
    ax.bar(x, counts, color=RUNG_COLOURS)
    ax.add_patch(Rectangle((0, 0), 0, 0, color="#9e9e9e", label="this run (colour: rung)"))
    if live.month:
        ax.plot(x, ens.rungs[live.month - 1], "D", color="black", ms=5, label="mean of the runs")
    ax.set_xticks(x, [r.replace("_", "-") for r in RUNGS], rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("partners")
    ax.set_ylim(0, live.active.size + 1)
    when = str(live.now)[:7] if live.now is not None else "before the start"
    ax.set_title(f"The trust ladder, {when}", fontsize=9)
    ax.legend(loc="upper right", fontsize=7)
    return fig


def homes(live: Live, ens: Ensemble) -> Figure:
    """Homes created through the alliance's initiatives, against a straight path to 2,300 by 2027."""
    fig = _figure()
    ax = fig.add_subplot()
    b = ens.band("homes_created")
    ax.fill_between(ens.dates, b.lo, b.hi, color="#2e7d32", alpha=0.2, lw=0, label="90 % of runs")
    ax.plot(ens.dates, b.median, color="#2e7d32", lw=0.8, ls="--")
    ax.plot(live.dates, live.columns["homes_created"], color="#1b5e20", lw=2.2, label="this run")
    ax.plot([ens.dates[0], GOAL_DATE], [0, HOMES_GOAL], color="grey", ls="--",
            label=f"path to {HOMES_GOAL:,} by 2027")
    _mark_dates(ax, ens, live, HOMES_GOAL * 0.5)
    ax.set_ylim(0, max(HOMES_GOAL, float(np.nanmax(b.hi))) * 1.05)  # the band may pass the goal
    ax.set_ylabel("young people given a home")
    now = live.columns["homes_created"][-1] if live.month else 0.0
    ax.set_title(f"Homes: {now:,.0f} so far in this run", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    return fig


def pipeline(live: Live, ens: Ensemble) -> Figure:
    """Initiatives by stage in this run, and the ensemble's band of those under way."""
    fig = _figure()
    ax = fig.add_subplot()
    stages = list(STAGE_COLOURS)
    if live.month:
        ax.stackplot(live.dates, [live.columns[f"initiatives_{s}"] for s in stages],
                     colors=list(STAGE_COLOURS.values()), labels=stages)
    else:
        for s in stages:
            ax.fill_between([], [], color=STAGE_COLOURS[s], label=s)
    b = ens.band("initiatives_under_way")
    ax.plot(ens.dates, b.median, color="black", lw=1, ls="--", label="under way, median of runs")
    ax.fill_between(ens.dates, b.lo, b.hi, color="black", alpha=0.07, lw=0)
    _mark_dates(ax, ens, live, 0.5)
    ax.set_ylabel("initiatives")
    failed = int(live.columns["initiatives_failed"][-1]) if live.month else 0
    ax.set_title(f"The initiatives pipeline (failed so far in this run: {failed})", fontsize=9)
    ax.legend(loc="upper left", fontsize=7, ncol=2)
    return fig


def radar(live: Live, ens: Ensemble) -> Figure:
    """The pulse if taken now, board and AB, beside the seed's October 2018 scores."""
    fig = _figure(6.4, 3.6, left=0.06, right=0.94, bottom=0.2, top=0.8, wspace=0.45)
    angles = np.linspace(0, 2 * np.pi, len(PULSE_PARAMETERS), endpoint=False)
    closed = np.append(angles, angles[0])
    past = ens.pulse[ens.pulse["date"] <= live.now] if live.now is not None else ens.pulse.iloc[:0]
    last = past["date"].max() if len(past) else None
    for i, body in enumerate(("board", "ab")):
        ax = fig.add_subplot(1, 2, i + 1, projection="polar")
        seed = np.array(SEED_SCORES_2018[body], dtype=float)
        ax.plot(closed, np.append(seed, seed[0]), color="black", lw=1.2, ls="--", label="seed, Oct 2018")
        if last is not None:
            med = past[(past["date"] == last) & (past["body"] == body)].set_index("parameter")["score"]
            med = med.reindex(range(1, 9)).to_numpy()
            ax.plot(closed, np.append(med, med[0]), color="#888888", lw=1,
                    label=f"median of runs, {str(last)[:7]}")
        now = live.pulse[i]
        if np.isfinite(now).all():
            ax.plot(closed, np.append(now, now[0]), color=BODY_COLOURS[body], lw=2, label="this run, now")
            ax.fill(closed, np.append(now, now[0]), color=BODY_COLOURS[body], alpha=0.15)
        ax.set_xticks(angles, [str(k + 1) for k in range(len(PULSE_PARAMETERS))], fontsize=7)
        ax.set_ylim(0, 5)
        ax.set_yticks([1, 3, 5], ["1", "3", "5"], fontsize=6)
        ax.set_rlabel_position(100)
        name = body if live.split or not live.month else "steering group"
        ax.set_title("board" if name == "board" else ("AB" if name == "ab" else name), fontsize=9, pad=14)
        if i == 1:
            ax.legend(loc="upper left", bbox_to_anchor=(-0.75, -0.08), fontsize=6, ncol=3)
    when = str(live.now)[:7] if live.now is not None else "before the start"
    fig.suptitle(f"The pulse if measured now ({when}) beside the seed's 2018 scores", fontsize=9)
    fig.text(0.5, 0.0, "  ".join(f"{k + 1} {n.replace('_', ' ')}" for k, n in enumerate(PULSE_PARAMETERS)),
             ha="center", va="bottom", fontsize=5.5, wrap=True)
    return fig


@lru_cache(maxsize=8)
def _layout(ids: tuple[str, ...], board: tuple[bool, ...], ab: tuple[bool, ...]) -> dict[int, np.ndarray]:
    """A fixed position per partner (the full board/AB graph, seeded), so nodes do not jump."""
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(_pairs(np.array(board)) + _pairs(np.array(ab)))
    return nx.spring_layout(g, seed=2016, k=0.9)


def _pairs(members: np.ndarray) -> list[tuple[int, int]]:
    idx = np.flatnonzero(members)
    return [(int(a), int(b)) for n, a in enumerate(idx) for b in idx[n + 1:]]


def bodies(live: Live) -> list[tuple[int, int]]:
    """Links between active partners that meet in the same body (the steering group before August
    2017, then the board and the AB).
    """
    if not live.split:
        return _pairs(live.active)
    return sorted(set(_pairs(live.active & live.board)) | set(_pairs(live.active & live.ab)))


def short_name(name: str) -> str:
    return name.split(" – ", maxsplit=1)[0].split(" (", maxsplit=1)[0]


def network(live: Live, ens: Ensemble) -> Figure:
    """Partners linked when they meet in the same body; colour = rung, size = engagement."""
    fig = _figure(6.4, 4.2, left=0.01, right=0.8, bottom=0.01, top=0.92)
    ax = fig.add_subplot()
    pos = _layout(live.ids, tuple(bool(b) for b in live.board), tuple(bool(a) for a in live.ab))
    g = nx.Graph()
    g.add_nodes_from(range(len(live.ids)))
    g.add_edges_from(bodies(live))
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#bbbbbb", width=0.6)
    on = [i for i in g.nodes if live.active[i]]
    off = [i for i in g.nodes if not live.active[i]]
    nx.draw_networkx_nodes(g, pos, nodelist=off, ax=ax, node_color="white", edgecolors="#bbbbbb",
                           node_size=60)
    nx.draw_networkx_nodes(g, pos, nodelist=on, ax=ax, node_color=[RUNG_COLOURS[live.rungs[i]] for i in on],
                           node_size=[60 + 900 * live.engagement[i] for i in on], edgecolors="black",
                           linewidths=0.5)
    nx.draw_networkx_labels(g, pos, {i: short_name(live.names[i]) for i in g.nodes}, ax=ax, font_size=6)
    for k, rung in enumerate(RUNGS):
        ax.scatter([], [], color=RUNG_COLOURS[k], label=rung.replace("_", "-"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6, title="rung", title_fontsize=7)
    ax.set_axis_off()
    ax.set_title("Partners: linked if they meet in the same body; size = engagement, colour = rung",
                 fontsize=9)
    return fig

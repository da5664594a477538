"""The dashboard's pictures: the live run drawn over its ensemble, one ``Picture`` each.

Each view is built once per run from the ``Ensemble`` of the same settings (bands, phases, axes,
legends: the background) and then, every month, ``show(live)`` moves only the live artists and
renders (see ``picture.py``). No pyplot: safe in the server's threads, no global state. Colours and
the October 2018 marker follow ``hta_sim.figures``, so the page reads like the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import matplotlib.dates as mdates
import networkx as nx
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..figures import ASSOCIATION, BODY_COLOURS, EVALUATION, PHASE_COLOURS, goal_marks
from ..vocabulary import PHASES, PULSE_PARAMETERS, RUNGS, SEED_SCORES_2018, SOLUTIONS
from ..world import evidence
from .picture import Picture, figure
from .runs import Ensemble, TeachingModel

RUNG_COLOURS = colormaps["viridis"](np.linspace(0.05, 0.95, len(RUNGS)))
STAGE_COLOURS = {"idea": "#c8e6c9", "pilot": "#81c784", "running": "#43a047", "scaled": "#1b5e20"}
MONTH = np.timedelta64(31, "D")
CONTRAST_COLOUR = "#7b1fa2"


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

    @classmethod
    def now_of(cls, model: TeachingModel, dates: np.ndarray) -> Live:
        """``of``, computed once per month of a model and shared by all its views."""
        cached = getattr(model, "_live", None)
        if cached is None or cached.month != model.month:
            cached = cls.of(model, dates)
            model._live = cached
        return cached

    @property
    def when(self) -> str:
        return str(self.now)[:7] if self.now is not None else "before the start"


class View(Picture):
    """A picture of one model's run: built from the ensemble (and a contrast's), shown by month.

    Subclasses take ``(ens, model, contrast)`` and draw their background in ``__init__``.
    """

    def update(self, live: Live) -> None:
        raise NotImplementedError

    def show(self, live: Live) -> bytes:
        self.update(live)
        return self.png()


def _timeline(pic: Picture, ax: Axes, ens: Ensemble, label_y: float) -> Line2D:
    """Shared time axis: phases shaded, the association and the evaluation marked; a live 'now'."""
    start = 0
    for i in range(1, len(ens.dates) + 1):
        if i == len(ens.dates) or ens.phase[i] != ens.phase[start]:
            ax.axvspan(ens.dates[start], ens.dates[i - 1] + MONTH, color=PHASE_COLOURS[ens.phase[start]],
                       lw=0, zorder=0)
            start = i
    marks: tuple[tuple[Any, str, str], ...] = ((ASSOCIATION, "association\nAug 2017", "right"),
                                               (EVALUATION, "evaluation\nOct 2018", "left"))
    for when, text, side in marks:  # the two labels face apart: they are 14 months from each other
        ax.axvline(when, color="black", lw=0.8, ls=":")
        ax.annotate(text, (when, label_y), fontsize=7.5, ha=side, va="bottom",
                    xytext=(2 if side == "left" else -2, 0), textcoords="offset points")
    ax.set_xlim(ens.dates[0], ens.dates[-1] + MONTH)
    return pic.live(ax.axvline(ens.dates[0], color="#888888", lw=1, visible=False))


def _move_now(line: Line2D, live: Live) -> None:
    line.set_visible(live.now is not None)
    if live.now is not None:
        line.set_xdata([live.now, live.now])


def _phase_handles() -> list[Patch]:
    return [Patch(color=PHASE_COLOURS[name], label=name) for name in PHASES]


def _limits(ens: Ensemble, columns: tuple[str, ...], pad: float) -> tuple[float, float]:
    """Every replicate's range (the live run is one of them), padded, on a 0.1 grid."""
    values = ens.trajectories[list(columns)].to_numpy()
    lo, hi = float(np.nanmin(values)) - pad, float(np.nanmax(values)) + pad
    return max(0.0, np.floor(lo * 10) / 10), min(1.0, np.ceil(hi * 10) / 10)


class Engagement(View):
    """Board and AB engagement: the live run over the ensemble's 90 % band, phases shaded."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(left=0.12, right=0.72, bottom=0.12))
        ax = self.fig.add_subplot()
        lo, hi = _limits(ens, ("engagement_board", "engagement_ab"), 0.03)
        self.now = _timeline(self, ax, ens, lo + 0.01)
        self.lines = {}
        handles: list[Any] = []
        for body, label in (("board", "board"), ("ab", "AB")):
            b = ens.band(f"engagement_{body}")
            ax.fill_between(ens.dates, b.lo, b.hi, color=BODY_COLOURS[body], alpha=0.18, lw=0)
            ax.plot(ens.dates, b.median, color=BODY_COLOURS[body], lw=0.8, ls="--", gid="median")
            self.lines[body] = self.live(ax.plot([], [], color=BODY_COLOURS[body], lw=2.2)[0])
            handles.append(Line2D([], [], color=BODY_COLOURS[body], lw=2.2, label=f"{label}, this run"))
            handles.append(Line2D([], [], color=BODY_COLOURS[body], lw=0.8, ls="--",
                                  label=f"{label}, median"))
        ax.set_ylim(lo, hi)
        ax.set_ylabel("engagement (0-1)")
        ax.set_title(f"Engagement: this run over {ens.replicates} runs (band: 90 %)", fontsize=9)
        ax.legend(handles=handles + _phase_handles(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=8, borderaxespad=0)

    def update(self, live: Live) -> None:
        for body, line in self.lines.items():
            line.set_data(live.dates, live.columns[f"engagement_{body}"])
        _move_now(self.now, live)


class Homes(View):
    """The national count of homeless young people (the seed's goal: none by 2027): the live run
    over the ensemble's band, against the 2017 count and a straight path to none by December 2027;
    the title says how many the alliance's solutions have housed so far, by type."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(left=0.15, right=0.95, bottom=0.12))
        ax = self.fig.add_subplot()
        b = ens.band("homeless_youth")
        counted = evidence.goal_count()
        top = max(counted, float(np.nanmax(b.hi)))
        self.now = _timeline(self, ax, ens, top * 0.03)
        if contrast is not None:
            c = contrast.band("homeless_youth")
            ax.fill_between(contrast.dates, c.lo, c.hi, color=CONTRAST_COLOUR, alpha=0.15, lw=0)
            ax.plot(contrast.dates, c.median, color=CONTRAST_COLOUR, lw=1.2, ls="-.",
                    label=f"{model.contrast_label}: median, 90 %", gid="median")
            top = max(top, float(np.nanmax(c.hi)))
        ax.fill_between(ens.dates, b.lo, b.hi, color="#1565c0", alpha=0.2, lw=0, label="90 % of runs")
        ax.plot(ens.dates, b.median, color="#1565c0", lw=0.8, ls="--", label="median of runs", gid="median")
        self.line = self.live(ax.plot([], [], color="#0d47a1", lw=2.2, label="this run")[0])
        goal_marks(ax, 5, "path to none by Dec 2027")
        ax.set_ylim(0, top * 1.08)
        ax.set_ylabel("homeless young people aged 18-29")
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.legend(loc="lower left", fontsize=7.5)
        self.title = self.live(ax.set_title("", fontsize=9))

    def update(self, live: Live) -> None:
        self.line.set_data(live.dates, live.columns["homeless_youth"])
        self.title.set_text(homes_title(live))
        _move_now(self.now, live)


def homes_title(live: Live) -> str:
    """Whole young people: homeless now, and housed so far through each solution type."""
    if not live.month:
        return "Homeless young people: the run has not started"
    now = int(live.columns["homeless_youth"][-1])
    housed = ", ".join(f"{kind.replace('_', ' ')} {int(live.columns[f'housed_{kind}'][-1]):,}"
                       for kind in SOLUTIONS)
    return f"Homeless young people: {now:,} now in this run\nhoused so far: {housed}"


class TrustLadder(View):
    """How many partners stand on each rung now, against the ensemble's mean at the same month."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(left=0.12, bottom=0.33))
        ax = self.fig.add_subplot()
        self.ens = ens
        x = np.arange(len(RUNGS))
        self.bars = [self.live(b) for b in ax.bar(x, np.zeros(len(RUNGS)), color=RUNG_COLOURS)]
        self.mean = self.live(ax.plot([], [], "D", color="black", ms=5)[0])
        ax.legend(handles=[Patch(color="#9e9e9e", label="this run (colour: rung)"),
                           Line2D([], [], marker="D", ls="", color="black", ms=5,
                                  label="mean of the runs")], loc="upper right", fontsize=8)
        ax.set_xticks(x, [r.replace("_", "-") for r in RUNGS], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("partners")
        ax.set_ylim(0, model.state.active.shape[1] + 1)
        self.x = x
        self.title = self.live(ax.set_title("", fontsize=9))

    def update(self, live: Live) -> None:
        counts = np.bincount(live.rungs[live.active], minlength=len(RUNGS))
        for bar, n in zip(self.bars, counts, strict=True):
            bar.set_height(n)
        if live.month:
            self.mean.set_data(self.x, self.ens.rungs[live.month - 1])
        else:
            self.mean.set_data([], [])
        self.title.set_text(f"The trust ladder, {live.when}")


class Pipeline(View):
    """Initiatives by stage in this run, and the ensemble's band of those under way."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(left=0.1, right=0.68, bottom=0.12))
        ax = self.fig.add_subplot()
        self.ax = ax
        b = ens.band("initiatives_under_way")
        top = float(np.nanmax(b.hi))
        if contrast is not None:
            c = contrast.band("initiatives_under_way")
            ax.fill_between(contrast.dates, c.lo, c.hi, color=CONTRAST_COLOUR, alpha=0.12, lw=0)
            ax.plot(contrast.dates, c.median, color=CONTRAST_COLOUR, lw=1.2, ls="-.",
                    label=model.contrast_label, gid="median")
            top = max(top, float(np.nanmax(c.hi)))
        self.now = _timeline(self, ax, ens, top * 1.12)
        for s, colour in STAGE_COLOURS.items():
            ax.fill_between([], [], color=colour, label=s)
        ax.plot(ens.dates, b.median, color="black", lw=1, ls="--", label="median of runs", gid="median")
        ax.fill_between(ens.dates, b.lo, b.hi, color="black", alpha=0.07, lw=0)
        ax.set_ylim(0, top * 1.3 + 1)  # room for the date labels above the band
        ax.set_ylabel("initiatives (median: under way)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
        stages = PolyCollection([], facecolors=list(STAGE_COLOURS.values()), lw=0)
        self.stack: Any = self.live(ax.add_collection(stages))
        self.title = self.live(ax.set_title("", fontsize=9))

    def update(self, live: Live) -> None:
        x: np.ndarray = mdates.date2num(live.dates)  # type: ignore[no-untyped-call]
        tops = np.cumsum([live.columns[f"initiatives_{s}"] for s in STAGE_COLOURS], axis=0)
        bottoms = np.vstack([np.zeros_like(x), tops[:-1]])
        self.stack.set_verts([np.column_stack([np.r_[x, x[::-1]], np.r_[top, bottom[::-1]]])
                              for top, bottom in zip(tops, bottoms, strict=True)] if live.month else [])
        failed = int(live.columns["initiatives_failed"][-1]) if live.month else 0
        self.title.set_text(f"The initiatives pipeline (failed so far in this run: {failed})")
        _move_now(self.now, live)


def short_parameter(k: int) -> str:
    """'1 shared view': the pulse parameter's number and name, on two lines if long."""
    words = PULSE_PARAMETERS[k].split("_")
    return f"{k + 1} " + (" ".join(words) if len(words) == 1 else f"{words[0]}\n{' '.join(words[1:])}")


class Radar(View):
    """The pulse if taken now, board and AB, beside the seed's October 2018 scores."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(7.2, 4.2, left=0.12, right=0.88, bottom=0.13, top=0.74, wspace=0.8))
        self.ens = ens
        angles = np.linspace(0, 2 * np.pi, len(PULSE_PARAMETERS), endpoint=False)
        self.closed = np.append(angles, angles[0])
        self.axes: list[Any] = []  # PolarAxes: matplotlib's stubs type add_subplot as Axes
        self.median: list[Line2D] = []
        self.now_line: list[Line2D] = []
        self.fill: list[Any] = []
        self.names: list[Any] = []
        for i, body in enumerate(("board", "ab")):
            ax: Any = self.fig.add_subplot(1, 2, i + 1, projection="polar")
            seed = np.array(SEED_SCORES_2018[body], dtype=float)
            ax.plot(self.closed, np.append(seed, seed[0]), color="black", lw=1.2, ls="--")
            self.median.append(self.live(ax.plot([], [], color="#888888", lw=1, gid="median")[0]))
            self.now_line.append(self.live(ax.plot([], [], color=BODY_COLOURS[body], lw=2)[0]))
            self.fill.append(None)
            ax.set_xticks(angles, [short_parameter(k) for k in range(len(PULSE_PARAMETERS))], fontsize=7.5)
            ax.tick_params(axis="x", pad=7)
            ax.set_ylim(0, 5)
            ax.set_yticks([1, 3, 5], ["1", "3", "5"], fontsize=6)
            ax.set_rlabel_position(22.5)  # between parameters 1 and 2, clear of their names
            self.names.append(self.live(ax.set_title("", fontsize=9, pad=22)))
            self.axes.append(ax)
        self.fig.legend(handles=[Line2D([], [], color="black", lw=1.2, ls="--", label="seed, Oct 2018"),
                                 Line2D([], [], color="#888888", lw=1, label="median of runs, last pulse"),
                                 Line2D([], [], color=BODY_COLOURS["board"], lw=2, label="board, this run"),
                                 Line2D([], [], color=BODY_COLOURS["ab"], lw=2, label="AB, this run")],
                        loc="lower center", ncol=4, fontsize=7.5, frameon=False)
        self.title = self.live(self.fig.suptitle("", fontsize=9, y=0.99))

    def update(self, live: Live) -> None:
        past = self.ens.pulse[self.ens.pulse["date"] <= live.now] if live.now is not None else \
            self.ens.pulse.iloc[:0]
        last = past["date"].max() if len(past) else None
        for i, body in enumerate(("board", "ab")):
            if last is not None:
                med = past[(past["date"] == last) & (past["body"] == body)].set_index("parameter")["score"]
                med = med.reindex(range(1, 9)).to_numpy()
                self.median[i].set_data(self.closed, np.append(med, med[0]))
            else:
                self.median[i].set_data([], [])
            now = live.pulse[i]
            shown = np.isfinite(now).all()
            ring = np.append(now, now[0]) if shown else np.array([])
            self.now_line[i].set_data(self.closed if shown else [], ring)
            if self.fill[i] is not None:
                self.drop([self.fill[i]])
                self.fill[i] = None
            if shown:
                self.fill[i] = self.live(self.axes[i].fill(self.closed, ring, color=BODY_COLOURS[body],
                                                           alpha=0.15)[0])
            name = body if live.split or not live.month else "steering group"
            self.names[i].set_text({"board": "board", "ab": "advisory board (AB)"}.get(name, name))
        self.title.set_text(f"The pulse if measured now ({live.when}) beside the seed's 2018 scores")


@lru_cache(maxsize=8)
def _layout(ids: tuple[str, ...], board: tuple[bool, ...], ab: tuple[bool, ...]) -> dict[int, np.ndarray]:
    """A fixed position per partner (the full board/AB graph, seeded), so nodes do not jump."""
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(_pairs(np.array(board)) + _pairs(np.array(ab)))
    return nx.spring_layout(g, seed=2016, k=0.9)  # type: ignore[no-any-return]


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


class Network(View):
    """Partners linked when they meet in the same body; colour = rung, size = engagement."""

    def __init__(self, ens: Ensemble, model: TeachingModel, contrast: Ensemble | None = None) -> None:
        super().__init__(figure(7.2, 4.2, left=0.01, right=0.73, bottom=0.01, top=0.92))
        ax = self.fig.add_subplot()
        s = model.state
        pos = _layout(model.roster.ids, tuple(bool(b) for b in s.board[0]), tuple(bool(a) for a in s.ab[0]))
        self.xy = np.array([pos[i] for i in range(len(model.roster.ids))])
        self.edges: Any = self.live(ax.add_collection(LineCollection([], colors="#bbbbbb", linewidths=0.6)))
        self.nodes: Any = self.live(ax.scatter(self.xy[:, 0], self.xy[:, 1], s=60, zorder=2))
        for (x, y), name in zip(self.xy, model.roster.names, strict=True):  # live: over the nodes
            self.live(ax.annotate(short_name(name), (x, y), fontsize=6, ha="center", va="center",
                                  annotation_clip=False))
        ax.legend(handles=[Line2D([], [], marker="o", ls="", color=RUNG_COLOURS[k], label=r.replace("_", "-"))
                           for k, r in enumerate(RUNGS)], loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  fontsize=7, title="rung", title_fontsize=7)
        pad = 0.22  # room for the names at the edges: short names are up to ~20 characters
        ax.set_xlim(self.xy[:, 0].min() - pad, self.xy[:, 0].max() + pad)
        ax.set_ylim(self.xy[:, 1].min() - 0.08, self.xy[:, 1].max() + 0.08)
        ax.set_axis_off()
        ax.set_title("Partners: linked if in the same body; size: engagement", fontsize=9)

    def update(self, live: Live) -> None:
        self.edges.set_segments([self.xy[[a, b]] for a, b in bodies(live)])
        on = live.active
        faces = np.where(on[:, None], RUNG_COLOURS[live.rungs], np.array([1.0, 1.0, 1.0, 1.0]))
        self.nodes.set_facecolors(faces)
        self.nodes.set_edgecolors(np.where(on[:, None], np.array([0.0, 0.0, 0.0, 1.0]),
                                           np.array([0.73, 0.73, 0.73, 1.0])))
        self.nodes.set_sizes(np.where(on, 60 + 900 * live.engagement, 60))
        self.nodes.set_linewidths(0.5)


Kind = Callable[[Ensemble, TeachingModel, Ensemble | None], View]

VIEWS: tuple[tuple[str, Kind], ...] = (
    ("Engagement", Engagement), ("Homes", Homes), ("Pulse", Radar), ("Partners", Network),
    ("TrustLadder", TrustLadder), ("Initiatives", Pipeline),
)

"""The page's views, as SolaraViz components: one function of the model each.

SolaraViz re-renders every view after each step; a view redraws its picture only when the model or
its month changed, and draws it from the model and the cached ensemble of the same settings.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import solara
from matplotlib.figure import Figure

from ..vocabulary import HOMES_GOAL
from . import plots
from .runs import Ensemble, TeachingModel, ensemble

Draw = Callable[[plots.Live, Ensemble], Figure]


def png(draw: Draw, model: TeachingModel, ens: Ensemble) -> bytes:
    fig = draw(plots.Live.of(model, ens.dates), ens)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def picture(draw: Draw, title: str) -> Callable[[TeachingModel], solara.Element]:
    """A view showing ``draw``'s figure for the model's current month."""

    def view(model: TeachingModel) -> solara.Element:
        ens = ensemble(model.settings)
        image = solara.use_memo(lambda: png(draw, model, ens), [model, model.month])
        with solara.Column(classes=["hta-view"], style={"padding": "4px"}) as col:
            solara.Image(image, width="100%")
        return col

    view.__name__ = view.__qualname__ = title
    return view


def _derived(columns) -> dict:
    """Two columns the tables do not carry: initiatives under way, money from non-dominant partners."""
    return {"initiatives_under_way": columns["initiatives_pilot"] + columns["initiatives_running"]
            + columns["initiatives_scaled"],
            "other_money": columns["money_contributed"] * (1.0 - columns["dominance"])}


#: (label, column, format, summed over the months so far, scale)
NUMBERS = (
    ("engagement, board", "engagement_board", ".2f", False, 1.0),
    ("engagement, AB", "engagement_ab", ".2f", False, 1.0),
    (f"homes created (goal {HOMES_GOAL:,} by 2027)", "homes_created", ",.0f", False, 1.0),
    ("initiatives under way", "initiatives_under_way", ".0f", False, 1.0),
    ("secretariat's paid staff (FTE)", "secretariat_staff", ".1f", False, 1.0),
    ("dominant funder's share of the money (%)", "dominance", ".0f", False, 100.0),
    ("money from the other partners so far (MDKK)", "other_money", ".2f", True, 1.0),
)


def numbers_table(model: TeachingModel, ens: Ensemble) -> str:
    """Markdown: the run's headline numbers now, beside the ensemble's median at the same month."""
    t = model.month
    mine = {**model.recorder.columns, **_derived(model.recorder.columns)}
    traj = ens.trajectories
    traj = traj.assign(**_derived(traj))
    rows = []
    for label, column, fmt, summed, scale in NUMBERS:
        if not t:
            rows.append(f"| {label} | - | - |")
            continue
        series = mine[column][0, :t] * scale
        value = series.sum() if summed else series[-1]
        at = traj[traj["step"] < t] if summed else traj[traj["step"] == t - 1]
        per_run = at.groupby("replicate")[column].sum() if summed else at[column]
        rows.append(f"| {label} | {value:{fmt}} | {per_run.median() * scale:{fmt}} |")
    date = f"{model.date[:7]}, month {t} of {model.layout.steps}, phase: {model.phase}" if t else \
        "before the first month"
    return (f"**{date}**\n\n| | this run | median of {ens.replicates} runs |\n|---|---:|---:|\n"
            + "\n".join(rows))


def numbers(model: TeachingModel) -> solara.Element:
    ens = ensemble(model.settings)
    text = solara.use_memo(lambda: numbers_table(model, ens), [model, model.month])
    return solara.Markdown(text)


VIEWS = [
    picture(plots.engagement, "Engagement"),
    picture(plots.homes, "Homes"),
    picture(plots.trust_ladder, "TrustLadder"),
    picture(plots.pipeline, "Initiatives"),
    picture(plots.radar, "Pulse"),
    picture(plots.network, "Partners"),
    numbers,
]

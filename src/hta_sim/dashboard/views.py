"""The page's views, as Solara components: one function of the model each.

A view builds its ``plots.View`` once per run (the ensemble's background) and, when the month
changes, shows only what moved. It subscribes to Mesa's ``update_counter`` (what Mesa's controls
bump after a step), so a step redraws every view and nothing else does.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara
from mesa.visualization.utils import update_counter

from . import plots
from .runs import Ensemble, TeachingModel, ensemble


def contrast_of(model: TeachingModel) -> Ensemble | None:
    return ensemble(model.contrast) if model.contrast is not None else None


def build(kind: plots.Kind, model: TeachingModel) -> plots.View:
    """The view's picture for this run: its background drawn from the ensembles."""
    return kind(ensemble(model.settings), model, contrast_of(model))


def png(kind: plots.Kind, model: TeachingModel) -> bytes:
    """One frame of a fresh picture of ``model`` now (what the page shows; the browser test's oracle)."""
    return build(kind, model).show(plots.Live.of(model, ensemble(model.settings).dates))


def picture(name: str, kind: plots.Kind) -> Callable[[TeachingModel], Any]:
    """A component showing ``kind``'s picture of the model's current month."""

    @solara.component
    def View(model: TeachingModel) -> Any:
        update_counter.get()
        pic = solara.use_memo(lambda: build(kind, model), [model])
        dates = ensemble(model.settings).dates
        image = solara.use_memo(lambda: pic.show(plots.Live.now_of(model, dates)), [model, model.month])
        with solara.Column(classes=["hta-view", f"hta-{name.lower()}"], style={"padding": "2px"}) as col:
            solara.Image(image, width="100%")
        return col

    View.__name__ = View.__qualname__ = name
    return View  # type: ignore[no-any-return]


def _derived(columns: Any) -> dict[str, Any]:
    """Two columns the tables do not carry: initiatives under way, money from non-dominant partners."""
    return {"initiatives_under_way": columns["initiatives_pilot"] + columns["initiatives_running"]
            + columns["initiatives_scaled"],
            "other_money": columns["money_contributed"] * (1.0 - columns["dominance"])}


#: (label, column, format, summed over the months so far, scale)
NUMBERS = (
    ("engagement, board", "engagement_board", ".2f", False, 1.0),
    ("engagement, AB", "engagement_ab", ".2f", False, 1.0),
    ("homeless young people (the goal: none by 2027)", "homeless_youth", ",.0f", False, 1.0),
    ("young people housed through the solutions so far", "homes_created", ",.0f", False, 1.0),
    ("initiatives under way", "initiatives_under_way", ".0f", False, 1.0),
    ("secretariat's paid staff (FTE)", "secretariat_staff", ".1f", False, 1.0),
    ("network kept going by the secretariat (%)", "coordination", ".0f", False, 100.0),
    ("active partners", "active_partners", ".0f", False, 1.0),
    ("key people who left their organisation so far", "key_person_changes", ".0f", False, 1.0),
    ("dominant funder's share of the money (%)", "dominance", ".0f", False, 100.0),
    ("money from the other partners so far (MDKK)", "other_money", ".2f", True, 1.0),
)


def numbers_table(model: TeachingModel, ens: Ensemble) -> str:
    """HTML: the run's headline numbers now, beside the ensemble's median at the same month.

    Plain HTML, not Markdown: solara.Markdown re-runs its renderers in the browser on every update.
    """
    t = model.month
    mine = {**model.recorder.columns, **_derived(model.recorder.columns)}
    rows = []
    for label, column, fmt, summed, scale in NUMBERS:
        if not t:
            rows.append((label, "-", "-"))
            continue
        series = mine[column][0, :t] * scale
        value = series.sum() if summed else series[-1]
        median = (ens.cumulative if summed else ens.medians)[column][t - 1] * scale
        rows.append((label, f"{value:{fmt}}", f"{median:{fmt}}"))
    date = f"{model.date[:7]}, month {t} of {model.layout.steps}, phase: {model.phase}" if t else \
        "before the first month"
    cells = "".join(f"<tr><td>{html.escape(a)}</td><td class='n'>{b}</td><td class='n'>{c}</td></tr>"
                    for a, b, c in rows)
    return (f"<p><b>{html.escape(date)}</b></p><table class='hta-table'><tr><th></th><th>this run</th>"
            f"<th>median of {ens.replicates} runs</th></tr>{cells}</table>")


@solara.component
def Numbers(model: TeachingModel) -> Any:
    update_counter.get()
    ens = ensemble(model.settings)
    text = solara.use_memo(lambda: numbers_table(model, ens), [model, model.month])
    with solara.Column(classes=["hta-view", "hta-numbers"], style={"padding": "8px"}) as col:
        solara.HTML(unsafe_innerHTML=text)
    return col


VIEWS = [picture(name, kind) for name, kind in plots.VIEWS]

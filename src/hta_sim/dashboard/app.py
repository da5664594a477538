"""The page: run controls, hta_sim's settings and lessons, and the views in a fixed grid.

Built from Mesa's visualisation pieces (``update_counter``, ``ShowSteps``) and Solara's components
rather than the whole ``SolaraViz``, whose sidebar carries controls that do nothing here (an empty
"Model Parameters" card, "Use Threads") and whose draggable grid cannot be told to put the fig. 7.1
replica and the homes view above the fold on a 1280x800 projector. Served by ``hta-sim
dashboard``; Solara finds ``Page`` here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import solara

from ..errors import InputError
from .controls import EffortControls, MechanismControls, PoolControls, ScenarioControls
from .lessons import BY_KEY, LESSONS, Lesson
from .play import RunControls
from .runs import TeachingModel, ensemble
from .settings import Settings
from .views import VIEWS, Numbers

TITLE = "hta_sim: Hjem Til Alle, engagement and the dip"
CSS = """
.hta-view img { display: block; }
.hta-lessons .v-btn { margin: 2px 4px 2px 0; text-transform: none; }
.hta-lessons p { margin-bottom: 4px; }
.hta-lessons h3 { margin: 4px 0; font-size: 1.05em; }
.hta-table td, .hta-table th { padding: 1px 8px; }
.hta-table td.n { text-align: right; font-variant-numeric: tabular-nums; }
"""


def warm_up() -> None:
    """Compute the ensembles a class will ask for first (the default, then each lesson's and its
    contrast's) in a background thread when the server loads the page: a first click costs nothing.
    """
    wanted = [Settings()] + [s for lesson in LESSONS if lesson.available
                             for s in (lesson.settings(), lesson.contrasted())]
    threading.Thread(target=lambda: [ensemble(s) for s in wanted], name="hta-warm-up", daemon=True).start()


def lesson_run(lesson: Lesson | None, settings: Settings) -> TeachingModel:
    """A fresh run of ``settings``; beside it, the band of the lesson's contrast while it is the
    lesson's own settings (or its contrast) that are loaded.
    """
    if lesson is None or not lesson.contrast_label or \
            settings not in (lesson.settings(), lesson.contrasted()):
        return TeachingModel(settings)
    return TeachingModel(settings, lesson.contrasted(), lesson.contrast_label)


@solara.component
def LessonsPanel(chosen: str | None, choose: Callable[[str], None]) -> None:
    """A row of lesson buttons; the chosen lesson's text below them."""
    with solara.Card(classes=["hta-lessons"], style={"margin": "4px", "padding": "4px 8px"}):
        with solara.Row(style={"flex-wrap": "wrap", "gap": "0"}):
            solara.Text("Lessons:", style={"font-weight": "bold", "align-self": "center"})
            for lesson in LESSONS:
                solara.Button(lesson.title, on_click=lambda key=lesson.key: choose(key), small=True,
                              disabled=not lesson.available, outlined=lesson.key != chosen,
                              color="primary", classes=[f"lesson-{lesson.key}"])
        if chosen:
            lesson = BY_KEY[chosen]
            solara.Markdown(f"### {lesson.title}\n\n{lesson.text}")
        else:
            solara.Markdown("Choose a lesson: it loads its settings and says what to watch. Then press "
                            "**Step** or **▶** in the sidebar.")
        missing = [f"*{lesson.title}*: {lesson.unavailable_note}" for lesson in LESSONS
                   if not lesson.available]
        if missing:
            solara.Markdown(" ".join(missing), style={"font-size": "0.85em", "color": "#777"})


@solara.component
def Page() -> None:
    settings = solara.use_reactive(Settings())
    first = solara.use_memo(lambda: TeachingModel(settings.value), [])
    model = solara.use_reactive(first)
    error = solara.use_reactive(None)
    lesson = solara.use_reactive(None)

    def start(new: Settings, chosen: str | None) -> None:
        """Validate the settings and start a fresh run of them; keep the old run if invalid."""
        try:
            fresh = lesson_run(BY_KEY[chosen] if chosen else None, new)
        except InputError as exc:
            error.set(str(exc))
            return
        error.set(None)
        settings.set(new)
        model.set(fresh)

    def apply(new: Settings) -> None:
        if new != settings.value:  # a control echoing the value it was given changes nothing
            start(new, lesson.value)

    def choose(key: str) -> None:
        """A lesson always restarts from its settings, whatever month or settings came before."""
        lesson.set(key)
        start(BY_KEY[key].settings(), key)

    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        RunControls(model, lambda: start(settings.value, lesson.value))
        ScenarioControls(settings.value, apply, error.value)
        EffortControls(settings.value, apply)
        MechanismControls(settings.value, apply)
        PoolControls(settings.value, apply)
    LessonsPanel(lesson.value, choose)
    Views(model.value)


@solara.component
def Views(model: TeachingModel) -> Any:
    """Two columns: engagement and homes first (above the fold at 1280x800), then the rest."""
    with solara.GridFixed(columns=2, row_gap="4px", column_gap="4px") as grid:
        for view in VIEWS:
            view(model)
        Numbers(model)
    return grid


warm_up()

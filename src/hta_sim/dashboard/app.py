"""The page: Mesa's SolaraViz (play, step, reset, "Time: N", the views) with hta_sim's controls and
lessons around it. Served by ``hta-sim dashboard``; Solara finds ``Page`` here.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from ..errors import InputError
from .controls import EffortControls, MechanismControls, PoolControls, ScenarioControls
from .lessons import BY_KEY, LESSONS
from .runs import TeachingModel
from .settings import Settings
from .views import VIEWS

TITLE = "hta_sim: Hjem Til Alle, engagement and the dip"


@solara.component
def LessonsPanel(chosen: str | None, choose) -> None:
    """A row of lesson buttons; the chosen lesson's text below them."""
    with solara.Card("Lessons", style={"margin": "8px"}):
        with solara.Row(style={"flex-wrap": "wrap"}):
            for lesson in LESSONS:
                solara.Button(lesson.title, on_click=lambda key=lesson.key: choose(key),
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

    def apply(new: Settings) -> None:
        """Validate the new settings and start a fresh run from them; keep the old run if invalid."""
        if new == settings.value:  # a control echoing the value it was given
            return
        try:
            fresh = TeachingModel(new)
        except InputError as exc:
            error.set(str(exc))
            return
        error.set(None)
        settings.set(new)
        model.set(fresh)

    def choose(key: str) -> None:
        lesson.set(key)
        apply(BY_KEY[key].settings())

    LessonsPanel(lesson.value, choose)
    SolaraViz(model, components=VIEWS, model_params={"settings": lambda: settings.value}, name=TITLE,
              play_interval=150)
    SettingsSidebar(settings.value, apply, error.value)


@solara.component
def SettingsSidebar(settings: Settings, apply, error: str | None) -> None:
    """Our controls, below SolaraViz's play/step/reset (Solara orders sidebar parts by depth)."""
    _Below(settings, apply, error)


@solara.component
def _Below(settings: Settings, apply, error: str | None) -> None:
    with solara.Sidebar(), solara.Column():
        ScenarioControls(settings, apply, error)
        EffortControls(settings, apply)
        MechanismControls(settings, apply)
        PoolControls(settings, apply)

"""Reset, ▶/❚❚ and Step: Mesa's ModelController, with an end of run that is ready for a reset.

Mesa's controller leaves ▶ a greyed ❚❚ when the run ends (its play loop stops but stays "playing"),
and it hands Reset the parameters it was given once. Here the play loop stops itself at the end of
the run (▶ again, Step and ▶ disabled until Reset), Reset asks the page for a fresh run of the
settings in force, and one frame of Play advances ``months_per_frame`` months. Mesa's
``update_counter`` and ``ShowSteps`` ("Time: N") are used as they are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from mesa.visualization.solara_viz import ShowSteps
from mesa.visualization.utils import force_update

from .runs import TeachingModel

PLAY_INTERVAL_MS = 100  # the pause between frames while playing, on top of the frame's own time
MONTHS_PER_FRAME = 2  # a full run (144 months) then takes 72 frames


def advance(model: TeachingModel, months: int) -> None:
    """Step up to ``months`` months, never past the end of the run."""
    for _ in range(months):
        if not model.running:
            return
        model.step()


@solara.component
def RunControls(model: solara.Reactive[TeachingModel], restart: Callable[[], None]) -> Any:
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    per_frame = solara.use_reactive(MONTHS_PER_FRAME)
    ended = not model.value.running

    def play() -> None:
        """The play loop (a thread): a frame, a pause, until paused, the run ends or is replaced."""
        run = model.value
        while playing.value and run.running and run is model.value:
            advance(run, per_frame.value)
            force_update()  # the views redraw in this thread, before the pause
            time.sleep(interval.value / 1000)
        playing.set(False)  # the end of the run: ▶ again, ready for Reset

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)
    # a fresh run (a lesson, a control, Reset) starts paused at month 0, whatever was playing
    solara.use_effect(lambda: playing.set(False), [model.value])

    def step() -> None:
        advance(model.value, 1)
        force_update()

    def reset() -> None:
        playing.set(False)
        restart()

    with solara.Card("Run", classes=["hta-run"]):
        with solara.Row(justify="space-between"):
            solara.Button(label="Reset", color="primary", on_click=reset, outlined=not ended)
            solara.Button(label="❚❚" if playing.value else "▶", color="primary",
                          on_click=lambda: playing.set(not playing.value), disabled=ended)
            solara.Button(label="Step", color="primary", on_click=step, disabled=playing.value or ended)
        ShowSteps(model.value)
        if ended:
            solara.Text("End of the run: press Reset to play it again.", classes=["hta-ended"])
        solara.SliderInt("months per frame while playing", value=per_frame, min=1, max=12)
        solara.SliderInt("pause between frames (ms)", value=interval, min=0, max=1000, step=50)

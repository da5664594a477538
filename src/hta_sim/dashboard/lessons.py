"""Guided lessons: each loads settings, says what to watch, and names one switch to flip.

Every claim a lesson makes is asserted on its ensemble by ``tests/test_dashboard_lessons.py`` (100 runs,
seed 2018, the page's defaults), and the numbers quoted here were measured there; a lesson whose
claim stops holding fails the suite rather than teaching something untrue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..scenario import preset_names
from .settings import POOL, POOL_MISSING, Settings, for_preset, pool_available


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    text: str  # markdown: what happens and what to watch
    preset: str = "baseline"
    changes: dict[str, Any] = field(default_factory=dict)  # what the lesson loads
    contrast: dict[str, Any] = field(default_factory=dict)  # the switch the text asks to flip
    needs_pool: bool = False
    #: If set, the homes (the homeless count) and pipeline views draw the contrast's band too, under
    #: this label: for a lesson whose text asks the class to watch the run against the settings
    #: without the change.
    contrast_label: str = ""

    def settings(self, seed: int = 2018) -> Settings:
        return for_preset(self.preset, seed=seed, changes=self.changes)

    def contrasted(self, seed: int = 2018) -> Settings:
        return self.settings(seed).changed(self.contrast)

    @property
    def available(self) -> bool:
        return not self.needs_pool or pool_available(self.preset)

    @property
    def unavailable_note(self) -> str:
        return "" if self.available else f"This lesson {POOL_MISSING}."


def _pool_preset() -> str:
    return "development-pool-2019" if "development-pool-2019" in preset_names() else "baseline"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "dip", "Why the dip?",
        "Engagement rises in 2016-17 while the alliance builds itself, then dips in 2018-19, around the "
        "evaluation (dotted line), and recovers as initiatives run and scale. Partners come to expect "
        "concrete results; results take years and reach partners only when communicated.\n\n"
        "**Watch** the band: over 100 runs the dip is clear, between 5 % and 30 % below the 2016-17 "
        "peak. One run may miss it: change the *run played live*.\n\n"
        "**Then** switch off `results_lag` under *Mechanisms*: the dip falls below 5 %.",
        contrast={"mechanisms.results_lag": False}),
    Lesson(
        "board_ab", "Board and advisory board",
        "From the August 2017 association the board meets ten times a year and the advisory board (AB) "
        "three, further from the secretariat.\n\n"
        "**Watch** the AB (orange) stay below the board (blue) in every month of 2018-19, and the "
        "radar: the AB's scores are lower, as in the seed's 2018 pulse.\n\n"
        "**Then** switch off `board_ab_split`: the two bodies move together (the gap shrinks to "
        "under half its size; what stays is who sits on each body).",
        contrast={"mechanisms.board_ab_split": False}),
    Lesson(
        "crowding_out", "Crowding-out",
        "When one funder dominates the alliance's money, the others hold back their money and some "
        "of their engagement, and taking part becomes an expectation of being funded.\n\n"
        "**Watch** *Numbers now*: the largest contributor's share of the month's money.\n\n"
        "**Then** switch off `crowding_out`: the other partners put in more money, and engagement is "
        "higher.",
        contrast={"mechanisms.crowding_out": False}),
    Lesson(
        "pool", "The development pool",
        "The evaluation recommends a small development pool, funded by foundations and run by the "
        "alliance, that invites partners' own proposals: from initiator to host.\n\n"
        "**Watch** the homeless count and the initiatives pipeline after the pool starts, against the "
        "purple band and dash-dotted median of the same settings without it.\n\n"
        "**Then** switch the pool off: with it, more young people are housed through the alliance's "
        "solutions by 2027.",
        preset=_pool_preset(),
        changes={POOL["enabled"]: True, POOL["start"]: "2019-01"},
        contrast={POOL["enabled"]: False},
        needs_pool=True, contrast_label="without the pool"),
    Lesson(
        "funding_ends", "The backbone",
        "Here the secretariat's grant ends in January 2021 (`secretariat.funding_ends`). Collective "
        "impact names a backbone organisation as a condition; the seed's Kalundborg case went idle "
        "when its single funder stopped.\n\n"
        "**Watch** *Numbers now*: the secretariat's paid staff drops from 3 to 0 FTE, and the network "
        "it kept going fades: meetings are no longer held, partners lose contact, the build decays. "
        "Over 100 runs, engagement over 2022-27 falls well below its 2020 level.\n\n"
        "**Then** switch off `coordination` under *Mechanisms* (the purple band): meetings need no one "
        "to hold them, and engagement over 2022-27 falls less.",
        changes={"secretariat.funding_ends": "2021-01"},
        contrast={"mechanisms.coordination": False}, contrast_label="coordination off"),
    Lesson(
        "fatigue", "Fatigue and turnover",
        "Engagement is not static. About one partner in four a year loses its key person; the "
        "successor carries over only part of the commitment, and may lose a rung on the trust "
        "ladder. Meetings and asks that go unmet wear partners down, and what partners expect rises "
        "with what they have seen.\n\n"
        "**Watch** *Numbers now*: key people who left so far, and active partners: some tire and "
        "leave after 2019, candidates join. Engagement stays below its ceiling and the runs spread.\n\n"
        "**Then** switch off `turnover`: engagement over 2024-27 is higher and the runs spread less.",
        contrast={"mechanisms.turnover": False}),
)

BY_KEY = {lesson.key: lesson for lesson in LESSONS}

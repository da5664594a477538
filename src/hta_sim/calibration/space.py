"""The free parameters of the calibration: names, ranges (uniform priors) and why each is free.

At most about ten parameters are fitted; every other scenario value stays as the baseline preset
states it (docs/calibration.md lists them with their sources). The ranges are uniform priors: wide
enough to hold every value the seed's words allow, narrow enough to keep the model in the regime the
mechanisms were written for. Start rungs are whole numbers; the optimiser and the sampler treat them
as continuous and the scenario rounds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrays import Array
from ..scenario import Scenario


@dataclass(frozen=True)
class FreeParameter:
    name: str  # dotted scenario field
    low: float
    high: float
    integer: bool
    why: str  # why it is free and why this range

    def value(self, x: float) -> float | int:
        return round(float(np.clip(x, self.low, self.high))) if self.integer else float(x)


FREE: tuple[FreeParameter, ...] = (
    FreeParameter("engagement.base", 0.3, 0.8, False,
                  "resting engagement with no drive: sets the level of knowledge sharing and "
                  "ambassadorship; the seed gives no number (range: from lukewarm to keen)"),
    FreeParameter("establishment.build_rate", 0.05, 0.6, False,
                  "how fast strategy work builds the alliance: sets shared view and strategy "
                  "scores and when building stops being visible progress (the dip's timing); "
                  "range: building done in about 1 to 8 years"),
    FreeParameter("results_lag.weight", 0.05, 1.0, False,
                  "strength of the results-gap drive, the dip's cause (seed §6): sets its depth"),
    FreeParameter("board_ab_split.closeness_weight", 0.0, 0.4, False,
                  "engagement cost of standing far from the secretariat (seed §6: the AB is unsure "
                  "of its role and shows \"varying and falling\" engagement): sets the board-AB gap"),
    FreeParameter("trust_ladder.climb_probability", 0.01, 0.5, False,
                  "chance a month to climb a rung when eligible: how fast trust turns into "
                  "action (rungs carry whole thinking, new solutions and testing)"),
    FreeParameter("trust_ladder.start_rung_initiator", 0, 7, True,
                  "rung of the 2016 initiators (an initial state; the seed names no rung)"),
    FreeParameter("trust_ladder.start_rung_board_joiner", 0, 7, True,
                  "rung of the organisations joining the board in 2017 (initial state); the "
                  "board's readiness to invest (score 4) is reachable only through co-financing"),
    FreeParameter("trust_ladder.start_rung_ab_joiner", 0, 7, True,
                  "rung of AB-only joiners in 2017 (initial state)"),
    FreeParameter("stake.weight", 0.0, 0.5, False,
                  "how much what a partner has put in holds its commitment (seed §7: \"the moment I "
                  "invest organisational resources, there is [something at stake]\"); it also sets "
                  "how far investing board members stand above the AB whatever the split"),
    FreeParameter("stake.memory_months", 1.0, 36.0, False,
                  "over how many months what a partner put in is remembered: sets readiness to "
                  "invest for partners who joined in August 2017, 14 months before the pulse"),
    FreeParameter("initiatives.launch_rate", 0.05, 0.5, False,
                  "monthly chance that a resourced idea becomes a pilot: sets homes by December "
                  "2018 (seed §8: 18 dorm places and 2 host homes)"),
    # the world's inflow (at most two fitted inflow parameters; the hindcast's grid box)
    FreeParameter("world.inflow_level", 50.0, 300.0, False,
                  "new spells a month at the first fitted count (2009): sets the counts' level; "
                  "range: the hindcast's box, about 0.3-2 times the 2009 count over a spell's length"),
    FreeParameter("world.inflow_growth", 0.0, 0.20, False,
                  "the inflow's growth a year to the last count: sets the 2009-17 rise (+76 % among "
                  "18-29-year-olds 2009-15, SFI 2015); range: none to about twice that pace"),
    # what sets the future: the data before 2019 bite little on these (docs/calibration.md says so)
    FreeParameter("adaptive_expectations.weight", 0.3, 0.9, False,
                  "how far expectations follow results (Repenning 2002): below 0.3 engagement "
                  "saturates, above 0.9 it collapses in every run (issue 12's measurements)"),
    FreeParameter("partner_exit.threshold", 0.15, 0.45, False,
                  "engagement below which a partner starts to leave: the seed gives none; from "
                  "barely engaged to lukewarm"),
    FreeParameter("fatigue.weight", 0.1, 0.5, False,
                  "how much meeting load and unmet asks wear engagement down (seed §6-7: words only)"),
    FreeParameter("solutions.dormitory.reserved_share", 0.10, 0.20, False,
                  "share of a dormitory's rooms reserved for homeless young people (seed §8: 10-20 %)"),
    FreeParameter("solutions.host_home.units_per_month", 0.1, 0.5, False,
                  "hosts recruited a month by a host-home initiative at full resources: sets stays "
                  "by December 2018 (seed §8: 2, behind plan) and the goal's 40-60 in three years"),
    FreeParameter("solutions.housing_first.caseload", 4.0, 12.0, False,
                  "young people a Housing First support worker carries: an assumption (docs/ODD.md), "
                  "from half to one and a half times the model's 8"),
    FreeParameter("adoption.imitation", 0.01, 0.06, False,
                  "Bass's imitation coefficient a month (0.38 a year on average over 213 diffusions, "
                  "Sultan, Farley & Lehmann 1990, about 0.03; range half to twice that)"),
    FreeParameter("recruitment.ask_rate", 0.001, 0.02, False,
                  "a candidate's chance a month of joining per FTE of asking (an assumption: from a "
                  "join every few years to several a year)"),
)


def names(space: tuple[FreeParameter, ...] = FREE) -> list[str]:
    return [f.name for f in space]


def bounds(space: tuple[FreeParameter, ...] = FREE) -> list[tuple[float, float]]:
    """Bounds for the optimiser; integer parameters get half a step beyond so ends are as likely."""
    return [(f.low - 0.49, f.high + 0.49) if f.integer else (f.low, f.high) for f in space]


def changes(x: Array, space: tuple[FreeParameter, ...] = FREE) -> dict[str, float | int]:
    return {f.name: f.value(v) for f, v in zip(space, x, strict=True)}


def scenario(base: Scenario, x: Array, space: tuple[FreeParameter, ...] = FREE) -> Scenario:
    return base.with_changes(changes(x, space))


def read(s: Scenario, space: tuple[FreeParameter, ...] = FREE) -> Array:
    """The free parameters' values in a scenario, in space order."""
    from ..scenario import flatten

    flat = flatten(s.to_dict())
    return np.array([float(flat[f.name]) for f in space])

"""The backbone secretariat: its paid capacity and how it splits it over the six tactical efforts.

Policies (seed §4, §5, §9): ``fixed`` keeps one mix; ``phased`` follows the phase that dominates the
alliance's activity; ``adaptive`` reads each pulse measurement and shifts effort towards the efforts
that serve the weakest parameters, without drifting with every agenda (a bounded shift per pulse);
``host`` (fig. 7.4: "from initiator to host") moves effort from launching towards hosting once
partners lead, the build stands and the last pulse is sound, and back when the pulse falls.
"""

import numpy as np

from .arrays import Array, Mask, count, ordered_sum
from .calendar import MONTHS_A_YEAR
from .month import MonthContext
from .parameters import Params, choice_code
from .pulse import mean_score
from .scenario import Secretariat
from .state import State
from .vocabulary import EFFORT, PULSE_PARAMETERS, STAGE

FIXED, PHASED, HOST = (choice_code(Secretariat, "policy", w) for w in ("fixed", "phased", "host"))
#: The score the adaptive policy aims at: the top of the pulse's 1-5 scale (seed §5).
TOP_SCORE = 5.0

#: Which effort serves each pulse parameter (seed §4's efforts, fig. 7.5's action-phase reading).
SERVES = {
    "shared_view": "strategy",
    "invest_resources": "fundraising",
    "share_knowledge": "data_collection",
    "whole_thinking": "strategy",
    "ambassador": "campaign",
    "strategy_development": "strategy",
    "new_solutions": "local_alliances",
    "testing_solutions": "public_affairs",
}
_SERVES = np.zeros((len(PULSE_PARAMETERS), len(EFFORT)))
for _k, _name in enumerate(PULSE_PARAMETERS):
    _SERVES[_k, EFFORT[SERVES[_name]]] = 1.0


def funded_staff(p: Params, grant_money: Array) -> Array:
    """FTE the month's secretariat grants pay for (R,), capped at the planned staff."""
    cost = p.secretariat.staff * p.funding.secretariat_cost_mdkk_per_fte_year / MONTHS_A_YEAR  # (R, 1)
    paid = np.minimum(1.0, grant_money[:, None] / np.where(cost > 0, cost, 1.0))  # (R, 1): own grants
    return (p.secretariat.staff * paid)[:, 0]


def set_mix(s: State, p: Params, m: MonthContext) -> None:
    """This month's mix; the adaptive policy moves only in the month after a pulse."""
    policy = p.secretariat.policy
    phased = np.stack([p.secretariat.phased.building, p.secretariat.phased.piloting,
                       p.secretariat.phased.scaling], axis=1)  # (R, 3, 6)
    by_phase = np.take_along_axis(phased, s.phase[:, None, None], axis=1)[:, 0]
    adaptive = _adapt(s, p) if m.after_pulse else s.mix
    host = _host(s, p) if m.after_pulse else s.mix
    s.mix[:] = np.where(policy == FIXED, p.secretariat.mix,
                        np.where(policy == PHASED, by_phase, np.where(policy == HOST, host, adaptive)))


def hosting_due(s: State, p: Params) -> tuple[Mask, Mask]:
    """(R, 1) twice: the state calls for hosting (partners lead at least ``host_lead_share`` of the
    working initiatives, the build has reached ``host_build``, the last pulse's mean score is at
    least ``host_pulse``); the state calls for launching again (the last pulse fell below it)."""
    q = p.secretariat
    working = (s.stage >= STAGE["idea"]) & (s.stage <= STAGE["scaled"])
    n = count(working)
    led = np.where(n > 0, count(working & (s.lead >= 0)) / np.maximum(n, 1.0), 0.0)[:, None]
    pulse = mean_score(s.scores, axis=(1, 2))[:, None]
    sound = pulse >= q.host_pulse
    return (led >= q.host_lead_share) & (s.build[:, None] >= q.host_build) & sound, pulse < q.host_pulse


def _host(s: State, p: Params) -> Array:
    """Move ``adaptive_shift`` of the mix towards the host mix when hosting is due, back towards
    the fixed mix when the pulse calls for launching again; otherwise keep it (no drift)."""
    hosting, launching = hosting_due(s, p)
    towards = np.where(hosting, p.secretariat.host, np.where(launching, p.secretariat.mix, s.mix))
    shift = p.secretariat.adaptive_shift
    mixed = (1.0 - shift) * s.mix + shift * towards
    return mixed / ordered_sum(mixed)[:, None]


def _adapt(s: State, p: Params) -> Array:
    """Move ``adaptive_shift`` of the mix towards the efforts behind the weakest pulse scores."""
    gaps = np.nan_to_num(TOP_SCORE - mean_score(s.scores, axis=(1,)), nan=0.0)  # (R, 8)
    served = _SERVES.sum(axis=0)  # an effort serving several parameters answers their mean gap
    want = np.stack([ordered_sum(gaps * _SERVES[:, e]) / served[e] for e in range(len(EFFORT))],
                    axis=-1)
    total = ordered_sum(want)[:, None]
    target = np.where(total > 0, want / np.where(total > 0, total, 1.0), s.mix)
    shift = p.secretariat.adaptive_shift
    mixed = (1.0 - shift) * s.mix + shift * target
    return mixed / ordered_sum(mixed)[:, None]


def effort_fte(s: State) -> Array:
    """FTE spent on each effort this month (R, 6)."""
    return s.mix * s.secretariat_staff[:, None]

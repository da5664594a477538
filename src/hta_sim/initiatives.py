"""The initiative pipeline (seed §8): idea -> pilot -> running -> scaled (or failed).

Ideas arise from the secretariat's strategy and local-alliance work once there is a strategy, and from
partners at the proposing rung; each is an instance of a solution type, in one municipality
(``solutions``). An idea becomes a pilot only with partners' staff and money, a municipality taking
part (it holds the legal authority, seed §7) and regulatory clearance. Pilots and running solutions
take months to years, at a pace set by resources and, for secretariat-led ones, the secretariat's
capacity; at that pace they recruit the units (dormitories, hosts, support workers) whose places the
world's young people fill (``world.housing``). Milestones and young people housed become results,
which partners see only once they are communicated (``communicate``).
"""

import numpy as np

from . import solutions
from .arrays import Array, Codes, Mask, count, ordered_sum, row_argmax, row_max
from .contributions import Pools
from .levers import board_ownership, development_pool, results_communication
from .mechanisms import regulatory_barriers, secretariat_overload
from .mechanisms.trust_ladder import can
from .month import MonthContext
from .parameters import Params
from .state import State
from .vocabulary import EFFORT, SOLUTIONS, STAGE
from .world import FLOWS, evidence

ENTERED = FLOWS.index(f"entered_{SOLUTIONS[0]}")  # the first of the solutions' entries

IDEA, PILOT, RUNNING, SCALED, FAILED = (STAGE[n] for n in ("idea", "pilot", "running", "scaled",
                                                            "failed"))
EMPTY = STAGE["empty"]


def advance(s: State, p: Params, m: MonthContext, pools: Pools, effort: Array) -> Array:
    """One month of the pipeline; returns the result units produced this month (R,)."""
    on = p.initiatives.enabled[:, 0] > 0
    before = s.stage.copy()
    kind, site, rest = solutions.choose(p, m.draws.kind, evidence.municipality_shares())
    _new_idea(s, p, m, effort, on, kind, site)
    if m.draws.pool_pick is not None:
        _pool_idea(s, p, m.draws.pool_pick, on, solutions.choose(p, rest, evidence.municipality_shares()))
        board_ownership.take_over(s, p, m)
    pace = _adequacy(s, p, pools) * secretariat_overload.factor(s.stage, s.lead, effort, p)
    _launch(s, p, pace, m.draws.launch)
    _mature(s, p, pace, effort, m.draws.transition)
    solutions.recruit(s, p, pace)
    homes = housed_this_month(s)
    _credit_leads(s)
    milestones = count((s.stage != before) & (s.stage >= PILOT) & (s.stage <= SCALED))
    return p.initiatives.milestone_units[:, 0] * milestones + p.initiatives.home_units[:, 0] * homes


def communicate(s: State, p: Params, m: MonthContext, produced: Array, effort: Array) -> None:
    """Results join the unshown backlog; data collection and the campaign make a share visible."""
    fte = effort[:, EFFORT["data_collection"]] + effort[:, EFFORT["campaign"]]
    q = p.initiatives
    rate = np.minimum(1.0, q.communication_base[:, 0] + q.communication_per_fte[:, 0] * fte
                      + results_communication.extra_visibility(p, m))
    s.unshown += produced
    s.visible_flow[:] = rate * s.unshown
    s.unshown -= s.visible_flow
    s.visible += s.visible_flow


def housed_this_month(s: State) -> Array:
    """(R,) young people who entered one of the alliance's solutions this month (world.housing)."""
    entered: Array = s.youth_flows[:, ENTERED : ENTERED + len(SOLUTIONS)].sum(axis=(1, 2, 3)).astype(float)
    return entered


def _new_idea(s: State, p: Params, m: MonthContext, effort: Array, on: Mask, kind: Codes,
              site: Codes) -> None:
    q = p.initiatives
    sec_fte = effort[:, EFFORT["strategy"]] + effort[:, EFFORT["local_alliances"]]
    proposers = np.where(can(s, "propose"), s.engagement * s.knowledge_capacity, 0.0)
    rate = q.idea_rate_secretariat[:, 0] * sec_fte * s.build + q.idea_rate_partner[:, 0] * \
        ordered_sum(proposers)
    empty = s.stage == EMPTY
    slot = row_argmax(empty)
    arrives = on & (m.draws.idea < rate / (1.0 + rate)) & (count(empty) > 0)
    rows = np.nonzero(arrives)[0]
    _open(s, rows, slot[rows], kind[rows], site[rows])
    s.lead[rows, slot[rows]] = _lead(s, p, m)[rows]
    s.pooled[rows, slot[rows]] = False


def _open(s: State, rows: Codes, slots: Codes, kind: Codes, site: Codes) -> None:
    """A new idea in each row's slot: of solution type ``kind`` in municipality ``site``, no units yet."""
    s.stage[rows, slots] = IDEA
    s.progress[rows, slots] = 0.0
    s.solution[rows, slots] = kind
    s.site[rows, slots] = site
    s.units[rows, slots] = 0.0


def _pool_idea(s: State, p: Params, pick: Array, on: Mask, choice: tuple[Codes, Codes, Array]) -> None:
    """The development pool funds one proposal a month while its budget lasts (levers)."""
    who = development_pool.proposer(s, p, pick)
    empty = s.stage == EMPTY
    slot = np.argmax(empty, axis=-1)
    funded = on & (who >= 0) & empty.any(axis=-1)
    rows = np.nonzero(funded)[0]
    _open(s, rows, slot[rows], choice[0][rows], choice[1][rows])
    s.lead[rows, slot[rows]] = who[rows]
    s.pooled[rows, slot[rows]] = True
    development_pool.spend(s, p, funded)


def _lead(s: State, p: Params, m: MonthContext) -> Codes:
    """A partner at the leading rung takes the idea (the keenest, with chance); else the secretariat."""
    may = can(s, "lead") | board_ownership.may_lead(s, p, m)
    bid = np.where(may, s.engagement * m.draws.lead, -1.0)
    best = row_argmax(bid)
    return np.where(row_max(bid) > 0, best, -1)


def _adequacy(s: State, p: Params, pools: Pools) -> Array:
    """How fully this month's staff and money cover each pilot and running solution (R, K);
    the development pool covers the money of the initiatives it funds.
    """
    q = p.initiatives
    working = count((s.stage >= PILOT) & (s.stage <= RUNNING))[:, None] + 1.0
    staff = np.minimum(1.0, pools.staff[:, None] / (q.staff_need * working))
    money = np.minimum(1.0, pools.money[:, None] / (q.money_need * working))
    return staff * np.where(s.pooled, 1.0, money)


def _launch(s: State, p: Params, pace: Array, u: Array) -> None:
    municipality = (count(can(s, "lend_staff") & s.municipality_mask) > 0)[:, None]
    chance = p.initiatives.launch_rate * pace * municipality * \
        regulatory_barriers.launch_factor(s, p)
    start = (s.stage == IDEA) & (u < chance)
    s.stage[start] = PILOT
    s.progress[start] = 0.0


def _mature(s: State, p: Params, pace: Array, effort: Array, u: Array) -> None:
    q = p.initiatives
    growing = (s.stage == PILOT) | (s.stage == RUNNING)
    s.progress += np.where(growing, pace, 0.0)
    done_pilot = (s.stage == PILOT) & (s.progress >= q.pilot_months)
    fails = done_pilot & (u < regulatory_barriers.failure(s, p))
    s.stage[fails] = FAILED
    s.stage[done_pilot & ~fails] = RUNNING
    s.progress[done_pilot] = 0.0
    spread = q.scale_rate * effort[:, EFFORT["local_alliances"], None]
    ready = (s.stage == RUNNING) & (s.progress >= q.running_months) & ~done_pilot
    s.stage[ready & (u < spread)] = SCALED


def _credit_leads(s: State) -> None:
    """Count, for each partner, the running or scaled initiatives it leads."""
    producing = (s.stage == RUNNING) | (s.stage == SCALED)
    R, P = s.engagement.shape
    # A count per (replicate, partner): bincount over flat (replicate, lead) keys; exact, so the bits
    # equal those of any other way of counting, and it never builds an (R, P, K) array.
    keys = (np.arange(R)[:, None] * P + s.lead)[producing & (s.lead >= 0)]
    s.led_results[:] = np.bincount(keys, minlength=R * P).reshape(R, P)

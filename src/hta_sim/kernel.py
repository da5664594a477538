"""One month of the alliance: the single code path for every rule, whatever runs it.

The Mesa model calls ``step`` with a batch of one replicate, the vectorised engine with many. All
updates are synchronous: partners respond to the aggregates of the month's start. Each step computes
its ``MonthContext`` once and hands it to the rules. Order (docs/ODD.md, "Process overview"):
the world (young people's flows, the solutions' stays and entries) -> partners join -> the AB
meets or not -> roles and meetings -> the board responds to the AB -> partners contribute -> the
secretariat is paid, coordinates and sets its mix -> the alliance builds itself, and its build
erodes -> initiatives advance -> results become visible -> barriers erode and flats are won ->
municipalities adopt or stop solutions -> partners perceive, remember and tire -> engagement
updates -> key people leave -> rungs move -> partners leave -> phase -> pulse on its dates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import contributions, initiatives, municipalities, phases, pulse, secretariat, solutions, world
from .arrays import masked_mean
from .levers import advisory_board, new_partners, results_communication
from .mechanisms import (
    board_ab_split,
    board_response,
    coordination,
    crowding_out,
    fatigue,
    own_value,
    partner_exit,
    peer_influence,
    recruitment,
    regulatory_barriers,
    results_lag,
    spiral,
    stake,
    trust_ladder,
)
from .month import MonthContext
from .parameters import Params
from .params import Layout
from .state import State
from .streams import Draws
from .vocabulary import EFFORT
from .world import housing

Mask = npt.NDArray[np.bool_]


def step(s: State, p: Params, layout: Layout, t: int, draws: Draws) -> MonthContext:
    """Advance state ``s`` by month ``t`` in place; returns the month's context (pulse taken or not)."""
    m = MonthContext.of(layout, p, t, draws)
    world.month(s, p, m)
    joining = _join(s, p, m)
    advisory_board.dissolve(s, p, m)
    board_response.meets(s, m)
    board_ab_split.roles(s, p, m)
    board_response.act(s, p, m)
    advisory_board.revitalise(s, p, m)
    _welcome(s, p, joining, m)
    pools = contributions.contribute(s, p, layout, m, secretariat.effort_fte(s)[:, EFFORT["fundraising"]])
    s.secretariat_staff[:] = secretariat.funded_staff(p, pools.secretariat_money)
    coordination.upkeep(s, p)
    secretariat.set_mix(s, p, m)
    effort = secretariat.effort_fte(s)
    _build(s, p, effort)
    spiral.erode(s, p, m)
    produced = initiatives.advance(s, p, m, pools, effort)
    initiatives.communicate(s, p, m, produced, effort)
    regulatory_barriers.erode(s, p, effort)
    housing.widen(s, p, m, effort[:, EFFORT["public_affairs"]])
    municipalities.adopt(s, p, m, effort[:, EFFORT["local_alliances"]])
    s.solution_cost += solutions.monthly_cost(s, p)
    results_lag.perceive(s, p, m, results_lag.progress(s, p), results_communication.reach(s, p, m))
    stake.remember(s, p)
    fatigue.wear(s, p)
    _engage(s, p, m)
    fatigue.key_person_leaves(s, p, m.life("turnover"), m.life("alignment"))
    trust_ladder.climb_and_fall(s, p, m.draws.ladder)
    partner_exit.tally(s, p)
    partner_exit.leave(s, partner_exit.leavers(s, p, m))
    s.phase[:] = phases.dominant(s)
    if m.pulse_due:
        s.scores[:] = pulse.measure(s, m.split)
    return m


def _join(s: State, p: Params, m: MonthContext) -> Mask:
    """Initiators join at the start, the other named partners at the association date (a dated
    event), pilot municipalities when the new_partners lever brings them, candidate organisations
    when asked or drawn by results (recruitment; last month's secretariat effort asks).

    Newcomers take the alliance's current view of progress and expectations, and their role's rung
    (a candidate's rung is set on welcome, from its engagement).
    """
    initiator = s.initiator_mask
    named = (initiator | m.associated) & ~s.candidate_mask & ~s.pool_mask
    pilots = new_partners.arrivals(s, p, m)
    pool = recruitment.arrivals(s, p, m, secretariat.effort_fte(s))
    due = (named | pilots | pool) & ~s.active & ~s.left
    if m.step == 0:
        s.barrier[:] = p.regulatory_barriers.initial[:, 0]
    if not due.any():
        return due
    q = p.trust_ladder
    joiner = np.where(s.board, q.start_rung_board_joiner, q.start_rung_ab_joiner)
    joiner = np.where(s.candidate_mask, p.new_partners.rung, joiner)
    rung = np.where(initiator, q.start_rung_initiator, joiner).astype(np.int64)
    s.rung[:] = np.where(due, rung, s.rung)
    s.perceived[:] = np.where(due, _mean_or(s, s.perceived, 0.0), s.perceived)
    s.expectation[:] = np.where(due, _mean_or(s, s.expectation, 0.0), s.expectation)
    s.active |= due
    s.joined[:] = np.where(due, m.step, s.joined)
    s.joins += (due & s.pool_mask).sum(axis=-1)
    return due


def _welcome(s: State, p: Params, joining: Mask, m: MonthContext) -> None:
    """A newcomer starts at the engagement its situation calls for, give or take its own spread; a
    candidate organisation also at the rung that engagement calls for, on the AB while it meets
    (else the board)."""
    if not joining.any():
        return
    e0 = np.clip(target(s, p) + p.engagement.initial_spread * m.draws.engagement0, 0.0, 1.0)
    s.engagement[:] = np.where(joining, e0, s.engagement)
    s.sustained[:] = np.where(joining, e0, s.sustained)
    candidate = joining & s.pool_mask
    s.rung[:] = np.where(candidate, recruitment.entry_rung(e0, p), s.rung)
    s.ab[:] = np.where(candidate, s.ab_meets[:, None], s.ab)
    s.board[:] = np.where(candidate, ~s.ab_meets[:, None], s.board)


def _mean_or(s: State, x: npt.NDArray[np.float64], default: float) -> npt.NDArray[np.float64]:
    """Mean of x over active partners (R, 1); ``default`` where none is active yet."""
    return np.nan_to_num(masked_mean(x, s.active), nan=default)[:, None]


def _build(s: State, p: Params, effort: npt.NDArray[np.float64]) -> None:
    """Strategy work, carried by engaged partners, builds the alliance (seed §6, phase 1)."""
    mean_e = np.nan_to_num(masked_mean(s.engagement, s.active), nan=0.0)
    gain = p.establishment.build_rate[:, 0] * effort[:, EFFORT["strategy"]] * mean_e * (1.0 - s.build)
    s.build_gain[:] = gain
    s.build += gain


def target(s: State, p: Params) -> npt.NDArray[np.float64]:
    """The engagement each partner's situation calls for (R, P): the mechanisms' drives summed."""
    return np.clip(drive(s, p), 0.0, 1.0)


def drive(s: State, p: Params) -> npt.NDArray[np.float64]:
    """(R, P) the mechanisms' drives summed, before the clip to [0, 1]."""
    return (p.engagement.base + results_lag.drive(s, p) + own_value.drive(s, p)
            + board_ab_split.drive(s, p) + crowding_out.drive(s, p) + stake.drive(s, p)
            + fatigue.drive(s, p))


def _engage(s: State, p: Params, m: MonthContext) -> None:
    """Engagement moves towards its target, pulled by peers, with noise."""
    q = p.engagement
    wanted = drive(s, p)
    s.clipped[:] = np.nan_to_num(masked_mean((wanted >= 1.0).astype(float), s.active), nan=0.0)
    moved = s.engagement + q.response * (np.clip(wanted, 0.0, 1.0) - s.engagement) \
        + peer_influence.pull(s, p, m) + q.noise_sd * m.draws.engagement
    s.engagement[:] = np.where(s.active, np.clip(moved, 0.0, 1.0), 0.0)

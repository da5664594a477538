"""One month of the alliance: the single code path for every rule, whatever runs it.

The Mesa model calls ``step`` with a batch of one replicate, the vectorised engine with many. All
updates are synchronous: partners respond to the aggregates of the month's start. Order (DESIGN.md):
partners join -> roles and meetings -> partners contribute -> the secretariat sets its mix ->
the alliance builds itself -> initiatives advance -> results become visible -> barriers erode ->
partners perceive and remember -> engagement updates -> rungs move -> phase -> pulse on its dates.
"""

from __future__ import annotations

import numpy as np

from . import contributions, initiatives, phases, pulse, secretariat
from .arrays import masked_mean
from .levers import advisory_board, new_partners, results_communication
from .mechanisms import (
    board_ab_split,
    crowding_out,
    own_value,
    peer_influence,
    regulatory_barriers,
    results_lag,
    stake,
    trust_ladder,
)
from .params import Layout
from .state import State
from .streams import Noise


def step(s: State, p, layout: Layout, t: int, noise: Noise) -> bool:
    """Advance state ``s`` by month ``t`` in place; returns whether a pulse was taken."""
    month = noise.at(t)
    joining = _join(s, p, t, month.lead)
    advisory_board.dissolve(s, p, t)
    board_ab_split.roles(s, p, t)
    advisory_board.revitalise(s, p, t)
    _welcome(s, p, joining, month.engagement0)
    pools = contributions.contribute(s, p, layout, t, secretariat.effort_fte(s)[:, -1])
    s.secretariat_staff[:] = secretariat.funded_staff(p, pools.secretariat_money)
    secretariat.set_mix(s, p, pulsed=(t - 1) in layout.pulse_steps)
    effort = secretariat.effort_fte(s)
    _build(s, p, effort)
    moves = initiatives.MonthNoise(month.idea, month.size, month.lead, month.launch,
                                   month.transition, month.pool_pick, month.takeover)
    produced = initiatives.advance(s, p, t, pools, effort, moves)
    initiatives.communicate(s, p, t, produced, effort)
    regulatory_barriers.erode(s, p, effort)
    results_lag.perceive(s, p, t, results_lag.progress(s, p), results_communication.reach(s, p, t))
    stake.remember(s, p)
    _engage(s, p, t, month.engagement)
    trust_ladder.climb_and_fall(s, p, month.ladder)
    s.phase[:] = phases.dominant(s)
    if t in layout.pulse_steps:
        s.scores[:] = pulse.measure(s, (t >= p.time.association)[:, 0])
        return True
    return False


def _join(s: State, p, t: int, u: np.ndarray) -> np.ndarray:
    """Initiators join at the start, the other named partners at the association date (a dated
    event), pilot municipalities when the new_partners lever brings them (``u``: their draws).

    Newcomers take the alliance's current view of progress and expectations, and their role's rung.
    """
    initiator = s.initiator_mask
    named = np.where(initiator, t >= 0, t >= p.time.association) & ~s.candidate_mask
    pilots = new_partners.arrivals(s, p, t, u)
    due = (named | pilots) & ~s.active & ~s.left
    if t == 0:
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
    return due


def _welcome(s: State, p, joining: np.ndarray, eps0: np.ndarray) -> None:
    """A newcomer starts at the engagement its situation calls for, give or take its own spread."""
    if not joining.any():
        return
    e0 = np.clip(target(s, p) + p.engagement.initial_spread * eps0, 0.0, 1.0)
    s.engagement[:] = np.where(joining, e0, s.engagement)
    s.sustained[:] = np.where(joining, e0, s.sustained)


def _mean_or(s: State, x: np.ndarray, default: float) -> np.ndarray:
    """Mean of x over active partners (R, 1); ``default`` where none is active yet."""
    return np.nan_to_num(masked_mean(x, s.active), nan=default)[:, None]


def _build(s: State, p, effort: np.ndarray) -> None:
    """Strategy work, carried by engaged partners, builds the alliance (seed §6, phase 1)."""
    mean_e = np.nan_to_num(masked_mean(s.engagement, s.active), nan=0.0)
    gain = p.establishment.build_rate[:, 0] * effort[:, 0] * mean_e * (1.0 - s.build)
    s.build_gain[:] = gain
    s.build += gain


def target(s: State, p) -> np.ndarray:
    """The engagement each partner's situation calls for (R, P): the mechanisms' drives summed."""
    drive = (p.engagement.base + results_lag.drive(s, p) + own_value.drive(s, p)
             + board_ab_split.drive(s, p) + crowding_out.drive(s, p) + stake.drive(s, p))
    return np.clip(drive, 0.0, 1.0)


def _engage(s: State, p, t: int, eps: np.ndarray) -> None:
    """Engagement moves towards its target, pulled by peers, with noise."""
    q = p.engagement
    moved = s.engagement + q.response * (target(s, p) - s.engagement) \
        + peer_influence.pull(s, p, t) + q.noise_sd * eps
    s.engagement[:] = np.where(s.active, np.clip(moved, 0.0, 1.0), 0.0)

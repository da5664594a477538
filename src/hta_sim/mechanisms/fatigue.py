"""Fatigue and turnover inside partners (seed §6: engagement "not static"; §7: individuals matter).

Meetings cost time, and asks that go unmet wear a partner down: strain is the meeting load plus
what the partner puts in while seeing less than it expected; fatigue is strain smoothed over
``memory_months`` and lowers engagement. Separately, a partner's key person leaves at
``turnover_rate`` a month: the one who follows carries over only part of the engagement (and of the
sustained engagement the trust ladder reads, so the rung may fall by the ladder's own rule), and
sees the alliance's fit with the organisation's goals a little differently. Off (``fatigue``,
``turnover``), neither happens.
"""

import numpy as np

from ..arrays import Array, Mask
from ..parameters import Params
from ..state import State


def strain(s: State, p: Params) -> Array:
    """(R, P) this month's strain: meetings, and resources put in for less than was expected."""
    q = p.fatigue
    shortfall = np.clip(1.0 - s.perceived / np.maximum(s.expectation, 1e-9), 0.0, 1.0)
    unmet = np.where(s.expectation > 0, s.invested * shortfall, 0.0)
    return q.meeting_load * s.meetings + q.unmet_load * unmet


def wear(s: State, p: Params) -> None:
    """Fatigue follows strain over the memory; only active partners carry it."""
    moved = s.fatigue + (strain(s, p) - s.fatigue) / p.fatigue.memory_months
    s.fatigue[:] = np.where(s.active, np.clip(moved, 0.0, 1.0), 0.0)


def drive(s: State, p: Params) -> Array:
    return -p.mechanisms.fatigue * p.fatigue.weight * s.fatigue


def key_person_leaves(s: State, p: Params, u: Array, v: Array) -> Mask:
    """(R, P) partners whose key person leaves this month (uniforms ``u``); the successor carries
    over (1 - turnover_loss) of the engagement, and the alignment moves by up to
    ``turnover_alignment`` either way (uniforms ``v``). Whether the rung falls is the ladder's rule."""
    q = p.fatigue
    leaves: Mask = s.active & (p.mechanisms.turnover > 0) & (u < q.turnover_rate)
    kept = np.where(leaves, 1.0 - q.turnover_loss, 1.0)
    s.engagement *= kept
    s.sustained *= kept
    shifted = np.clip(s.alignment + q.turnover_alignment * (2.0 * v - 1.0), 0.0, 1.0)
    s.alignment[:] = np.where(leaves, shifted, s.alignment)
    s.key_changes += leaves.sum(axis=-1)
    return leaves

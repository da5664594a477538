"""Leaving (seed §6: engagement "not static"; §7: a partner takes part for its own organisation's
sake). A partner leaves when its engagement has stayed below ``threshold`` for ``months`` months in
a row, or at once when its own value (``own_value.value``) falls below ``value_floor``. It takes its
roles, leads and money with it: it sits on no body, its grants end (``contributions.grants``) and
its initiatives pass to the keenest partner able to lead, or to the secretariat, whose capacity may
then stall them (``secretariat_overload``). A dated fact of the roster's history holds the named
organisations in until ``named_stay_until``: the 2018 evaluation met every one of them. Off, no
partner leaves on its own.
"""

import numpy as np

from ..arrays import Mask, row_argmax, row_max
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from . import own_value
from .trust_ladder import can


def tally(s: State, p: Params) -> None:
    """Count, for each active partner, the months in a row its engagement has been low."""
    low = s.active & (s.engagement < p.partner_exit.threshold)
    s.below[:] = np.where(low, s.below + 1, 0)


def leavers(s: State, p: Params, m: MonthContext) -> Mask:
    """(R, P) partners who leave this month."""
    q = p.partner_exit
    named = ~s.pool_mask & ~s.candidate_mask
    held = named & ~m.reached(q.named_stay_until)
    # own value is gone only where partners weigh it (own_value on: off, all weigh it neutrally)
    valueless = (p.mechanisms.own_value > 0) & (own_value.value(s, p) < q.value_floor)
    gone = (s.below >= q.months) | valueless
    out: Mask = s.active & (p.mechanisms.partner_exit > 0) & ~held & gone
    return out


def leave(s: State, who: Mask) -> None:
    """``who`` leave now: no body, no engagement, no leads; they never come back."""
    if not who.any():
        return
    s.left |= who
    s.active &= ~who
    s.board &= ~who
    s.ab &= ~who
    s.engagement[who] = 0.0
    s.departures += who.sum(axis=-1)
    hand_over(s, who)


def hand_over(s: State, gone: Mask) -> None:
    """Initiatives led by ``gone`` pass to the keenest partner who can lead, or the secretariat."""
    rows = np.arange(len(s.lead))[:, None]
    orphaned = (s.lead >= 0) & gone[rows, np.maximum(s.lead, 0)]
    bid = np.where(can(s, "lead"), s.engagement, -1.0)
    heir = np.where(row_max(bid) > 0, row_argmax(bid), -1)
    s.lead[:] = np.where(orphaned, heir[:, None], s.lead)

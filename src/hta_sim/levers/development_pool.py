"""A development pool, funded by foundations and run by the alliance, that invites proposals for new
solutions (seed §9: "from initiator to host"). Proposals come from partners on the allowed rungs; a
funded proposal is an idea led by its proposer, with its money covered by the pool. It works through
partner leadership: no secretariat load (secretariat_overload), results at home (own_value) and
shared success on the ladder (trust_ladder), and through more visible results (results_lag).
"""

import numpy as np

from ..arrays import Array, Codes, Mask
from ..calendar import MONTHS_A_YEAR
from ..month import MonthContext
from ..parameters import Params, choice_code
from ..params import Layout
from ..scenario import DevelopmentPool
from ..state import State

LOTTERY = choice_code(DevelopmentPool, "selection", "lottery")


def pay_in(s: State, p: Params, layout: Layout, m: MonthContext) -> Array:
    """The month's money into the pool, by funder (R, P); the pool's budget grows by it."""
    q = p.development_pool
    on = (q.enabled > 0) & m.reached(q.start) & ~m.reached(q.end)
    month = np.where(on, q.mdkk_per_year / MONTHS_A_YEAR, 0.0)[:, 0]
    funders = list(layout.pool_funders)
    paying = ~s.left[:, funders]  # a funder who has left pays no more
    s.pool_budget += month * (paying.sum(axis=-1) / len(funders))
    by_partner = np.zeros_like(s.engagement)
    share = month / len(funders)
    for k, funder in enumerate(funders):
        by_partner[:, funder] += np.where(paying[:, k], share, 0.0)
    return by_partner


def proposer(s: State, p: Params, pick: Array | None) -> Codes:
    """The partner whose proposal is funded this month (R,), or -1 where none can be."""
    q = p.development_pool
    eligible = s.active & (s.rung >= q.proposer_rung) & (s.pool_budget[:, None] >= q.grant_mdkk)
    keenest = np.argmax(np.where(eligible, s.engagement * s.knowledge_capacity, -1.0), axis=-1)
    chosen = keenest
    if pick is not None:
        weight = eligible.astype(float)
        cum = np.cumsum(weight, axis=-1)
        total = cum[:, -1:]
        lottery = np.argmax(cum > pick[:, None] * total, axis=-1)
        chosen = np.where(q.selection[:, 0] == LOTTERY, lottery, keenest)
    return np.where(eligible.any(axis=-1), chosen, -1)


def spend(s: State, p: Params, funded: Mask) -> None:
    """Take one grant from the pool where a proposal was funded (R,) bool."""
    s.pool_budget -= np.where(funded, p.development_pool.grant_mdkk[:, 0], 0.0)

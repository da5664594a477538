"""What partners put in each month: knowledge, staff and money (seed §7), gated by their rung (§3).

Resource types differ by sector (the roster's capacities). Contributions scale with engagement and
never exceed capacity. Money for joint initiatives needs the co-financing rung and is crowded out by a
dominant funder; founders' grants are not rung-gated (Bikubenfonden pays the secretariat and dorm
places from the start) and arrive as scheduled in the scenario.
"""

from dataclasses import dataclass

import numpy as np

from .arrays import Array, Mask, ordered_sum
from .calendar import MONTHS_A_YEAR
from .levers import development_pool
from .mechanisms import crowding_out
from .mechanisms.trust_ladder import can
from .month import MonthContext
from .parameters import Params
from .params import Layout
from .state import State


@dataclass(frozen=True)
class Pools:
    """What the month's contributions make available."""

    staff: Array  # (R,) person-months for initiatives this month
    money: Array  # (R,) MDKK for initiatives this month
    secretariat_money: Array  # (R,) MDKK paying the secretariat this month


def grants(layout: Layout, p: Params, m: MonthContext, partners: int,
           left: Mask | None = None) -> tuple[Array, Array, Array]:
    """This month's grants: by granting partner (R, P), to initiatives (R,), to the secretariat (R,).

    A grant ends when its partner has left the alliance (``left``, (R, P)).
    """
    running = m.reached(p.funding.start) & ~m.reached(p.funding.end)  # (R, G)
    if left is not None:
        running = running & ~left[:, layout.grant_partner]
    ends = np.where(layout.grant_secretariat, p.secretariat.funding_ends, np.inf)
    amount = np.where(running & ~m.reached(ends), p.funding.amount, 0.0)
    by_partner = np.zeros((amount.shape[0], partners))
    for g, partner in enumerate(layout.grant_partner):
        by_partner[:, partner] += amount[:, g]
    secretariat = ordered_sum(np.where(layout.grant_secretariat, amount, 0.0))
    initiatives = ordered_sum(np.where(layout.grant_secretariat, 0.0, amount))
    return by_partner, initiatives, secretariat


def contribute(s: State, p: Params, layout: Layout, m: MonthContext, fundraising_fte: Array) -> Pools:
    e = np.where(s.active, s.engagement, 0.0)
    s.knowledge_given[:] = s.knowledge_capacity * e * can(s, "share_knowledge")
    s.staff_given[:] = s.staff_capacity * e * can(s, "lend_staff")
    co_finance = s.money_capacity / MONTHS_A_YEAR * e * can(s, "co_finance") * \
        crowding_out.money_factor(s, p)
    founder, to_initiatives, secretariat_money = grants(layout, p, m, s.engagement.shape[1], s.left)
    pool = development_pool.pay_in(s, p, layout, m)
    s.cofinance_given[:] = co_finance
    s.money_given[:] = co_finance + founder + pool
    raised = fundraising_fte * p.funding.fundraising_mdkk_per_fte_month[:, 0]
    s.dominance[:] = crowding_out.dominance(s.money_given)
    return Pools(staff=ordered_sum(s.staff_given),
                 money=ordered_sum(co_finance) + to_initiatives + raised,
                 secretariat_money=secretariat_money)

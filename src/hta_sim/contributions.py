"""What partners put in each month: knowledge, staff and money (seed §7), gated by their rung (§3).

Resource types differ by sector (the roster's capacities). Contributions scale with engagement and
never exceed capacity. Money for joint initiatives needs the co-financing rung and is crowded out by a
dominant funder; founders' grants are not rung-gated (Bikubenfonden pays the secretariat and dorm
places from the start) and arrive as scheduled in the scenario.
"""

from dataclasses import dataclass

import numpy as np

from .arrays import ordered_sum
from .levers import development_pool
from .mechanisms import crowding_out
from .mechanisms.trust_ladder import can
from .params import Layout
from .state import State


@dataclass(frozen=True)
class Pools:
    staff: np.ndarray  # (R,) person-months for initiatives this month
    money: np.ndarray  # (R,) MDKK for initiatives this month
    secretariat_money: np.ndarray  # (R,) MDKK paying the secretariat this month


def grants(layout: Layout, p, t: int, partners: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This month's grants: by granting partner (R, P), to initiatives (R,), to the secretariat (R,)."""
    running = (t >= p.funding.start) & (t < p.funding.end)  # (R, G)
    ends = np.where(layout.grant_secretariat, p.secretariat.funding_ends, np.inf)
    amount = np.where(running & (t < ends), p.funding.amount, 0.0)
    by_partner = np.zeros((amount.shape[0], partners))
    for g, partner in enumerate(layout.grant_partner):
        by_partner[:, partner] += amount[:, g]
    secretariat = ordered_sum(np.where(layout.grant_secretariat, amount, 0.0))
    initiatives = ordered_sum(np.where(layout.grant_secretariat, 0.0, amount))
    return by_partner, initiatives, secretariat


def contribute(s: State, p, layout: Layout, t: int, fundraising_fte: np.ndarray) -> Pools:
    e = np.where(s.active, s.engagement, 0.0)
    s.knowledge_given[:] = s.knowledge_capacity * e * can(s, "share_knowledge")
    s.staff_given[:] = s.staff_capacity * e * can(s, "lend_staff")
    co_finance = s.money_capacity / 12.0 * e * can(s, "co_finance") * crowding_out.money_factor(s, p)
    founder, to_initiatives, secretariat_money = grants(layout, p, t, s.engagement.shape[1])
    pool = development_pool.pay_in(s, p, layout, t)
    s.cofinance_given[:] = co_finance
    s.money_given[:] = co_finance + founder + pool
    raised = fundraising_fte * p.funding.fundraising_mdkk_per_fte_month[:, 0]
    s.dominance[:] = crowding_out.dominance(s.money_given)
    return Pools(staff=ordered_sum(s.staff_given),
                 money=ordered_sum(co_finance) + to_initiatives + raised,
                 secretariat_money=secretariat_money)

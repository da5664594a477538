"""contributions: the month's grants by date and purpose, and what partners put in, gated by rung."""

import numpy as np
import pytest
from builders import compiled, month, state
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import contributions

GRANTS = [
    {"partner": "bikubenfonden", "purpose": "secretariat", "mdkk_per_year": 12.0, "start": "2016-01"},
    {"partner": "bikubenfonden", "purpose": "initiatives", "mdkk_per_year": 6.0, "start": "2016-01",
     "end": "2016-06"},
]
RULES = {"funding.grants": GRANTS, "secretariat.funding_ends": "2016-04",
         "funding.fundraising_mdkk_per_fte_month": 0.25, "crowding_out.money_strength": 0.5}
LAYOUT, P = compiled(RULES)


@pytest.mark.parametrize(("step", "founder", "to_initiatives", "to_secretariat"), [
    (0, 12.0 / 12 + 6.0 / 12, 6.0 / 12, 12.0 / 12),
    (2, 12.0 / 12 + 6.0 / 12, 6.0 / 12, 12.0 / 12),
    (3, 6.0 / 12, 6.0 / 12, 0.0),  # the secretariat's funding ends (secretariat.funding_ends)
    (5, 0.0, 0.0, 0.0),  # the initiatives grant has ended too (its end month)
])
def test_grants_pay_monthly_between_their_start_and_end(step, founder, to_initiatives, to_secretariat):
    by_partner, initiatives, secretariat = contributions.grants(LAYOUT, P, month(step=step), 3)
    np.testing.assert_array_equal(by_partner, [[founder, 0.0, 0.0]])
    np.testing.assert_array_equal(initiatives, [to_initiatives])
    np.testing.assert_array_equal(secretariat, [to_secretariat])


def test_more_funders_take_over_a_share_of_initiative_grants_and_add_their_own():
    layout, p = compiled({**RULES, "more_funders.enabled": True, "more_funders.start": "2016-03",
                          "more_funders.share": 0.5, "more_funders.mdkk_per_year": 12.0})
    before, _, _ = contributions.grants(layout, p, month(step=1), 3)
    after, initiatives, secretariat = contributions.grants(layout, p, month(step=2), 3)
    np.testing.assert_array_equal(before, [[1.0 + 0.5, 0.0, 0.0]])
    # from March: Bikubenfonden keeps half of its 0.5 a month, realdania pays the other half and 1.0
    np.testing.assert_array_equal(after, [[1.0 + 0.5 * 0.5, 0.5 * 0.5 + 12.0 / 12, 0.0]])
    np.testing.assert_array_equal(initiatives, [0.25 + 0.25 + 1.0])
    np.testing.assert_array_equal(secretariat, [1.0])


def three(**values):
    """The founder (rung 7, dominant last month), a co-financer (rung 7) and a partner at rung 6."""
    start = {"active": True, "rung": [7, 7, 6], "engagement": [0.5, 1.0, 0.5],
             "money_capacity": [24.0, 12.0, 12.0], "staff_capacity": [1.0, 2.0, 2.0],
             "knowledge_capacity": [0.5, 1.0, 1.0], "money_given": [2.0, 1.0, 0.0], "dominance": 0.5}
    return state(**{**start, **values})


def test_contribute_exact_month():
    s = three()
    pools = contributions.contribute(s, P, LAYOUT, month(step=0), np.array([2.0]))
    np.testing.assert_array_equal(s.knowledge_given, [[0.5 * 0.5, 1.0 * 1.0, 1.0 * 0.5]])
    np.testing.assert_array_equal(s.staff_given, [[1.0 * 0.5, 2.0 * 1.0, 2.0 * 0.5]])
    # co-financing: capacity / 12 x engagement, the non-dominant cut by 0.5 x last month's dominance
    co = [24.0 / 12 * 0.5, 12.0 / 12 * 1.0 * (1.0 - 0.5 * 0.5), 0.0]
    np.testing.assert_array_equal(s.cofinance_given, [co])
    np.testing.assert_array_equal(s.money_given, [[co[0] + 1.5, co[1], 0.0]])
    assert s.dominance[0] == pytest.approx((1.0 + 1.5) / (1.0 + 1.5 + 0.75), rel=1e-12)
    np.testing.assert_array_equal(pools.staff, [0.5 + 2.0 + 1.0])
    np.testing.assert_array_equal(pools.money, [(co[0] + co[1]) + 0.5 + 2.0 * 0.25])
    np.testing.assert_array_equal(pools.secretariat_money, [1.0])


@pytest.mark.parametrize(("rung", "knowledge", "staff", "money"), [
    (1, 0.0, 0.0, 0.0), (2, 0.5, 0.0, 0.0), (3, 0.5, 1.0, 0.0), (6, 0.5, 1.0, 0.0), (7, 0.5, 1.0, 0.5)])
def test_what_a_partner_gives_is_gated_by_its_rung(rung, knowledge, staff, money):
    s = state(active=[True, False, False], rung=rung, engagement=0.5, knowledge_capacity=1.0,
              staff_capacity=2.0, money_capacity=12.0)
    layout, p = compiled({**RULES, "funding.grants": []})
    contributions.contribute(s, p, layout, month(), np.array([0.0]))
    assert (s.knowledge_given[0, 0], s.staff_given[0, 0], s.money_given[0, 0]) == (knowledge, staff, money)


def test_inactive_partners_and_zero_capacities_give_nothing():
    s = three(active=[False, True, True], money_capacity=[24.0, 0.0, 12.0], staff_capacity=[1.0, 0.0, 2.0],
              knowledge_capacity=[0.5, 0.0, 1.0])
    contributions.contribute(s, P, LAYOUT, month(step=5), np.array([0.0]))  # no grant in force
    np.testing.assert_array_equal(s.knowledge_given, [[0.0, 0.0, 0.5]])
    np.testing.assert_array_equal(s.staff_given, [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(s.money_given, [[0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(s.dominance, [0.0])


def test_the_pool_lever_pays_in_as_its_funder_money():
    layout, p = compiled({**RULES, "development_pool.enabled": True, "development_pool.start": "2016-01",
                          "development_pool.mdkk_per_year": 6.0})
    s = three(money_given=0.0, dominance=0.0)
    contributions.contribute(s, p, layout, month(step=5), np.array([0.0]))
    np.testing.assert_array_equal(s.money_given[:, 0], [24.0 / 12 * 0.5 + 6.0 / 12])
    np.testing.assert_array_equal(s.cofinance_given[:, 0], [24.0 / 12 * 0.5])
    np.testing.assert_array_equal(s.pool_budget, [6.0 / 12])


POOL_LAYOUT, POOL_P = compiled({**RULES, "development_pool.enabled": True,
                                "development_pool.start": "2016-01"})
unit = st.floats(0.0, 1.0)
trio = st.lists(unit, min_size=3, max_size=3)


@settings(max_examples=150, deadline=None)
@given(engagement=trio, rung=st.lists(st.integers(0, 7), min_size=3, max_size=3),
       active=st.lists(st.booleans(), min_size=3, max_size=3),
       money=st.lists(st.floats(0.0, 50.0), min_size=3, max_size=3),
       staff=st.lists(st.floats(0.0, 5.0), min_size=3, max_size=3), knowledge=trio,
       last=st.lists(st.floats(0.0, 10.0), min_size=3, max_size=3), dominance=unit,
       step=st.integers(0, 143), fte=st.floats(0.0, 3.0))
def test_money_given_never_exceeds_capacity_plus_grants(
        engagement, rung, active, money, staff, knowledge, last, dominance, step, fte):
    s = state(active=active, rung=rung, engagement=engagement, money_capacity=money, staff_capacity=staff,
              knowledge_capacity=knowledge, money_given=last, dominance=dominance)
    contributions.contribute(s, POOL_P, POOL_LAYOUT, month(step=step), np.array([fte]))
    # every grant's monthly amount, whatever its dates, and the pool's monthly pay-in, by partner
    grants = np.zeros(3)
    np.add.at(grants, POOL_LAYOUT.grant_partner, POOL_P.funding.amount[0])
    grants[POOL_LAYOUT.pool_funders] += POOL_P.development_pool.mdkk_per_year[0, 0] / 12
    assert (s.money_given[0] <= np.array(money) / 12 + grants + 1e-12).all()
    assert (s.cofinance_given[0] <= np.array(money) / 12 + 1e-12).all()
    assert (s.staff_given[0] <= np.array(staff)).all()
    assert (s.knowledge_given[0] <= np.array(knowledge)).all()
    assert 0.0 <= s.dominance[0] <= 1.0

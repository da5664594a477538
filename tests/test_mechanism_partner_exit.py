"""partner_exit: who leaves, when, and what goes with a partner that leaves."""

import numpy as np
from builders import compiled, month, params, state

from hta_sim import contributions
from hta_sim.mechanisms import partner_exit

#: Engagement below 0.5 for 3 months in a row; no own-value floor; the named roster not held.
EXIT = {"partner_exit.threshold": 0.5, "partner_exit.months": 3, "partner_exit.value_floor": 0.0,
        "partner_exit.named_stay_until": "2015-01"}


def test_a_partner_below_the_threshold_for_n_months_leaves_in_month_n_and_not_before():
    p = params(EXIT)
    s = state(partners=2, active=True, engagement=[0.25, 0.75])
    for n in (1, 2, 3):
        partner_exit.tally(s, p)
        out = partner_exit.leavers(s, p, month(partners=2, step=n))
        np.testing.assert_array_equal(out, [[n == 3, False]], err_msg=f"month {n}")


def test_a_month_at_or_above_the_threshold_starts_the_count_again():
    p = params(EXIT)
    s = state(partners=1, active=True, engagement=0.25, below=2)
    s.engagement[:] = 0.5  # not below: the run of low months is broken
    partner_exit.tally(s, p)
    np.testing.assert_array_equal(s.below, [[0]])


def test_a_partner_whose_own_value_is_gone_leaves_at_once():
    p = params({**EXIT, "partner_exit.value_floor": 0.375, "own_value.home_bonus": 0.25})
    # value = alignment + 0.25 squash(led): 0.25; 0.25 + 0.25 x 0.5 = 0.375 (not below); 0.5
    s = state(partners=3, active=True, engagement=1.0, alignment=[0.25, 0.25, 0.5],
              led_results=[0.0, 1.0, 0.0])
    out = partner_exit.leavers(s, p, month(partners=3, step=1))
    np.testing.assert_array_equal(out, [[True, False, False]])


def test_the_named_roster_stays_until_its_date_and_candidates_do_not_wait():
    # 2019-01 is step 36 of a run from 2016-01
    p = params({**EXIT, "partner_exit.named_stay_until": "2019-01"})
    s = state(partners=2, active=True, engagement=0.0, below=3, pool_mask=[False, True])
    np.testing.assert_array_equal(partner_exit.leavers(s, p, month(partners=2, step=35)), [[False, True]])
    np.testing.assert_array_equal(partner_exit.leavers(s, p, month(partners=2, step=36)), [[True, True]])


def test_off_no_one_leaves():
    p = params({**EXIT, "mechanisms.partner_exit": False})
    s = state(partners=1, active=True, engagement=0.0, below=99, alignment=0.0)
    assert not partner_exit.leavers(s, p, month(partners=1, step=99)).any()


def test_a_partner_that_leaves_loses_its_bodies_engagement_and_leads_at_once():
    s = state(partners=3, slots=3, active=True, board=True, ab=True, engagement=[0.5, 0.75, 0.625],
              rung=[5, 5, 4], lead=[0, 2, -1])
    partner_exit.leave(s, np.array([[True, False, False]]))
    np.testing.assert_array_equal(s.active, [[False, True, True]])
    np.testing.assert_array_equal(s.left, [[True, False, False]])
    np.testing.assert_array_equal(s.board, [[False, True, True]])
    np.testing.assert_array_equal(s.ab, [[False, True, True]])
    np.testing.assert_array_equal(s.engagement, [[0.0, 0.75, 0.625]])
    # its initiative passes to partner 1, the keenest able to lead (rung 5); partner 2 is at rung 4
    np.testing.assert_array_equal(s.lead, [[1, 2, -1]])
    np.testing.assert_array_equal(s.departures, [1])


def test_an_initiative_with_no_partner_able_to_lead_passes_to_the_secretariat():
    s = state(partners=2, slots=1, active=True, engagement=0.5, rung=[5, 4], lead=[0])
    partner_exit.leave(s, np.array([[True, False]]))
    np.testing.assert_array_equal(s.lead, [[-1]])


def test_a_departed_partner_contributes_nothing_and_its_grants_end():
    grants = [{"partner": "bikubenfonden", "purpose": "secretariat", "mdkk_per_year": 12.0,
               "start": "2016-01"},
              {"partner": "bikubenfonden", "purpose": "initiatives", "mdkk_per_year": 6.0,
               "start": "2016-01"}]
    layout, p = compiled({"funding.grants": grants})
    s = state(active=True, rung=7, engagement=1.0, money_capacity=12.0, staff_capacity=1.0,
              knowledge_capacity=1.0)
    partner_exit.leave(s, np.array([[True, False, False]]))
    pools = contributions.contribute(s, p, layout, month(step=0), np.array([0.0]))
    for given in (s.staff_given, s.money_given, s.knowledge_given):
        np.testing.assert_array_equal(given[0, 0], 0.0)
    np.testing.assert_array_equal(pools.secretariat_money, [0.0])
    # the other two still give: 1/12 of 12 MDKK co-financing each
    np.testing.assert_array_equal(s.money_given, [[0.0, 1.0, 1.0]])


def test_with_own_value_off_no_partner_leaves_for_its_value():
    p = params({**EXIT, "partner_exit.value_floor": 0.5, "mechanisms.own_value": False})
    s = state(partners=1, active=True, engagement=1.0, alignment=0.0)
    assert not partner_exit.leavers(s, p, month(partners=1, step=1)).any()

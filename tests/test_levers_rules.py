"""The levers' rules, one by one, on hand-built states (tests/test_levers.py checks their effects on
ensembles): the advisory board's change, board ownership, the development pool, new partners and
results communication."""

import numpy as np
import pytest
from builders import STAGE, compiled, effort, month, params, state

from hta_sim import initiatives
from hta_sim.levers import (
    advisory_board,
    board_ownership,
    development_pool,
    new_partners,
    results_communication,
)

IDEA, PILOT, RUNNING, SCALED = (STAGE[n] for n in ("idea", "pilot", "running", "scaled"))


# --- advisory board -------------------------------------------------------------------------------

def bodies(**values):
    """0 on the board only, 1 on the AB only, 2 on both; all active."""
    start = {"active": True, "board": [True, False, True], "ab": [False, True, True],
             "engagement": 0.5, "meetings": [1.0, 0.25, 1.0], "closeness": [1.0, 0.25, 1.0]}
    return state(**{**start, **values})


def dissolving(to):
    return params({"advisory_board.change": "dissolve", "advisory_board.date": "2016-06",
                   "advisory_board.dissolve_to": to})


def test_dissolved_ab_members_take_a_board_seat():
    s = bodies()
    advisory_board.dissolve(s, dissolving("board"), month(step=5, associated=True))
    np.testing.assert_array_equal(s.board, [[True, True, True]])
    np.testing.assert_array_equal(s.ab, [[False, False, False]])
    np.testing.assert_array_equal(s.active, [[True, True, True]])


def test_dissolved_ab_members_leave_the_alliance():
    s = bodies()
    advisory_board.dissolve(s, dissolving("leave"), month(step=5, associated=True))
    np.testing.assert_array_equal(s.left, [[False, True, False]])
    np.testing.assert_array_equal(s.active, [[True, False, True]])
    np.testing.assert_array_equal(s.engagement, [[0.5, 0.0, 0.5]])
    np.testing.assert_array_equal(s.board, [[True, False, True]])
    np.testing.assert_array_equal(s.ab, [[False, False, False]])  # members of both leave the AB too


@pytest.mark.parametrize(("step", "associated"), [(4, True), (5, False)])
def test_the_ab_is_not_dissolved_before_its_date_or_before_the_association(step, associated):
    s = bodies()
    advisory_board.dissolve(s, dissolving("leave"), month(step=step, associated=associated))
    np.testing.assert_array_equal(s.ab, [[False, True, True]])
    np.testing.assert_array_equal(s.active, [[True, True, True]])


def test_revitalised_ab_only_members_meet_more_and_stand_closer():
    p = params({"advisory_board.change": "revitalise", "advisory_board.date": "2016-06",
                "advisory_board.meetings_per_year": 6.0, "advisory_board.closeness": 0.75})
    s = state(partners=4, active=[True, True, True, False], board=[True, False, False, False],
              ab=[False, True, True, True], meetings=[0.25, 0.25, 1.0, 0.0],
              closeness=[0.25, 0.25, 0.25, 0.0])
    advisory_board.revitalise(s, p, month(partners=4, step=5, associated=True))
    # at least 6 / 12 meetings a month and closeness 0.75; not the board member nor the inactive one
    np.testing.assert_array_equal(s.meetings, [[0.25, 0.5, 1.0, 0.0]])
    np.testing.assert_array_equal(s.closeness, [[0.25, 0.75, 0.75, 0.0]])


def test_keeping_the_ab_changes_nothing():
    p = params({"advisory_board.change": "keep", "advisory_board.date": "2016-01"})
    s = bodies()
    advisory_board.dissolve(s, p, month(step=5, associated=True))
    advisory_board.revitalise(s, p, month(step=5, associated=True))
    np.testing.assert_array_equal(s.meetings, [[1.0, 0.25, 1.0]])
    np.testing.assert_array_equal(s.ab, [[False, True, True]])


# --- board ownership ------------------------------------------------------------------------------

OWNERSHIP = {"board_ownership.enabled": True, "board_ownership.start": "2016-06",
             "board_ownership.lead_rung": 3, "board_ownership.takeover_rate": 0.5}


def owners(**values):
    """Board members 0 (rung 3) and 2 (rung 4, keener); 1 on the AB at rung 7."""
    start = {"active": True, "board": [True, False, True], "rung": [3, 7, 4],
             "engagement": [0.5, 1.0, 0.75]}
    return state(slots=3, **{**start, **values})


def test_board_members_may_lead_from_the_lever_rung_after_its_start():
    p = params(OWNERSHIP)
    s = owners()
    np.testing.assert_array_equal(board_ownership.may_lead(s, p, month(step=5)), [[True, False, True]])
    np.testing.assert_array_equal(board_ownership.may_lead(s, p, month(step=4)), [[False, False, False]])
    off = params({**OWNERSHIP, "board_ownership.enabled": False})
    np.testing.assert_array_equal(board_ownership.may_lead(s, off, month(step=5)), [[False, False, False]])


def test_under_the_lever_a_board_member_below_the_leading_rung_takes_a_new_idea():
    p = params(OWNERSHIP)
    s = owners(rung=[3, 2, 2], stage=[PILOT, 0, 0], build=1.0)  # no one at initiative_taking (5)
    initiatives._new_idea(s, p, month(slots=3, step=5, idea=0.0, lead=0.5), effort(strategy=1.0),
                          np.array([True]), np.array([0]), np.array([0]))
    np.testing.assert_array_equal(s.stage, [[PILOT, IDEA, 0]])
    np.testing.assert_array_equal(s.lead, [[-1, 0, -1]])


def test_take_over_hands_working_secretariat_led_initiatives_to_the_keenest_board_member():
    p = params(OWNERSHIP)
    s = owners(stage=[IDEA, PILOT, SCALED], lead=-1)
    board_ownership.take_over(s, p, month(slots=3, step=5, takeover=[0.4, 0.5, 0.0]))
    np.testing.assert_array_equal(s.lead, [[2, -1, -1]])  # u 0.5 is not below 0.5; scaled is done


def test_take_over_leaves_partner_led_initiatives_with_their_lead():
    s = owners(stage=[IDEA, RUNNING, PILOT], lead=[1, -1, -1])
    board_ownership.take_over(s, params(OWNERSHIP), month(slots=3, step=5, takeover=0.0))
    np.testing.assert_array_equal(s.lead, [[1, 2, 2]])


def test_take_over_needs_an_eligible_owner():
    s = owners(stage=[IDEA, RUNNING, PILOT], rung=[2, 7, 2])  # the board members are below rung 3
    board_ownership.take_over(s, params(OWNERSHIP), month(slots=3, step=5, takeover=0.0))
    np.testing.assert_array_equal(s.lead, [[-1, -1, -1]])


def test_take_over_without_its_draws_does_nothing():
    s = owners(stage=[IDEA, PILOT, RUNNING])
    board_ownership.take_over(s, params(OWNERSHIP), month(slots=3, step=5))
    np.testing.assert_array_equal(s.lead, [[-1, -1, -1]])


# --- development pool -----------------------------------------------------------------------------

POOL = {"development_pool.enabled": True, "development_pool.start": "2016-03",
        "development_pool.end": "2016-06", "development_pool.mdkk_per_year": 6.0,
        "development_pool.proposer_rung": 4, "development_pool.grant_mdkk": 0.5}


@pytest.mark.parametrize(("step", "paid"), [(1, 0.0), (2, 0.5), (4, 0.5), (5, 0.0)])
def test_the_pool_is_paid_monthly_between_its_start_and_end(step, paid):
    layout, p = compiled(POOL)
    s = state(pool_budget=1.0)
    by_partner = development_pool.pay_in(s, p, layout, month(step=step))
    np.testing.assert_array_equal(by_partner, [[paid, 0.0, 0.0]])
    np.testing.assert_array_equal(s.pool_budget, [1.0 + paid])


def test_several_funders_share_the_pool_payments():
    layout, p = compiled({**POOL, "development_pool.funders": ["bikubenfonden", "realdania"]})
    by_partner = development_pool.pay_in(state(), p, layout, month(step=2))
    np.testing.assert_array_equal(by_partner, [[0.25, 0.25, 0.0]])


def proposers(**values):
    start = {"active": True, "rung": [4, 3, 5], "engagement": [0.5, 1.0, 0.75],
             "knowledge_capacity": [1.0, 1.0, 0.5], "pool_budget": 0.5}
    return state(**{**start, **values})


def test_the_keenest_eligible_proposer_is_funded():
    # eligible: 0 (0.5 x 1.0) and 2 (0.75 x 0.5 = 0.375); 1 is below the proposer rung
    np.testing.assert_array_equal(development_pool.proposer(proposers(), params(POOL), None), [0])


@pytest.mark.parametrize(("pick", "chosen"), [(0.25, 0), (0.5, 2), (0.75, 2)])
def test_the_lottery_picks_among_the_eligible_by_its_draw(pick, chosen):
    p = params({**POOL, "development_pool.selection": "lottery"})
    # cumulative eligibility (1, 1, 2): the first whose cumulative count exceeds pick x 2
    np.testing.assert_array_equal(development_pool.proposer(proposers(), p, np.array([pick])), [chosen])


def test_no_proposer_when_the_budget_is_short_of_a_grant():
    got = development_pool.proposer(proposers(pool_budget=0.4375), params(POOL), None)
    np.testing.assert_array_equal(got, [-1])


def test_spending_takes_one_grant_where_a_proposal_was_funded():
    s = state(reps=2, pool_budget=[1.0, 1.0])
    development_pool.spend(s, params(POOL, replicates=2), np.array([True, False]))
    np.testing.assert_array_equal(s.pool_budget, [0.5, 1.0])


# --- new partners ---------------------------------------------------------------------------------

NEW = {"new_partners.enabled": True, "new_partners.start": "2016-04", "new_partners.join_probability": 0.5}


def waiting(**values):
    """Partner 0 active; 1 and 2 waiting pilot municipalities; a solution runs and results show."""
    start = {"active": [True, False, False], "candidate_mask": [False, True, True],
             "stage": [RUNNING, IDEA], "visible": 1.0}
    return state(**{**start, **values})


def test_waiting_pilots_join_on_their_draw_once_a_visible_solution_runs():
    got = new_partners.arrivals(waiting(), params(NEW), month(step=3, lead=[0.0, 0.25, 0.75]))
    np.testing.assert_array_equal(got, [[False, True, False]])


@pytest.mark.parametrize(("why", "step", "changes"), [
    ({"stage": [PILOT, IDEA]}, 3, {}),  # no solution running or scaled
    ({"visible": 0.0}, 3, {}),  # nothing visible yet
    ({"left": [False, True, True]}, 3, {}),  # left the alliance
    ({}, 2, {}),  # before the lever's start
    ({}, 3, {"mechanisms.results_lag": False}),  # joining responds to seen results
    ({}, 3, {"new_partners.enabled": False}),
])
def test_no_pilot_joins(why, step, changes):
    got = new_partners.arrivals(waiting(**why), params({**NEW, **changes}), month(step=step, lead=0.0))
    np.testing.assert_array_equal(got, [[False, False, False]])


def test_a_scaled_solution_counts_as_working():
    got = new_partners.arrivals(waiting(stage=[SCALED, IDEA]), params(NEW), month(step=3, lead=0.0))
    np.testing.assert_array_equal(got, [[False, True, True]])


# --- results communication ------------------------------------------------------------------------

COMMUNICATION = {"results_communication.enabled": True, "results_communication.start": "2016-04",
                 "results_communication.visibility": 0.25, "results_communication.reach": 0.75}


def test_extra_visibility_from_the_lever_start():
    p = params(COMMUNICATION)
    np.testing.assert_array_equal(results_communication.extra_visibility(p, month(step=2)), [0.0])
    np.testing.assert_array_equal(results_communication.extra_visibility(p, month(step=3)), [0.25])


def test_reach_is_half_and_half_of_closeness_raised_by_the_lever():
    p = params(COMMUNICATION)
    s = state(closeness=[1.0, 0.25, 0.0])
    np.testing.assert_array_equal(results_communication.reach(s, p, month(step=2)),
                                  [[0.5 + 0.5 * 1.0, 0.5 + 0.5 * 0.25, 0.5 + 0.5 * 0.0]])
    np.testing.assert_array_equal(results_communication.reach(s, p, month(step=3)), [[1.0, 0.75, 0.75]])
    off = params({**COMMUNICATION, "results_communication.enabled": False})
    np.testing.assert_array_equal(results_communication.reach(s, off, month(step=3)), [[1.0, 0.625, 0.5]])

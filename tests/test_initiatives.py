"""The initiative pipeline, stage by stage: idea arrival (its solution type and site), pool ideas,
launch, a pilot's end (running or failed), scaling, recruiting units, credit to leads, and
communication of results.
"""

import numpy as np
import pytest
from builders import QUIET, STAGE, effort, month, params, state
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import initiatives
from hta_sim.contributions import Pools
from hta_sim.world import FLOWS

EMPTY, IDEA, PILOT, RUNNING, SCALED, FAILED = (STAGE[n] for n in ("empty", "idea", "pilot", "running",
                                                                   "scaled", "failed"))
RULES = {
    "initiatives.idea_rate_secretariat": 0.5, "initiatives.idea_rate_partner": 0.5,
    "initiatives.launch_rate": 0.5, "initiatives.staff_need": 1.0,
    "initiatives.money_need": 0.25, "initiatives.pilot_months": 12.0, "initiatives.running_months": 24.0,
    "initiatives.scale_rate": 0.25, "initiatives.milestone_units": 1.0, "initiatives.home_units": 0.5,
    "initiatives.communication_base": 0.125, "initiatives.communication_per_fte": 0.25,
    "regulatory_barriers.launch_penalty": 0.5, "regulatory_barriers.failure": 0.25,
    "secretariat_overload.fte_per_initiative": 0.5,
}
P = params(RULES)


FIRST = (np.array([0]), np.array([0]))  # a new idea's type and site: the first of each


def on(p=P):
    return p.initiatives.enabled[:, 0] > 0


def pools(staff=100.0, money=100.0):
    return Pools(staff=np.array([staff]), money=np.array([money]), secretariat_money=np.array([0.0]))


# --- idea arrival ---------------------------------------------------------------------------------

def proposing(**values):
    """Slot 0 a pilot, slot 1 empty; build 0.75; partner 0 proposes (rung 4, engagement 0.5, knowledge
    1), partner 1 cannot (rung 3), partner 2 is inactive. With 1 FTE each on strategy and local
    alliances the month's idea rate is 0.5 * 2 * 0.75 + 0.5 * (0.5 * 1.0) = 1.0: a chance of
    1 / (1 + 1) = 0.5."""
    start = {"stage": [PILOT, EMPTY], "progress": [3.0, 7.0], "build": 0.75,
             "active": [True, True, False], "rung": [4, 3, 7], "engagement": [0.5, 0.75, 1.0],
             "knowledge_capacity": [1.0, 1.0, 1.0]}
    return state(**{**start, **values})


def test_an_idea_arrives_in_the_first_empty_slot_when_the_draw_is_under_rate_over_one_plus_rate():
    s = proposing()
    initiatives._new_idea(s, P, month(idea=0.4999), effort(strategy=1.0, local_alliances=1.0),
                          on(), np.array([2]), np.array([4]))
    np.testing.assert_array_equal(s.stage, [[PILOT, IDEA]])
    np.testing.assert_array_equal(s.progress, [[3.0, 0.0]])
    np.testing.assert_array_equal(s.solution, [[0, 2]])
    np.testing.assert_array_equal(s.site, [[0, 4]])
    np.testing.assert_array_equal(s.lead, [[-1, -1]])  # nobody at the leading rung: the secretariat
    np.testing.assert_array_equal(s.pooled, [[False, False]])


def test_no_idea_when_the_draw_is_at_the_chance():
    s = proposing()
    initiatives._new_idea(s, P, month(idea=0.5), effort(strategy=1.0, local_alliances=1.0), on(), *FIRST)
    np.testing.assert_array_equal(s.stage, [[PILOT, EMPTY]])


def test_no_strategy_and_no_proposers_no_ideas():
    s = proposing(build=0.0, rung=[3, 3, 7])
    initiatives._new_idea(s, P, month(idea=2.0**-54), effort(strategy=1.0, local_alliances=1.0),
                          on(), *FIRST)
    np.testing.assert_array_equal(s.stage, [[PILOT, EMPTY]])


def test_no_empty_slot_no_idea():
    s = proposing(stage=[PILOT, FAILED])
    initiatives._new_idea(s, P, month(idea=0.0), effort(strategy=1.0, local_alliances=1.0),
                          on(), *FIRST)
    np.testing.assert_array_equal(s.stage, [[PILOT, FAILED]])


def test_pipeline_switched_off_no_idea():
    off = params({**RULES, "initiatives.enabled": False})
    s = proposing()
    initiatives._new_idea(s, off, month(idea=0.0), effort(strategy=1.0, local_alliances=1.0), on(off),
                          *FIRST)
    np.testing.assert_array_equal(s.stage, [[PILOT, EMPTY]])


@pytest.mark.parametrize(("lead_draws", "leader"), [([0.9, 0.5, QUIET], 0), ([0.5, 0.9, QUIET], 1)])
def test_the_keenest_partner_at_the_leading_rung_with_chance_leads_the_idea(lead_draws, leader):
    # bids engagement x draw: 0.5 x 0.9 = 0.45 against 0.75 x 0.5 = 0.375, or 0.25 against 0.675;
    # partner 2 (rung 4) may not lead
    s = proposing(rung=[5, 6, 4], active=True, engagement=[0.5, 0.75, 1.0])
    initiatives._new_idea(s, P, month(idea=0.0, lead=lead_draws), effort(), on(), *FIRST)
    np.testing.assert_array_equal(s.stage, [[PILOT, IDEA]])
    np.testing.assert_array_equal(s.lead, [[-1, leader]])


# --- pool ideas -----------------------------------------------------------------------------------

POOL = {**RULES, "development_pool.enabled": True, "development_pool.proposer_rung": 4,
        "development_pool.grant_mdkk": 0.5}


def test_the_pool_funds_one_proposal_a_month_as_a_pooled_idea_its_proposer_leads():
    p = params(POOL)
    s = state(stage=[EMPTY, EMPTY], active=True, rung=[3, 4, 4], engagement=[1.0, 0.5, 0.25],
              knowledge_capacity=1.0, pool_budget=1.0, units=[0.75, 0.75])
    initiatives._pool_idea(s, p, np.array([QUIET]), on(p), (np.array([1]), np.array([3]), np.array([0.5])))
    np.testing.assert_array_equal(s.stage, [[IDEA, EMPTY]])
    np.testing.assert_array_equal(s.lead, [[1, -1]])  # the keenest eligible: 0.5 x 1 > 0.25 x 1
    np.testing.assert_array_equal(s.pooled, [[True, False]])
    np.testing.assert_array_equal(s.solution, [[1, 0]])
    np.testing.assert_array_equal(s.site, [[3, 0]])
    np.testing.assert_array_equal(s.units, [[0.0, 0.75]])  # a new idea has recruited nothing yet
    np.testing.assert_array_equal(s.pool_budget, [1.0 - 0.5])


def test_the_pool_funds_nothing_once_its_budget_is_below_a_grant():
    p = params(POOL)
    s = state(stage=[EMPTY, EMPTY], active=True, rung=4, engagement=0.5, knowledge_capacity=1.0,
              pool_budget=0.25)
    initiatives._pool_idea(s, p, np.array([QUIET]), on(p), (np.array([1]), np.array([3]), np.array([0.5])))
    np.testing.assert_array_equal(s.stage, [[EMPTY, EMPTY]])
    np.testing.assert_array_equal(s.pool_budget, [0.25])


# --- adequacy -------------------------------------------------------------------------------------

def test_adequacy_shares_staff_and_money_over_the_working_initiatives_plus_one():
    # one pilot working: needs of (1 + 1) initiatives; the pool covers a pooled initiative's money
    s = state(stage=[PILOT, IDEA], pooled=[False, True])
    got = initiatives._adequacy(s, P, pools(staff=1.0, money=0.25))
    staff, money = 1.0 / (1.0 * 2), 0.25 / (0.25 * 2)
    np.testing.assert_array_equal(got, [[staff * money, staff]])


def test_adequacy_is_zero_without_staff_and_full_when_resources_abound():
    s = state(stage=[PILOT, RUNNING])
    np.testing.assert_array_equal(initiatives._adequacy(s, P, pools(staff=0.0, money=1.0)), [[0.0, 0.0]])
    np.testing.assert_array_equal(initiatives._adequacy(s, P, pools()), [[1.0, 1.0]])


# --- launch: idea -> pilot ------------------------------------------------------------------------

def municipal(**values):
    """Partner 2 a municipality at the lend_staff rung (3); barrier 0.5, so the launch factor is
    1 - 0.5 * 0.5 = 0.75."""
    start = {"stage": [IDEA, IDEA], "progress": [2.0, 0.0], "active": True, "rung": [7, 7, 3],
             "municipality_mask": [False, False, True], "barrier": 0.5}
    return state(**{**start, **values})


def test_an_idea_launches_as_a_pilot_with_chance_rate_times_pace_times_barrier_factor():
    s = municipal()
    pace = np.array([[1.0, 0.5]])  # chances 0.5 * 1 * 0.75 = 0.375 and 0.5 * 0.5 * 0.75 = 0.1875
    initiatives._launch(s, P, pace, np.array([[0.37, 0.1875]]))
    np.testing.assert_array_equal(s.stage, [[PILOT, IDEA]])
    np.testing.assert_array_equal(s.progress, [[0.0, 0.0]])


@pytest.mark.parametrize("why", [{"rung": [7, 7, 2]}, {"active": [True, True, False]},
                                 {"municipality_mask": False}])
def test_no_launch_without_a_municipality_at_the_lend_staff_rung(why):
    s = municipal(**why)
    initiatives._launch(s, P, np.ones((1, 2)), np.zeros((1, 2)))
    np.testing.assert_array_equal(s.stage, [[IDEA, IDEA]])


def test_only_ideas_launch():
    s = municipal(stage=[PILOT, RUNNING], progress=[2.0, 3.0])
    initiatives._launch(s, P, np.ones((1, 2)), np.zeros((1, 2)))
    np.testing.assert_array_equal(s.stage, [[PILOT, RUNNING]])
    np.testing.assert_array_equal(s.progress, [[2.0, 3.0]])


def test_switched_off_barriers_do_not_hold_launches_back():
    off = params({**RULES, "mechanisms.regulatory_barriers": False})
    s = municipal()
    initiatives._launch(s, off, np.ones((1, 2)), np.array([[0.49, 0.5]]))  # chance 0.5 * 1 * 1
    np.testing.assert_array_equal(s.stage, [[PILOT, IDEA]])


# --- maturing: pilot -> running or failed, running -> scaled --------------------------------------

def maturing(**values):
    start = {"stage": [PILOT, PILOT, RUNNING], "progress": [11.5, 11.5, 23.5], "barrier": 0.5}
    return state(slots=3, **{**start, **values})


def test_a_finished_pilot_runs_or_fails_and_a_finished_running_solution_scales():
    # pace 0.5 finishes each stage; failure chance 0.25 * 0.5 = 0.125; scale chance 0.25 * 2 FTE
    s = maturing()
    initiatives._mature(s, P, np.full((1, 3), 0.5), effort(local_alliances=2.0), np.array([[0.9, 0.1, 0.4]]))
    np.testing.assert_array_equal(s.stage, [[RUNNING, FAILED, SCALED]])
    np.testing.assert_array_equal(s.progress, [[0.0, 0.0, 23.5 + 0.5]])


def test_unfinished_stages_only_progress_by_their_pace():
    s = maturing(progress=[10.0, 0.0, 20.0])
    initiatives._mature(s, P, np.array([[0.5, 0.25, 1.0]]), effort(local_alliances=2.0), np.zeros((1, 3)))
    np.testing.assert_array_equal(s.stage, [[PILOT, PILOT, RUNNING]])
    np.testing.assert_array_equal(s.progress, [[10.5, 0.25, 21.0]])


def test_a_finished_running_solution_waits_when_the_draw_misses_the_scale_chance():
    s = maturing(stage=[RUNNING, RUNNING, RUNNING], progress=[24.0, 24.0, 24.0])
    initiatives._mature(s, P, np.zeros((1, 3)), effort(local_alliances=2.0), np.array([[0.49, 0.5, 0.6]]))
    np.testing.assert_array_equal(s.stage, [[SCALED, RUNNING, RUNNING]])


def test_without_local_alliance_effort_nothing_scales():
    s = maturing(stage=[RUNNING] * 3, progress=[24.0] * 3)
    initiatives._mature(s, P, np.ones((1, 3)), effort(strategy=3.0), np.zeros((1, 3)))
    np.testing.assert_array_equal(s.stage, [[RUNNING] * 3])


def test_switched_off_barriers_no_pilot_fails():
    off = params({**RULES, "mechanisms.regulatory_barriers": False})
    s = maturing()
    initiatives._mature(s, off, np.full((1, 3), 0.5), effort(), np.zeros((1, 3)))
    np.testing.assert_array_equal(s.stage, [[RUNNING, RUNNING, RUNNING]])


def test_scaled_and_failed_initiatives_stay_where_they_are():
    s = maturing(stage=[SCALED, FAILED, EMPTY], progress=[5.0, 5.0, 0.0])
    initiatives._mature(s, P, np.ones((1, 3)), effort(local_alliances=4.0), np.zeros((1, 3)))
    np.testing.assert_array_equal(s.stage, [[SCALED, FAILED, EMPTY]])
    np.testing.assert_array_equal(s.progress, [[5.0, 5.0, 0.0]])


# --- homes and leads ------------------------------------------------------------------------------

def test_homes_this_month_are_the_world_s_entries_into_the_solutions():
    s = state(reps=2)
    for k, n in enumerate((3, 1, 2)):
        s.youth_flows[0, FLOWS.index(f"entered_{('dormitory', 'host_home', 'housing_first')[k]}"), k, 0] = n
    s.youth_flows[1, FLOWS.index("moved_on_dormitory")] = 5  # leaving a solution is no new home
    np.testing.assert_array_equal(initiatives.housed_this_month(s), [6.0, 0.0])


def test_leads_are_credited_with_their_running_and_scaled_initiatives():
    s = state(reps=2, slots=3, stage=[[RUNNING, SCALED, RUNNING], [PILOT, RUNNING, FAILED]],
              lead=[[0, 0, -1], [1, 2, 1]], led_results=9.0)
    initiatives._credit_leads(s)
    np.testing.assert_array_equal(s.led_results, [[2.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


# --- a whole month --------------------------------------------------------------------------------

def test_advance_one_month_exact_event_log():
    """Slot 0 finishes its pilot, slot 1 launches, slot 2 scales; three milestones and the homes
    the world housed this month."""
    p = params({**RULES, "mechanisms.secretariat_overload": False})
    s = state(slots=3, stage=[PILOT, IDEA, RUNNING], progress=[11.0, 0.0, 23.0], barrier=0.5,
              active=True, rung=[2, 2, 3], municipality_mask=[False, False, True])
    s.youth_flows[0, FLOWS.index("entered_host_home"), 0, 0] = 4
    m = month(slots=3, launch=[QUIET, 0.1, QUIET], transition=[0.9, 0.9, 0.4])
    produced = initiatives.advance(s, p, m, pools(), effort(local_alliances=2.0))
    np.testing.assert_array_equal(s.stage, [[RUNNING, PILOT, SCALED]])
    # the pilot launched this month already gets this month's pace
    np.testing.assert_array_equal(s.progress, [[0.0, 1.0, 24.0]])
    np.testing.assert_array_equal(produced, [1.0 * 3 + 0.5 * 4])


def test_advance_counts_no_milestone_for_a_failure_or_an_idea():
    p = params({**RULES, "mechanisms.secretariat_overload": False})
    s = state(slots=3, stage=[PILOT, EMPTY, EMPTY], progress=[11.0, 0.0, 0.0], barrier=0.5, build=1.0)
    m = month(slots=3, idea=0.0, transition=[0.0, QUIET, QUIET])
    produced = initiatives.advance(s, p, m, pools(), effort(strategy=1.0))
    np.testing.assert_array_equal(s.stage, [[FAILED, IDEA, EMPTY]])
    np.testing.assert_array_equal(produced, [0.0])


# --- communication --------------------------------------------------------------------------------

def test_communicate_makes_a_share_of_the_backlog_visible():
    s = state(unshown=1.0, visible=0.5)
    initiatives.communicate(s, P, month(), np.array([1.0]), effort(data_collection=0.5, campaign=0.5))
    rate = 0.125 + 0.25 * (0.5 + 0.5)
    np.testing.assert_array_equal(s.visible_flow, [rate * 2.0])
    np.testing.assert_array_equal(s.unshown, [2.0 - rate * 2.0])
    np.testing.assert_array_equal(s.visible, [0.5 + rate * 2.0])


def test_communicate_shows_at_most_the_whole_backlog():
    p = params({**RULES, "initiatives.communication_per_fte": 1.0})
    s = state(unshown=1.0)
    initiatives.communicate(s, p, month(), np.array([1.0]), effort(data_collection=2.0, campaign=2.0))
    np.testing.assert_array_equal((s.visible_flow, s.unshown, s.visible), ([2.0], [0.0], [2.0]))


def test_the_results_communication_lever_adds_its_visibility_from_its_start():
    p = params({**RULES, "results_communication.enabled": True, "results_communication.start": "2016-04",
                "results_communication.visibility": 0.25})
    before, after = state(unshown=1.0), state(unshown=1.0)
    initiatives.communicate(before, p, month(step=2), np.array([0.0]), effort())
    initiatives.communicate(after, p, month(step=3), np.array([0.0]), effort())
    np.testing.assert_array_equal(before.visible_flow, [0.125])
    np.testing.assert_array_equal(after.visible_flow, [0.125 + 0.25])


# --- invariants -----------------------------------------------------------------------------------

#: The stages each stage may reach within one month (launch and maturing may follow one another).
REACHABLE = {EMPTY: set(range(6)), IDEA: {IDEA, PILOT, RUNNING, FAILED}, PILOT: {PILOT, RUNNING, FAILED},
             RUNNING: {RUNNING, SCALED}, SCALED: {SCALED}, FAILED: {FAILED}}
POOLED = params({**RULES, "development_pool.enabled": True, "initiatives.pilot_months": 1.0,
                 "initiatives.running_months": 1.0})
K = 3
unit = st.floats(0.0, 1.0, exclude_max=True)
stages = st.lists(st.integers(0, 5), min_size=K, max_size=K)


@settings(max_examples=150, deadline=None)
@given(stage=stages, progress=st.lists(st.floats(0.0, 30.0), min_size=K, max_size=K),
       lead=st.lists(st.integers(-1, 2), min_size=K, max_size=K),
       rung=st.lists(st.integers(0, 7), min_size=3, max_size=3),
       engagement=st.lists(unit, min_size=3, max_size=3), build=unit, budget=st.floats(0.0, 2.0),
       idea=unit, launch=st.lists(unit, min_size=K, max_size=K),
       transition=st.lists(unit, min_size=K, max_size=K), pick=st.one_of(st.none(), unit),
       staff=st.floats(0.0, 5.0), money=st.floats(0.0, 1.0), fte=st.floats(0.0, 3.0))
def test_the_pipeline_never_creates_slots_and_only_moves_forward(
        stage, progress, lead, rung, engagement, build, budget, idea, launch, transition, pick, staff,
        money, fte):
    s = state(slots=K, stage=stage, progress=progress, lead=lead, active=True, rung=rung,
              engagement=engagement, knowledge_capacity=1.0, municipality_mask=[False, False, True],
              build=build, barrier=0.5, pool_budget=budget)
    m = month(slots=K, idea=idea, launch=launch, transition=transition,
              **({} if pick is None else {"pool_pick": pick, "takeover": QUIET}))
    initiatives.advance(s, POOLED, m, pools(staff, money), np.full((1, 6), fte))
    assert s.stage.shape == (1, K)
    filled = int(np.sum(np.array(stage) != EMPTY))
    assert filled <= int(np.sum(s.stage != EMPTY)) <= filled + (1 if pick is None else 2)
    for before, after in zip(stage, s.stage[0], strict=True):
        assert after in REACHABLE[before], (before, after)
    assert (s.places >= 0).all() and ((s.stage >= PILOT) & (s.stage <= SCALED) | (s.places == 0)).all()

"""kernel: joining, the newcomer's welcome, building, the engagement target and update; the month
context; and one whole step's order on the small roster."""

import numpy as np
import pytest
from builders import begin, compiled, draws_over, effort, month, params, state
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import kernel
from hta_sim.month import MonthContext

JOIN = {"trust_ladder.start_rung_initiator": 2, "trust_ladder.start_rung_board_joiner": 6,
        "trust_ladder.start_rung_ab_joiner": 5, "regulatory_barriers.initial": 0.5,
        "new_partners.rung": 3}
#: Every drive but the base switched off, and partners close to the secretariat: target = base.
BASE_ONLY = {"engagement.base": 0.5, "mechanisms.results_lag": False, "mechanisms.own_value": False,
             "mechanisms.crowding_out": False, "mechanisms.stake": False, "mechanisms.peer_influence": False}


def roster_like(**values):
    """0: initiator on the board; 1: initiator on the AB; 2: joiner on the board; 3: joiner on the AB."""
    start = {"initiator_mask": [True, True, False, False], "board": [True, False, True, False],
             "ab": [False, True, False, True]}
    return state(partners=4, **{**start, **values})


# --- joining --------------------------------------------------------------------------------------

def test_initiators_join_in_month_zero_at_their_rung_and_the_barrier_is_set():
    s = roster_like(barrier=0.0)
    joining = kernel._join(s, params(JOIN), month(partners=4, step=0))
    np.testing.assert_array_equal(joining, [[True, True, False, False]])
    np.testing.assert_array_equal(s.active, [[True, True, False, False]])
    np.testing.assert_array_equal(s.rung, [[2, 2, 0, 0]])
    np.testing.assert_array_equal(s.perceived, [[0.0] * 4])  # no one active yet: zero
    np.testing.assert_array_equal(s.barrier, [0.5])


def test_named_partners_join_at_the_association_with_their_role_rung_and_the_alliance_view():
    s = roster_like(active=[True, True, False, False], rung=[3, 4, 0, 0], perceived=[0.25, 0.75, 9.0, 9.0],
                    expectation=[0.5, 1.0, 9.0, 9.0], barrier=0.125)
    joining = kernel._join(s, params(JOIN), month(partners=4, step=19, associated=True))
    np.testing.assert_array_equal(joining, [[False, False, True, True]])
    np.testing.assert_array_equal(s.rung, [[3, 4, 6, 5]])
    np.testing.assert_array_equal(s.perceived, [[0.25, 0.75, 0.5, 0.5]])
    np.testing.assert_array_equal(s.expectation, [[0.5, 1.0, 0.75, 0.75]])
    np.testing.assert_array_equal(s.barrier, [0.125])  # set in month zero only


def test_partners_who_left_and_waiting_pilots_do_not_join_as_named_partners():
    s = roster_like(left=[False, False, True, False], candidate_mask=[False, False, False, True])
    joining = kernel._join(s, params(JOIN), month(partners=4, step=19, associated=True))
    np.testing.assert_array_equal(joining, [[True, True, False, False]])


def test_a_pilot_municipality_brought_by_the_lever_joins_at_the_lever_rung():
    p = params({**JOIN, "new_partners.enabled": True, "new_partners.start": "2016-01",
                "new_partners.join_probability": 0.5})
    s = state(partners=2, active=[True, False], candidate_mask=[False, True], rung=[4, 0],
              stage=[3, 0], visible=1.0, initiator_mask=[True, False])
    joining = kernel._join(s, p, month(partners=2, step=30, associated=True, lead=[0.9, 0.25]))
    np.testing.assert_array_equal(joining, [[False, True]])
    np.testing.assert_array_equal(s.rung, [[4, 3]])


def test_no_one_due_nothing_changes():
    s = roster_like(active=True, rung=[1, 2, 3, 4], perceived=0.25)
    before = s.copy()
    joining = kernel._join(s, params(JOIN), month(partners=4, step=19, associated=True))
    assert not joining.any()
    np.testing.assert_array_equal(s.rung, before.rung)
    np.testing.assert_array_equal(s.perceived, before.perceived)


# --- the welcome ----------------------------------------------------------------------------------

def test_a_newcomer_starts_at_its_target_give_or_take_its_spread():
    p = params({**BASE_ONLY, "engagement.initial_spread": 0.25})
    s = state(active=True, closeness=1.0, engagement=[0.0, 0.0, 0.125], sustained=[0.0, 0.0, 0.125])
    kernel._welcome(s, p, np.array([[True, True, False]]), month(engagement0=[[1.0, -4.0, 1.0]]))
    expected = [0.5 + 0.25 * 1.0, 0.0, 0.125]  # 0.5 - 1.0 clips at 0; the third is no newcomer
    np.testing.assert_array_equal(s.engagement, [expected])
    np.testing.assert_array_equal(s.sustained, [expected])


# --- building -------------------------------------------------------------------------------------

def test_strategy_work_carried_by_engaged_partners_builds_the_alliance():
    p = params({"establishment.build_rate": 0.5})
    s = state(active=[True, True, False], engagement=[0.25, 0.75, 1.0], build=0.5)
    kernel._build(s, p, effort(strategy=1.0, campaign=2.0))
    gain = 0.5 * 1.0 * ((0.25 + 0.75) / 2) * (1.0 - 0.5)
    np.testing.assert_array_equal(s.build_gain, [gain])
    np.testing.assert_array_equal(s.build, [0.5 + gain])


def test_nothing_builds_without_active_partners_or_strategy_effort():
    p = params({"establishment.build_rate": 0.5})
    alone = state(active=False, engagement=1.0, build=0.5)
    idle = state(active=True, engagement=1.0, build=0.5)
    kernel._build(alone, p, effort(strategy=1.0))
    kernel._build(idle, p, effort(public_affairs=1.0))
    np.testing.assert_array_equal([alone.build, idle.build], [[0.5], [0.5]])


# --- target and engagement ------------------------------------------------------------------------

DRIVES = {"engagement.base": 0.5, "results_lag.weight": 0.25, "results_lag.scale": 0.5,
          "own_value.weight": 0.25, "own_value.home_bonus": 0.25, "board_ab_split.closeness_weight": 0.125,
          "crowding_out.engagement_strength": 0.25, "stake.weight": 0.25}


def test_the_target_is_the_base_plus_every_mechanism_drive():
    s = state(partners=2, perceived=[0.75, 0.0], expectation=[0.25, 0.5], alignment=[0.75, 0.25],
              led_results=[1.0, 0.0], closeness=[0.25, 1.0], money_given=[2.0, 0.0], dominance=0.5,
              invested=[0.5, 0.0])
    lag = [0.25 * 0.5, 0.25 * -0.5]  # squash(+-1) = +-0.5
    own = [0.25 * (0.75 + 0.25 * 0.5 - 0.5), 0.25 * (0.25 - 0.5)]
    split = [0.125 * (0.25 - 1.0), 0.0]
    crowd = [0.0, -0.25 * 0.5]  # partner 0 is the dominant funder
    stake = [0.25 * 0.5, 0.0]
    expected = [0.5 + lag[i] + own[i] + split[i] + crowd[i] + stake[i] for i in range(2)]
    np.testing.assert_array_equal(kernel.target(s, params(DRIVES)), [expected])


def test_the_target_is_clipped_to_zero_and_one():
    high = params({**DRIVES, "engagement.base": 1.0})
    low = params({**DRIVES, "engagement.base": 0.0})
    s = state(partners=2, perceived=[0.75, 0.0], expectation=[0.25, 0.5], alignment=[1.0, 0.0],
              closeness=1.0, invested=[1.0, 0.0])
    np.testing.assert_array_equal(kernel.target(s, high)[:, 0], [1.0])
    np.testing.assert_array_equal(kernel.target(s, low)[:, 1], [0.0])


def test_engagement_moves_towards_its_target_pulled_by_peers_with_noise():
    p = params({**BASE_ONLY, "mechanisms.peer_influence": True, "peer_influence.rate": 0.125,
                "engagement.response": 0.25, "engagement.noise_sd": 0.125})
    s = state(active=[True, True, False], closeness=1.0, meetings=[1.0, 1.0, 0.0],
              engagement=[0.25, 0.75, 0.875])
    kernel._engage(s, p, month(engagement=[1.0, -1.0, 0.0]))
    mean = (0.25 + 0.75) / 2  # the steering group, before the association
    moved = [0.25 + 0.25 * (0.5 - 0.25) + 0.125 * (mean - 0.25) + 0.125 * 1.0,
             0.75 + 0.25 * (0.5 - 0.75) + 0.125 * (mean - 0.75) + 0.125 * -1.0,
             0.0]  # inactive partners hold no engagement
    np.testing.assert_array_equal(s.engagement, [moved])


def test_engagement_is_clipped_to_zero_and_one():
    p = params({**BASE_ONLY, "engagement.noise_sd": 0.5})
    s = state(partners=2, active=True, closeness=1.0, engagement=[0.9, 0.1])
    kernel._engage(s, p, month(partners=2, engagement=[100.0, -100.0]))
    np.testing.assert_array_equal(s.engagement, [[1.0, 0.0]])


NOISY = params({**DRIVES, "engagement.noise_sd": 0.5, "engagement.response": 1.0, "peer_influence.rate": 0.2})
unit = st.floats(0.0, 1.0)
four = st.lists(unit, min_size=4, max_size=4)


@settings(max_examples=150, deadline=None)
@given(engagement=four, perceived=st.lists(st.floats(0.0, 5.0), min_size=4, max_size=4),
       expectation=four, alignment=four, closeness=four, invested=four, meetings=four,
       active=st.lists(st.booleans(), min_size=4, max_size=4),
       noise=st.lists(st.floats(-8.0, 8.0), min_size=4, max_size=4), associated=st.booleans())
def test_engagement_stays_in_zero_to_one(engagement, perceived, expectation, alignment, closeness,
                                         invested, meetings, active, noise, associated):
    s = roster_like(engagement=engagement, perceived=perceived, expectation=expectation, alignment=alignment,
                    closeness=closeness, invested=invested, meetings=meetings, active=active)
    kernel._engage(s, NOISY, month(partners=4, associated=associated, engagement=noise))
    assert ((s.engagement >= 0.0) & (s.engagement <= 1.0)).all()
    assert (s.engagement[~np.array([active])] == 0.0).all()



# --- the month context and one whole step ---------------------------------------------------------

def test_month_context_of_a_step():
    layout, p = compiled({"time.association": "2016-03", "time.pulse_dates": ["2016-02"]})
    draws = draws_over(layout.steps, idea=np.arange(layout.steps)[None, :] / 1000)
    m1, m2 = (MonthContext.of(layout, p, t, draws) for t in (1, 2))
    assert (m1.step, m1.pulse_due, m1.after_pulse, bool(m1.associated[0, 0])) == (1, True, False, False)
    assert (m2.step, m2.pulse_due, m2.after_pulse, bool(m2.associated[0, 0])) == (2, False, True, True)
    np.testing.assert_array_equal([m1.draws.idea, m2.draws.idea], [[0.001], [0.002]])


STEP = {"funding.grants": [{"partner": "bikubenfonden", "purpose": "secretariat", "mdkk_per_year": 12.0,
                            "start": "2016-01"}],
        "funding.secretariat_cost_mdkk_per_fte_year": 6.0, "secretariat.staff": 2.0,
        "secretariat.mix": {"strategy": 0.25, "local_alliances": 0.25, "data_collection": 0.125,
                            "campaign": 0.125, "public_affairs": 0.125, "fundraising": 0.125},
        "regulatory_barriers.initial": 0.5, "regulatory_barriers.public_affairs_rate": 0.25,
        "trust_ladder.start_rung_initiator": 4, "time.pulse_dates": ["2016-02"]}


def test_one_step_joins_funds_erodes_and_measures_in_order():
    layout, p = compiled(STEP)
    s = begin(layout, p)
    draws = draws_over(layout.steps, slots=2)
    m0 = kernel.step(s, p, layout, 0, draws)
    np.testing.assert_array_equal(s.active, [[True, False, True]])  # the small roster's initiators
    np.testing.assert_array_equal(s.rung, [[4, 0, 4]])
    # 12 MDKK a year pays 2 FTE at 6 a year each; an eighth of them works on public affairs
    np.testing.assert_array_equal(s.secretariat_staff, [12.0 / 12 / (2.0 * 6.0 / 12) * 2.0])
    np.testing.assert_array_equal(s.barrier, [0.5 * (1.0 - 0.25 * (0.125 * 2.0))])
    assert (s.staff_given[0, [0, 2]] > 0).all()  # joined and at the lend_staff rung: they give at once
    assert not m0.pulse_due and np.isnan(s.scores).all()
    m1 = kernel.step(s, p, layout, 1, draws)
    assert m1.pulse_due and np.isfinite(s.scores).all()
    measured = s.scores.copy()
    kernel.step(s, p, layout, 2, draws)
    np.testing.assert_array_equal(s.scores, measured)  # no pulse: the latest scores stay


@pytest.mark.parametrize("t", [0, 5])
def test_a_step_returns_its_context(t):
    layout, p = compiled(STEP)
    s = begin(layout, p)
    assert kernel.step(s, p, layout, t, draws_over(layout.steps)).step == t

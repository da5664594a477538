"""recruitment: candidates join only when asked or drawn by results, at their situation's rung."""

import numpy as np
import pytest
from builders import effort, month, params, state

from hta_sim.mechanisms import recruitment

RATES = {"recruitment.ask_rate": 0.25, "recruitment.ambassador_rate": 0.125,
         "recruitment.results_pull": 0.5, "recruitment.start": "2016-01"}
POOL = {"pool_mask": [False, True, True]}


def test_hazard_adds_asks_ambassadors_and_results_seen():
    p = params(RATES)
    # partner 0 active at rung 6 (an ambassador) with engagement 0.5 and perceived 1.0 (squash 0.5)
    s = state(active=[True, False, False], rung=[6, 0, 0], engagement=[0.5, 0.0, 0.0],
              perceived=[1.0, 0.0, 0.0], coordination=0.5, **POOL)
    h = recruitment.hazard(s, p, month(step=1), effort(strategy=1.0, local_alliances=1.0, campaign=4.0))
    np.testing.assert_array_equal(h, [[0.25 * 2.0 * 0.5 + 0.125 * 0.5 + 0.5 * 0.5]])


@pytest.mark.parametrize(("asks", "rung", "perceived", "joins"), [
    (0.0, 0, 0.0, False),  # not asked, no ambassador, no results: never
    (1.0, 0, 0.0, True),  # asked by the secretariat
    (0.0, 6, 0.0, True),  # asked by an ambassador (responsibility-taking)
    (0.0, 5, 0.0, False),  # a partner taking initiatives is no ambassador yet
    (0.0, 0, 1.0, True),  # drawn by results it sees
])
def test_a_candidate_joins_only_when_asked_or_when_it_sees_results(asks, rung, perceived, joins):
    p = params(RATES)
    s = state(active=[True, False, False], rung=[rung, 0, 0], engagement=[1.0, 0.0, 0.0],
              perceived=[perceived, 0.0, 0.0], **POOL)
    u = 2.0**-40  # a tiny draw: any hazard above zero makes it, none does not
    got = recruitment.arrivals(s, p, month(step=1, join=u), effort(strategy=asks))
    np.testing.assert_array_equal(got, [[False, joins, joins]])


def test_the_chance_is_one_minus_exp_minus_hazard_on_each_candidates_draw():
    p = params(RATES)
    s = state(active=[True, False, False], **POOL)
    chance = 1.0 - np.exp(-0.25 * 1.0)
    got = recruitment.arrivals(s, p, month(step=1, join=[[0.0, chance - 1e-12, chance]]),
                               effort(strategy=1.0))
    np.testing.assert_array_equal(got, [[False, True, False]])


def test_no_one_joins_before_the_start_or_with_the_mechanism_off():
    s = state(active=[True, False, False], **POOL)
    before = params({**RATES, "recruitment.start": "2019-01"})
    off = params({**RATES, "mechanisms.recruitment": False})
    for p, step in ((before, 35), (off, 99)):
        assert not recruitment.arrivals(s, p, month(step=step, join=0.0), effort(strategy=9.0)).any()


def test_only_waiting_candidates_join():
    p = params(RATES)
    s = state(active=[False, False, True], left=[False, True, False], pool_mask=[False, True, True])
    got = recruitment.arrivals(s, p, month(step=1, join=0.0), effort(strategy=1.0))
    np.testing.assert_array_equal(got, [[False, False, False]])  # a named partner, one gone, one in


def test_entry_rung_is_what_the_engagement_would_have_climbed_to_capped_below_leading():
    p = params({"trust_ladder.climb_base": 0.5, "trust_ladder.climb_step": 0.0625})
    # need(r) = 0.5 + 0.0625 r; beating need(r - 1) (strictly) lets a partner reach r; the cap is
    # rung 4 (participating): taking initiatives needs shared success in the alliance
    e = np.array([[0.25, 0.5, 0.53125, 0.5625, 0.5626, 0.9]])
    np.testing.assert_array_equal(recruitment.entry_rung(e, p), [[0, 0, 1, 1, 2, 4]])

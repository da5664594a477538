"""Municipalities as actors: their shares of the count, and adopting solutions by diffusion (seed §7)."""

import dataclasses

import numpy as np
import pytest
from builders import STAGE, month, params, state

import hta_sim
from hta_sim import municipalities, solutions
from hta_sim.outcomes import at_date
from hta_sim.scenario import load
from hta_sim.streams import SOLUTION_PURPOSES
from hta_sim.vocabulary import MUNICIPALITIES, MUNICIPALITY_SIZES, SOLUTIONS
from hta_sim.world import evidence

M = len(MUNICIPALITIES)
CPH, AARHUS, REST = (MUNICIPALITIES.index(n) for n in ("copenhagen", "aarhus", "rest"))
DORM = SOLUTIONS.index("dormitory")
RULES = {"adoption.imitation": 0.5, "adoption.financing_boost": 2.0, "adoption.local_alliance_boost": 1.0,
         "adoption.partner_boost": 1.0, "adoption.barrier_weight": 0.5, "adoption.stop_rate": 0.25}


def one_dormitory(**values):
    """A running dormitory initiative with 9 places in Copenhagen; half the results made visible."""
    start = {"stage": [[STAGE["running"], 0]], "solution": DORM, "site": CPH, "places": [[9, 0]],
             "visible": 1.0, "unshown": 1.0}
    return state(slots=2, **{**start, **values})


def test_the_rest_of_denmark_is_shared_equally_by_its_93_municipalities():
    shares = evidence.municipality_shares()
    hoje, herlev = MUNICIPALITIES.index("hoje_taastrup"), MUNICIPALITIES.index("herlev")
    assert shares.sum() == pytest.approx(1.0)
    assert shares[hoje] == shares[herlev] == pytest.approx(shares[REST] / 91)
    assert sum(MUNICIPALITY_SIZES) == 98


def test_a_municipality_imitates_the_share_running_elsewhere_as_far_as_results_are_seen():
    p = params(RULES)
    h = municipalities.chance(one_dormitory(), p, month(step=40), np.array([0.0]))
    assert h[0, DORM, AARHUS] == pytest.approx(0.5 * (1 / 98) * 0.5)  # imitation x share x seen
    assert h[0, DORM, CPH] == 0.0  # nobody runs it elsewhere than Copenhagen itself
    assert (h[0, SOLUTIONS.index("host_home")] == 0).all()  # a type that runs nowhere spreads nowhere


def test_financing_help_local_alliances_partners_and_barriers_lift_or_lower_the_chance():
    p = params(RULES)
    base = municipalities.chance(one_dormitory(), p, month(step=40), np.array([0.0]))[0, DORM, AARHUS]
    funded = municipalities.chance(one_dormitory(pool_budget=1.0), p, month(step=40), np.array([0.0]))
    assert funded[0, DORM, AARHUS] == pytest.approx(3.0 * base)
    worked = municipalities.chance(one_dormitory(), p, month(step=40), np.array([0.5]))
    assert worked[0, DORM, AARHUS] == pytest.approx(1.5 * base)
    barred = municipalities.chance(one_dormitory(barrier=1.0), p, month(step=40), np.array([0.0]))
    assert barred[0, DORM, AARHUS] == pytest.approx(0.5 * base)
    partner = one_dormitory(active=[True, False, False], partner_cell=[AARHUS, -1, -1])
    assert municipalities.chance(partner, p, month(step=40), np.array([0.0]))[0, DORM, AARHUS] == \
        pytest.approx(2.0 * base)


def test_more_success_elsewhere_means_a_higher_chance():
    p = params(RULES)
    few = one_dormitory()
    more = one_dormitory(adopters=np.zeros((1, len(SOLUTIONS), M), dtype=np.int64))
    more.adopters[0, DORM, REST] = 9
    a = municipalities.chance(few, p, month(step=40), np.array([0.0]))[0, DORM, AARHUS]
    b = municipalities.chance(more, p, month(step=40), np.array([0.0]))[0, DORM, AARHUS]
    assert b == pytest.approx(10 * a)


def test_with_the_mechanism_off_nobody_adopts_and_nobody_stops():
    p = params({**RULES, "mechanisms.adoption_diffusion": False})
    s = one_dormitory(adopters=np.zeros((1, len(SOLUTIONS), M), dtype=np.int64))
    s.adopters[0, DORM, REST] = 4
    assert municipalities.chance(s, p, month(step=40), np.array([0.0])).max() == 0.0
    municipalities.adopt(s, p, _certain(month(step=40)), np.array([0.0]))
    assert s.adopters[0, DORM].tolist() == [0] * (M - 1) + [4]


def test_only_adopters_whose_funding_has_ended_stop_and_adopters_run_their_own_places():
    p = params({**RULES, "adoption.imitation": 0.0, "adoption.funded_months": 600.0})
    s = one_dormitory(adopters=np.zeros((1, len(SOLUTIONS), M), dtype=np.int64))
    s.adopters[0, DORM, REST] = 4
    s.funded_adopters[0, DORM, REST] = 3
    municipalities.adopt(s, p, _certain(month(step=40)), np.array([0.0]))
    assert s.adopters[0, DORM, REST] == 3  # the unfunded one stops (chance 0.25, uniforms near 1)
    assert s.municipal_places[0, DORM, REST] == 3 * int(solutions.adopter_places(p)[0, DORM, REST])
    assert s.funded_adopters[0, DORM, REST] == 0  # their funding ends (1/600, uniforms near 1) ...
    municipalities.adopt(s, p, _certain(month(step=41)), np.array([0.0]))
    assert s.adopters[0, DORM, REST] == 0  # ... and a month later, unfunded, they stop


def _certain(m):
    """A month whose solution uniforms are all next to 1: every positive chance fires for everyone."""
    u = np.full((1, len(SOLUTION_PURPOSES), M * 2), 1.0 - 2.0**-53)
    return dataclasses.replace(m, solutions=u)


def test_adoption_spreads_faster_with_financing_help_and_not_at_all_when_off():
    base = load("baseline")
    runs = {name: hta_sim.simulate(base.with_changes(change), replicates=12, seed=4).trajectories
            for name, change in {"plain": {}, "financed": {"adoption.financing_start": "2019-01"},
                                 "off": {"mechanisms.adoption_diffusion": False}}.items()}
    cols = [f"municipalities_{t}" for t in SOLUTIONS]

    def running(name):
        return sum(at_date(runs[name], c, "2027-12") for c in cols)

    assert (running("financed") - running("plain")).mean() > 0
    for c in cols:  # off, only the alliance's own initiatives' sites run a type: one per cell at most
        assert runs["off"][c].max() <= M
    assert (running("plain") > running("off")).mean() > 0.5


def test_the_pool_pays_a_start_up_grant_to_each_new_adopter_while_its_budget_lasts():
    p = params({**RULES, "adoption.startup_grant_mdkk": 0.25})
    s = one_dormitory(adopters=np.zeros((1, len(SOLUTIONS), M), dtype=np.int64), pool_budget=0.6)
    municipalities.adopt(s, p, _certain(month(step=40)), np.array([0.0]))
    adopted = int(s.adopters.sum())
    assert adopted > 2  # every chance fires: more adopters than the pool can pay for
    assert s.pool_budget[0] == pytest.approx(0.6 - 2 * 0.25)  # two grants, then the money is gone
    assert s.funded_adopters.sum() == 2  # the others start on their own money
    assert not municipalities.financed(s, p, month(step=41))[0]


def test_grants_go_pro_rata_by_largest_remainders_and_never_beyond_the_budget_or_the_adopters():
    p = params({"adoption.startup_grant_mdkk": 0.25})
    s = one_dormitory(pool_budget=0.8)  # three grants
    new = np.zeros((1, len(SOLUTIONS), M), dtype=np.int64)
    new[0, DORM, [CPH, AARHUS]] = 1
    new[0, DORM, REST] = 4
    paid = municipalities._pay_grants(s, p, month(step=40), new, np.full(new.shape, 0.5))
    assert paid.sum() == 3 and (paid <= new).all() and paid[0, DORM, REST] == 2
    assert s.pool_budget[0] == pytest.approx(0.8 - 3 * 0.25)

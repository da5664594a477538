"""The world of young people: whole-number flows that conserve everyone, from the evidence's rates."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import hta_sim
from hta_sim import _accel, streams
from hta_sim.month import MonthContext
from hta_sim.params import compile_params, roster_of
from hta_sim.scenario import Scenario
from hta_sim.vocabulary import BANDS, MUNICIPALITIES, YOUTH_STATES
from hta_sim.world import evidence, population, sampling

# --- sampling --------------------------------------------------------------------------------------

def test_binomial_and_poisson_are_exact_inversions_below_the_threshold():
    rng = np.random.default_rng(4)
    u = rng.random(20_000) + streams.OPEN
    n = rng.integers(0, 200, u.size)
    p = rng.random(u.size) * 0.3
    small = n * p <= sampling.EXACT_MEAN
    k = sampling.binomial(u, n, p)
    assert np.array_equal(k[small], stats.binom.ppf(u, n, p)[small].astype(np.int64))
    assert ((k >= 0) & (k <= n)).all()
    lam = rng.random(u.size) * 40
    k = sampling.poisson(u, lam)
    exact = lam <= sampling.EXACT_MEAN
    assert np.array_equal(k[exact], stats.poisson.ppf(u, lam)[exact].astype(np.int64))


def test_the_compiled_walk_gives_the_same_bits(monkeypatch):
    rng = np.random.default_rng(5)
    u = rng.random(5_000) + streams.OPEN
    n = rng.integers(0, 100, u.size)
    p = rng.random(u.size) * 0.3
    compiled = sampling.binomial(u, n, p), sampling.poisson(u, p * 50)
    monkeypatch.setattr(_accel, "ON", False)
    plain = sampling.binomial(u, n, p), sampling.poisson(u, p * 50)
    assert all(np.array_equal(a, b) for a, b in zip(compiled, plain, strict=True))


def test_the_chance_of_no_event_is_q_to_the_n_by_multiplications_alone():
    """Exact where the powers are exact, within n ulps elsewhere: the library's pow is not used,
    because numpy's and the C library's differ in the last bit on AVX-512 CPUs."""
    q = np.array([0.5, 0.5, 1.0, 0.0, 0.75])
    n = np.array([1, 3, 1000, 7, 2])
    assert sampling.no_event(q, n).tolist() == [0.5, 0.125, 1.0, 0.0, 0.5625]
    rng = np.random.default_rng(6)
    q, n = 1.0 - rng.random(10_000) * 0.3, rng.integers(1, 5_000, 10_000)
    pow_ = np.array([math.pow(a, float(b)) for a, b in zip(q, n, strict=True)])  # within an ulp
    normal = pow_ > 1e-300  # a subnormal power keeps fewer digits, whichever way it is taken
    assert (np.abs(sampling.no_event(q, n)[normal] / pow_[normal] - 1.0) <= n[normal] * 2.0**-52).all()


def test_extreme_uniforms_and_chances_give_none_or_all():
    n = np.array([0, 5, 40])
    assert sampling.binomial(np.full(3, 1e-12), n, np.full(3, 0.1)).tolist() == [0, 0, 0]
    assert sampling.binomial(np.full(3, 0.5), n, np.full(3, 1.0)).tolist() == [0, 5, 40]
    assert sampling.binomial(np.full(3, 0.5), n, np.full(3, 0.0)).tolist() == [0, 0, 0]
    assert sampling.poisson(np.full(2, 0.5), np.array([0.0, 2.0])).tolist() == [0, 2]  # median of 2 is 2


# --- the month's flows -----------------------------------------------------------------------------

def _params(**changes):
    sc = Scenario().with_changes(changes) if changes else Scenario()
    return compile_params([sc], roster_of(sc))


def _context(layout, p, t, u):
    draws = streams.draw(0, np.array([0]), layout.steps, 2, np.arange(3))
    m = MonthContext.of(layout, p, t, draws)
    return dataclasses.replace(m, world=u)


def _cells():
    return len(streams.WORLD_PURPOSES), len(MUNICIPALITIES) * len(BANDS)


def test_no_events_when_every_uniform_is_tiny():
    layout, p = _params()
    youth = population.initial_youth(1)
    before = youth.copy()
    flows = population.advance(youth, p, _context(layout, p, 0, np.full((1, *_cells()), 1e-300)))
    assert flows.stacked().sum() == 0
    assert np.array_equal(youth, before)


def test_the_initial_stock_is_the_2007_count_exactly():
    youth = population.initial_youth(2)
    homeless = population.homeless(youth)
    assert homeless.sum(axis=(1,)).tolist() == [[667, 575]] * 2
    assert youth[:, population.HOUSED].sum() == 0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), stock=st.integers(0, 400), housed=st.integers(0, 50),
       exit_new=st.floats(0, 0.5), exit_long=st.floats(0, 0.5), returns=st.floats(0, 0.3),
       t=st.integers(-100, 100))
def test_every_young_person_is_counted_every_month(seed, stock, housed, exit_new, exit_long, returns, t):
    layout, p = _params(**{"world.exit_new": exit_new, "world.exit_long": exit_long,
                           "world.return_rate": returns})
    rng = np.random.default_rng(seed)
    youth = rng.integers(0, stock + 1, size=(1, len(YOUTH_STATES), len(MUNICIPALITIES), len(BANDS)))
    youth[:, 2:5] = 0  # nobody in a solution: the ordinary world alone
    youth[:, population.HOUSED] = rng.integers(0, housed + 1, size=youth[:, 0].shape)
    before = youth.copy()
    flows = population.advance(youth, p, _context(layout, p, t, rng.random((1, *_cells())) + 2**-54))
    assert (youth >= 0).all()
    change = population.homeless(youth) - population.homeless(before)
    young, old = 0, 1
    expected = flows.inflow + flows.returns - flows.exit_new - flows.exit_long
    expected[..., young] -= flows.aged_up[..., young]
    expected[..., old] += flows.aged_up[..., young] - flows.aged_out[..., old]
    assert np.array_equal(change, expected)


def test_returns_are_switched_off_by_their_mechanism():
    layout, p = _params(**{"mechanisms.returns_to_homelessness": False, "world.return_rate": 1.0})
    youth = np.zeros((1, len(YOUTH_STATES), len(MUNICIPALITIES), len(BANDS)), dtype=np.int64)
    youth[:, population.HOUSED] = 10
    flows = population.advance(youth, p, _context(layout, p, 0, np.full((1, *_cells()), 0.5)))
    assert flows.returns.sum() == 0


@pytest.mark.parametrize("form", ["linear", "exponential"])
def test_inflow_paths_part_at_the_last_count(form):
    fixed = {"world.inflow_form": form, "world.inflow_level": 100.0, "world.inflow_growth": 0.25}
    layout, p = _params(**fixed, **{"world.inflow_path": "flat"})
    _, q = _params(**fixed, **{"world.inflow_path": "trend"})
    end, since = int(p.world.data_end[0, 0]), int(p.world.inflow_since[0, 0])
    assert end - since == 96  # 2009-02 to 2017-02: eight years

    def rate(params, t):
        return population.inflow_rate(params, _context(layout, params, t, None))[0, 0]

    grown = {"linear": 100.0 * (1 + 0.25 * 8), "exponential": 100.0 * 1.25**8}[form]
    later = {"linear": 100.0 * (1 + 0.25 * 10), "exponential": 100.0 * 1.25**10}[form]
    assert rate(p, end) == pytest.approx(grown) and rate(q, end) == pytest.approx(grown)
    assert rate(p, end + 24) == pytest.approx(grown)  # flat: the level reached holds
    assert rate(q, end + 24) == pytest.approx(later)  # trend: it grows on


# --- evidence and streams --------------------------------------------------------------------------

def test_schema_defaults_are_the_evidence_read_as_stated():
    w = Scenario().world
    rates = evidence.spell_rates()
    assert (w.exit_new, w.to_long, w.exit_long) == pytest.approx(
        (rates["exit_new"], rates["to_long"], rates["exit_long"]))
    assert w.share_18_24 == pytest.approx(evidence.share_18_24(), abs=0.001)
    assert w.return_rate == pytest.approx(evidence.return_rate(), abs=0.0001)
    assert evidence.municipality_shares().sum() == pytest.approx(1.0)


def test_world_draws_do_not_depend_on_the_order_they_are_asked_for():
    a = streams.WorldStream.of(7, np.arange(3), 12)
    b = streams.WorldStream.of(7, np.arange(3), 12)
    late, early = a.month(40), a.month(3)
    assert np.array_equal(early, b.month(3)) and np.array_equal(late, b.month(40))
    assert np.array_equal(a.shared(np.array([2, 2])).month(5), b.month(5)[[2, 2]])


def test_without_solutions_the_world_is_the_world_before_the_alliance():
    """The world runs on its own streams: with the alliance's pipeline off, its counts do not depend
    on anything the alliance draws (the partners' draws are the same; the count is too)."""
    quiet = hta_sim.simulate("no-alliance", replicates=3, seed=2018).census
    alone = hta_sim.simulate(Scenario().with_changes({"initiatives.enabled": False,
                                                      "roster.exclude": ["falck"]}), replicates=3,
                             seed=2018).census
    assert quiet["homeless"].tolist() == alone["homeless"].tolist()


def test_engines_agree_on_the_national_counts():
    from hta_sim.model import AllianceModel

    vec = hta_sim.simulate("baseline", replicates=2, seed=3).census
    for r in (0, 1):
        alone = AllianceModel("baseline", seed=3, replicate=r).run().census()
        assert alone["homeless"].tolist() == vec[vec["replicate"] == r]["homeless"].tolist()


def test_the_readme_quotes_the_committed_hindcast():
    import pandas as pd

    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    table = pd.read_csv(root / "results" / "hindcast" / "hindcast.csv")
    shipped = table[table["form"] == Scenario().world.inflow_form]
    out = shipped[(shipped["fit"] == "2009-2015") & (shipped["year"] == 2017)].iloc[0]
    full = shipped[(shipped["fit"] == "2009-2017") & shipped["fitted_to"]]
    worst = full.loc[full["error_at_best_pct"].abs().idxmax()]
    readme = (root / "README.md").read_text()
    assert f"predicts {out['median']:,} homeless" in readme
    assert f"(90 % band\n{out['p05']:,}–{out['p95']:,};" in readme or \
        f"(90 % band {out['p05']:,}–{out['p95']:,};" in readme
    sign = "−" if worst["error_at_best_pct"] < 0 else "+"
    assert f"error {sign}{abs(worst['error_at_best_pct'])} %, {worst['year']}" in readme
    w = Scenario().world
    assert (w.inflow_level, w.inflow_growth) == (worst["level"], worst["growth"])


@pytest.mark.parametrize(("changes", "field"), [
    ({"world.start": "2016-02"}, "world.start"),
    ({"world.start": "1900-01"}, "world.start"),
    ({"world.data_end": "2030-01"}, "world.data_end"),
    ({"world.inflow_since": "2005-01"}, "world.inflow_since"),
    ({"world.inflow_path": "up"}, "world.inflow_path"),
    ({"world.exit_new": 1.5}, "world.exit_new"),
])
def test_bad_world_dates_and_values_are_refused_naming_the_field(changes, field):
    from hta_sim.errors import InputError

    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        Scenario().with_changes(changes)

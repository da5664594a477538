"""Updating the posterior with later evidence (issue 13): the error models, the weights and the ESS
on hand-computed values, and an update that moves a prior box towards the particle whose own run
made the observations."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import engine
from hta_sim.calibration import update as up
from hta_sim.calibration.counts import Observations
from hta_sim.errors import InputError
from hta_sim.scenario import load

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _normal(z: float, sd: float) -> float:
    return -0.5 * z * z - math.log(sd) - HALF_LOG_2PI


def test_a_pulse_score_is_normal_with_sd_half_a_step():
    got = up.SCORE.log_density(3.0, np.array([3.5, 3.0, 2.0]))
    assert got == pytest.approx([-0.5 + math.log(2) - HALF_LOG_2PI, math.log(2) - HALF_LOG_2PI,
                                 -2.0 + math.log(2) - HALF_LOG_2PI], rel=1e-14)


def test_the_count_of_homeless_young_people_is_log_normal():
    national = up.NATIONAL_COUNT.log_density(2000.0, np.array([2100.0]))
    assert national == pytest.approx([_normal((math.log(2001) - math.log(2101)) / 0.05, 0.05)], rel=1e-14)
    municipal = up.MUNICIPAL_COUNT.log_density(0.0, np.array([math.e - 1]))  # log(1 + x) = 1: z = -10
    assert municipal == pytest.approx([-50.0 - math.log(0.1) - HALF_LOG_2PI], rel=1e-12)


def test_active_partners_are_normal_with_sd_one_and_a_half():
    assert up.PARTNERS.log_density(20.0, np.array([23.0])) == pytest.approx(
        [-2.0 - math.log(1.5) - HALF_LOG_2PI], rel=1e-14)


def test_housed_and_places_are_normal_on_the_anscombe_scale():
    z = 2 * math.sqrt(4 + 3 / 8) - 2 * math.sqrt(9 + 3 / 8)
    assert up.PLACES.log_density(4.0, np.array([9.0])) == pytest.approx([-0.5 * z * z - HALF_LOG_2PI],
                                                                        rel=1e-14)
    assert up.anscombe(np.array([0.0]))[0] == pytest.approx(2 * math.sqrt(0.375), rel=1e-15)


def test_a_run_without_the_value_cannot_give_the_observation():
    assert up.SCORE.log_density(3.0, np.array([np.nan]))[0] == -np.inf


@pytest.mark.parametrize(("quantity", "municipality", "model"), [
    ("pulse_score", "", up.SCORE), ("homeless_young_people", "", up.NATIONAL_COUNT),
    ("homeless_young_people", "aarhus", up.MUNICIPAL_COUNT), ("active_partners", "", up.PARTNERS),
    ("housed_dormitory", "", up.PLACES), ("housed_host_home", "", up.PLACES),
    ("housed_housing_first", "", up.PLACES), ("places_dormitory", "", up.PLACES),
])
def test_each_quantity_has_its_error_model(quantity, municipality, model):
    assert up.error_model(quantity, municipality) is model


def test_the_log_likelihood_sums_the_observations():
    evidence = pd.DataFrame({"date": ["2020-10", "2020-12"], "quantity": ["pulse_score", "active_partners"],
                             "body": ["board", ""], "parameter": [1, 0], "municipality": ["", ""],
                             "observed": [3.0, 20.0]})
    simulated = np.array([[3.5, 23.0], [3.0, 20.0]])
    got = up.log_likelihood(evidence, simulated)
    assert got == pytest.approx([_normal(1.0, 0.5) + _normal(2.0, 1.5), _normal(0, 0.5) + _normal(0, 1.5)],
                                rel=1e-14)


def test_the_effective_sample_size_on_a_hand_built_example():
    assert up.ess(np.array([0.5, 0.25, 0.25])) == pytest.approx(1 / 0.375, rel=1e-15)
    assert up.ess(np.full(7, 3.0)) == pytest.approx(7.0, rel=1e-15)
    assert up.ess(np.array([0.0, 1.0, 0.0])) == 1.0


def test_reweighting_multiplies_by_the_likelihood_and_keeps_a_zero_weight_at_zero():
    new = up.reweight(np.array([0.5, 0.5, 0.0]), np.log(np.array([1.0, 3.0, 1e6])))
    assert new == pytest.approx([0.25, 0.75, 0.0], rel=1e-14)
    assert new[2] == 0.0


def test_reweighting_survives_likelihoods_that_underflow():
    new = up.reweight(np.array([0.5, 0.5]), np.array([-2000.0, -2000.0 - math.log(3)]))
    assert new == pytest.approx([0.75, 0.25], rel=1e-12)


def test_reweighting_with_no_possible_particle_is_refused():
    with pytest.raises(InputError, match="no particle of weight > 0 can give them"):
        up.reweight(np.array([0.5, 0.5, 0.0]), np.array([-np.inf, -np.inf, 0.0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(-700, 50)), min_size=1, max_size=40)
       .filter(lambda xs: any(w > 0 for w, _ in xs)))
def test_new_weights_sum_to_one_and_zeros_stay_zero(pairs):
    weights, ll = (np.array(x, dtype=float) for x in zip(*pairs, strict=True))
    new = up.reweight(weights / weights.sum(), ll)
    assert new.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(new[weights == 0] == 0) and np.all(new >= 0)
    assert 1.0 - 1e-9 <= up.ess(new) <= np.count_nonzero(new) * (1 + 1e-9)


def test_weighted_quantiles_invert_the_weighted_distribution():
    values = np.array([3.0, 1.0, 2.0, 4.0, np.nan])
    weights = np.array([0.1, 0.2, 0.3, 0.4, 0.5])  # cumulative over 1, 2, 3, 4: 0.2, 0.5, 0.6, 1
    assert up.weighted_quantiles(values, weights).tolist() == [1.0, 2.0, 4.0]
    assert up.weighted_quantiles(values, weights, (0.55, 0.6, 0.61)).tolist() == [3.0, 3.0, 4.0]
    assert np.isnan(up.weighted_quantiles(np.array([np.nan]), np.array([1.0]))).all()


@pytest.mark.parametrize(("frame", "named"), [
    (pd.DataFrame({"world.inflow_level": [100.0]}), "'weight' column"),
    (pd.DataFrame({"weight": []}), "at least one row"),
    (pd.DataFrame({"weight": [1.0, -0.5]}), "row 1: field 'weight' = -0.5"),
    (pd.DataFrame({"weight": [1.0, np.nan]}), "row 1: field 'weight' = nan"),
    (pd.DataFrame({"weight": [0.0, 0.0]}), "every weight is 0"),
])
def test_bad_weights_are_refused(frame, named):
    with pytest.raises(InputError, match=r"^particles") as err:
        up.particle_weights(frame)
    assert named in str(err.value)


def test_a_particle_is_the_base_scenario_with_its_values_checked_by_the_schema():
    base = load("baseline")
    one = up.particle_scenarios(pd.DataFrame({"world.inflow_level": [120.0], "weight": [1.0]}), base)
    assert one[0].world.inflow_level == 120.0 and one[0].engagement.base == base.engagement.base
    with pytest.raises(InputError, match=r"^particles, row 1: .*world.inflow_level"):
        up.particle_scenarios(pd.DataFrame({"world.inflow_level": [120.0, -5.0], "weight": 1.0}), base)
    with pytest.raises(InputError, match=r"'time\.end' is the run's structure"):
        up.particle_scenarios(pd.DataFrame({"time.end": ["2020-12"], "weight": [1.0]}), base)


def _counts(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"date": d, "quantity": q, "municipality": "", "value": v, "source": "test"}
                         for d, q, v in rows])


def test_the_horizon_ends_at_the_last_observation_with_the_observed_pulses():
    scores = pd.DataFrame({"date": ["2020-10"], "body": ["ab"], "parameter": [2], "score": [3.0]})
    evidence = up.evidence_table(Observations(scores, _counts([("2021-02", "homeless_young_people", 2000)])))
    cut = up.horizon(load("baseline"), evidence)
    assert cut.time.end == "2021-02" and cut.time.pulse_dates == ["2020-10"]
    early = up.evidence_table(Observations(counts=_counts([("2010-02", "homeless_young_people", 1500)])))
    assert up.horizon(load("baseline"), early).time.end == "2017-08"  # the association must lie inside


@pytest.mark.parametrize(("row", "allowed"), [
    (("2015-12", "active_partners", 5), "between 2016-01 and 2027-12"),
    (("2028-02", "homeless_young_people", 2000), "between 2007-02 and 2027-12"),
])
def test_an_observation_outside_the_run_is_refused(row, allowed):
    evidence = up.evidence_table(Observations(counts=_counts([row])))
    with pytest.raises(InputError, match=f"field 'date' = '{row[0]}'.*{allowed}"):
        up.horizon(load("baseline"), evidence)


def test_no_observations_are_refused():
    with pytest.raises(InputError, match="none given"):
        up.evidence_table(Observations())


SEED = 13
BOX = {"world.inflow_level": (100.0, 250.0), "world.inflow_growth": (0.0, 0.2)}


def _prior_box(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(np.random.SeedSequence(2022))
    frame = pd.DataFrame({name: rng.uniform(low, high, n) for name, (low, high) in BOX.items()})
    return frame.assign(weight=1.0)


def _truth_counts(particles: pd.DataFrame, truth: int) -> pd.DataFrame:
    """The national February counts 2019-2022 and active partners at the end of 2020 and 2022, read
    from the truth's own run (its replicate) through the recorder's tables."""
    row = particles.iloc[[truth]].to_dict("records")[0]  # each column its own type: a rung stays whole
    values = {str(k): v for k, v in row.items() if k != "weight"}
    scenario = load("baseline").with_changes({"time.end": "2022-12", "time.pulse_dates": [], **values})
    rec = engine.run([scenario], SEED, [truth])[0]
    national = rec.census_table("truth").groupby("year")["homeless"].sum()
    partners = rec.trajectories("truth", SEED).set_index("date")["active_partners"]
    rows = [(f"{y}-02", "homeless_young_people", int(national[y])) for y in range(2019, 2023)]
    rows += [(d, "active_partners", int(partners[pd.Timestamp(f"{d}-01")])) for d in ("2020-12", "2022-12")]
    return _counts(rows)


def _width(row: pd.Series, when: str) -> float:
    return float(row[f"{when}_high"] - row[f"{when}_low"])


def test_the_update_moves_the_posterior_towards_the_particle_that_made_the_observations():
    particles = _prior_box(300)
    scaled = (particles[list(BOX)] - [lo for lo, _ in BOX.values()]) / [hi - lo for lo, hi in BOX.values()]
    truth = int(np.argmin(((scaled - [0.8, 0.25]) ** 2).sum(axis=1)))  # off the box's centre
    counts = _truth_counts(particles, truth)
    result = up.update(particles, load("baseline"), Observations(counts=counts), SEED)
    assert result.particles["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert result.log_likelihood[truth] == result.log_likelihood.max()  # its own run: every z is 0
    assert result.ess_before == pytest.approx(300.0) and result.ess_after < result.ess_before
    target = particles.iloc[truth]
    for name in BOX:
        before = particles[name].mean()
        after = float((result.particles[name] * result.particles["weight"]).sum())
        assert abs(after - target[name]) < abs(before - target[name]), name
    feb22 = result.predictive.set_index(["quantity", "date"]).loc[("homeless_young_people", "2022-02")]
    assert _width(feb22, "after") < _width(feb22, "before")
    assert feb22["observed"] == counts["value"].iloc[3]


def test_a_zero_weight_particle_is_not_run_and_stays_zero_with_pulse_evidence():
    particles = pd.DataFrame({"engagement.base": [0.5, 0.7, 0.6], "weight": [1.0, 0.0, 3.0]})
    scores = pd.DataFrame({"date": ["2018-10"], "body": ["board"], "parameter": [1], "score": [4.0]})
    result = up.update(particles, load("baseline"), Observations(scores=scores), SEED)
    weights = result.particles["weight"].to_numpy()
    assert weights[1] == 0.0 and weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.isnan(result.log_likelihood[1]) and np.isfinite(result.log_likelihood[[0, 2]]).all()
    assert result.ess_before == pytest.approx(1 / (0.25**2 + 0.75**2))
    assert result.degenerate  # three particles: far below 100
    text = result.describe()
    assert "run a fresh calibration" in text and "pulse score, board parameter 1, 2018-10" in text


def test_a_healthy_update_gives_no_warning():
    evidence = pd.DataFrame({"date": ["2020-12"], "quantity": ["active_partners"], "body": [""],
                             "parameter": [0], "municipality": [""], "observed": [20.0]})
    simulated = np.arange(300, dtype=float)[:, None] % 7 + 17
    weights = np.full(300, 1 / 300)
    table = up.predictive(evidence, simulated, weights, weights)
    result = up.Update(pd.DataFrame({"weight": weights}), np.zeros(300), 300.0, 290.0, table, False)
    text = result.describe()
    assert "Warning" not in text and "300.0 before, 290.0 after" in text
    assert "active_partners, 2020-12: observed 20; simulated 20 (17-23) before" in text


def test_particles_load_from_a_csv_with_a_weight_column(tmp_path):
    path = tmp_path / "particles.csv"
    path.write_text("world.inflow_level,trust_ladder.start_rung_initiator,weight\n150.5,2,0.25\n120,3,0.75\n")
    frame = up.load_particles(path)
    assert frame.to_dict("records") == [
        {"world.inflow_level": 150.5, "trust_ladder.start_rung_initiator": 2, "weight": 0.25},
        {"world.inflow_level": 120, "trust_ladder.start_rung_initiator": 3, "weight": 0.75}]


@pytest.mark.parametrize(("text", "named"), [
    ("world.inflow_level\n150\n", "line 1: columns must be 'weight' and scenario parameters; 'weight' is"),
    ("world.nope,weight\n150,1\n", "'world.nope' is not one"),
    ("world.inflow_level,weight\n150,-1\n", "line 2: field 'weight' = '-1'"),
    ("world.inflow_level,weight\n150,inf\n", "line 2: field 'weight' = 'inf'"),
    ("world.inflow_level,weight\n-150,1\n", "line 2: field 'world.inflow_level'"),
])
def test_bad_particle_files_are_refused_in_one_line(tmp_path, text, named):
    path = tmp_path / "particles.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=f"^particles {re.escape(str(path))}") as err:
        up.load_particles(path)
    assert named in str(err.value)


def test_updating_the_shipped_posterior_moves_it_towards_one_of_its_own_draws():
    """Issue 13: synthetic observations 2019-2022 from one shipped posterior draw's own run narrow
    the 2022 forecast and move the posterior towards that draw where the counts bite."""
    from hta_sim.analysis.posterior import load_posterior

    post = load_posterior()
    assert post is not None and post.weights is not None and post.fitted_to == "2018-12"
    particles = post.draws.iloc[post.resample(300, SEED)].reset_index(drop=True).assign(weight=1.0)
    growth = particles["world.inflow_growth"]
    truth = int((growth.rank(pct=True) - 0.9).abs().idxmin())  # a draw with fast growth
    counts = _truth_counts(particles, truth)
    result = up.update(particles, load("baseline"), Observations(counts=counts), SEED)
    after = float((result.particles["world.inflow_growth"] * result.particles["weight"]).sum())
    assert abs(after - growth.iloc[truth]) < abs(growth.mean() - growth.iloc[truth])
    feb22 = result.predictive.set_index(["quantity", "date"]).loc[("homeless_young_people", "2022-02")]
    assert _width(feb22, "after") < _width(feb22, "before")

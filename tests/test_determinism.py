"""Same seed, same bits; another seed, other numbers; both engines and any chunking agree."""

import pandas as pd
import pytest

import hta_sim


def test_same_seed_identical_tables():
    a = hta_sim.simulate("baseline", replicates=8, seed=11)
    b = hta_sim.simulate("baseline", replicates=8, seed=11)
    pd.testing.assert_frame_equal(a.trajectories, b.trajectories)
    pd.testing.assert_frame_equal(a.pulse, b.pulse)


def test_other_seed_other_numbers():
    a = hta_sim.simulate("baseline", replicates=4, seed=11)
    b = hta_sim.simulate("baseline", replicates=4, seed=12)
    assert not a.trajectories["engagement_mean"].equals(b.trajectories["engagement_mean"])


@pytest.mark.parametrize("seed", [0, 7, 123456])
def test_mesa_and_vectorised_engines_agree_bit_for_bit(seed):
    mesa = hta_sim.simulate("baseline", replicates=3, seed=seed, engine="mesa")
    vec = hta_sim.simulate("baseline", replicates=3, seed=seed, engine="vectorized")
    pd.testing.assert_frame_equal(mesa.trajectories, vec.trajectories, check_exact=True)
    pd.testing.assert_frame_equal(mesa.pulse, vec.pulse, check_exact=True)


VARIANTS = {
    "phased": {"secretariat.policy": "phased"},
    "adaptive, funding ends": {"secretariat.policy": "adaptive", "secretariat.funding_ends": "2019-06"},
    "no lag, no ladder": {"mechanisms.results_lag": False, "mechanisms.trust_ladder": False},
    "no pipeline, late association": {"initiatives.enabled": False, "time.association": "2018-06"},
    "fewer partners": {"roster.exclude": ["falck", "aarhus"], "peer_influence.rate": 0.2},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_engines_agree_on_scenario_variants(variant):
    sc = hta_sim.load("baseline").with_changes(VARIANTS[variant])
    mesa = hta_sim.simulate(sc, replicates=2, seed=17, engine="mesa")
    vec = hta_sim.simulate(sc, replicates=2, seed=17, engine="vectorized")
    pd.testing.assert_frame_equal(mesa.trajectories, vec.trajectories, check_exact=True)
    pd.testing.assert_frame_equal(mesa.pulse, vec.pulse, check_exact=True)


def test_a_wide_batch_equals_mesa_runs():
    """Wide batches take the compiled reductions (when numba is installed): still the same bits."""
    from hta_sim import _accel
    from hta_sim.model import AllianceModel

    wide = max(_accel.MIN_ROWS, 8)
    batch = hta_sim.simulate("baseline", replicates=wide, seed=23).trajectories
    for r in (0, wide - 1):
        alone = AllianceModel("baseline", seed=23, replicate=r).run().trajectories()
        pd.testing.assert_frame_equal(batch[batch["replicate"] == r].reset_index(drop=True), alone,
                                      check_exact=True)


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_chunking_changes_nothing(chunk):
    whole = hta_sim.simulate("baseline", replicates=7, seed=5)
    parts = hta_sim.simulate("baseline", replicates=7, seed=5, chunk=chunk)
    pd.testing.assert_frame_equal(whole.trajectories, parts.trajectories, check_exact=True)


def test_a_replicate_is_the_same_alone_or_in_a_batch():
    from hta_sim.model import AllianceModel

    batch = hta_sim.simulate("baseline", replicates=5, seed=9).trajectories
    alone = AllianceModel("baseline", seed=9, replicate=4).run().trajectories()
    mine = batch[batch["replicate"] == 4].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def _mixed_batch():
    """Six scenarios that differ in numbers, switches, policies and dates, one per replicate."""
    base = hta_sim.load("baseline").with_changes({"time.end": "2021-12",
                                                  "time.pulse_dates": ["2018-10", "2020-10"]})
    changes = [
        {},
        {"engagement.base": 0.35, "secretariat.policy": "phased", "mechanisms.stake": False},
        {"secretariat.funding_ends": "2019-03", "secretariat.policy": "adaptive"},
        {"funding.grants": [
            {"partner": "bikubenfonden", "purpose": "secretariat", "mdkk_per_year": 1.2, "start": "2016-01"},
            {"partner": "bikubenfonden", "purpose": "initiatives", "mdkk_per_year": 4.0, "start": "2017-01",
             "end": "2019-01"}],
         "time.association": "2018-02"},
        {"results_lag.weight": 0.0, "initiatives.launch_rate": 0.6, "secretariat.staff": 6.0},
        {"mechanisms.trust_ladder": False, "peer_influence.rate": 0.2, "secretariat.funding_ends": "2017-01"},
    ]
    return [base.with_changes(c) for c in changes]


def test_every_replicate_of_a_mixed_batch_equals_its_mesa_run():
    """Parameters, switches and dates differ per replicate; each row still is its own Mesa run."""
    from hta_sim import engine
    from hta_sim.model import AllianceModel

    scenarios = _mixed_batch()
    recs = engine.run(scenarios, 31, len(scenarios), chunk=4)
    batch = pd.concat([r.trajectories("x", 31) for r in recs], ignore_index=True)
    for i, sc in enumerate(scenarios):
        alone = AllianceModel(sc, seed=31, replicate=i).run().recorder.trajectories("x", 31)
        mine = batch[batch["replicate"] == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)

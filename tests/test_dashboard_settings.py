"""The dashboard's settings: controls map onto scenario fields, the six efforts stay a valid mix,
the pool control knows when its lever is missing, and the live run is one member of the band."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hta_sim
from hta_sim.dashboard import settings as ds
from hta_sim.dashboard.runs import ENSEMBLE_REPLICATES, TeachingModel, ensemble
from hta_sim.dashboard.server import exposure_warning
from hta_sim.errors import InputError
from hta_sim.mechanisms import NAMES
from hta_sim.vocabulary import EFFORTS

shares = st.lists(st.integers(0, 100), min_size=6, max_size=6).filter(lambda v: sum(v) > 0).map(
    lambda v: {e: x / sum(v) for e, x in zip(EFFORTS, v, strict=True)})


@given(shares, st.sampled_from(EFFORTS), st.floats(0.0, 1.0))
def test_rebalanced_efforts_fill_the_capacity(before, effort, share):
    after = ds.rebalance(before, effort, share)
    assert set(after) == set(EFFORTS)
    assert all(v >= 0 for v in after.values())
    assert abs(sum(after.values()) - 1.0) < 1e-9
    assert after[effort] == round(share * 100) / 100
    assert all(abs(v * 100 - round(v * 100)) < 1e-9 for v in after.values())  # on the sliders' grid


@given(shares, st.sampled_from(EFFORTS), st.floats(0.0, 1.0))
def test_the_others_keep_their_order(before, effort, share):
    after = ds.rebalance(before, effort, share)
    others = [e for e in EFFORTS if e != effort]
    for a in others:
        for b in others:
            if before[a] > before[b] + 0.02:  # rounding to whole percents may tie close ones
                assert after[a] >= after[b]


def test_moving_an_effort_gives_a_valid_fixed_mix():
    s = ds.with_effort(ds.Settings(), "campaign", 0.4)
    sc = s.scenario()
    assert sc.secretariat.mix.campaign == 0.4
    assert abs(sum(sc.secretariat.mix.shares()) - 1.0) < 1e-9
    assert sc.secretariat.policy == "fixed"


def test_an_echoed_slider_value_changes_nothing():
    s = ds.with_effort(ds.Settings(), "strategy", 0.31)
    assert ds.with_effort(s, "local_alliances", ds.efforts(s)["local_alliances"]) == s


def test_mechanism_switches_map_onto_scenario_fields():
    s = ds.Settings()
    assert ds.mechanisms(s) == dict.fromkeys(NAMES, True)
    off = ds.with_mechanism(s, "results_lag", False)
    assert off.changes == (("mechanisms.results_lag", False),)
    assert off.scenario().mechanisms.results_lag is False
    assert ds.with_mechanism(off, "results_lag", True) == s  # back to the preset: no change left


def test_invalid_changes_are_refused_with_the_field_named():
    with pytest.raises(InputError, match=r"secretariat\.funding_ends"):
        ds.Settings().changed({"secretariat.funding_ends": "2021-13"}).scenario()


def test_the_pool_control_knows_whether_its_lever_exists():
    has_lever = "development_pool" in hta_sim.Scenario.model_fields
    assert ds.pool_available() is has_lever
    s = ds.with_pool(ds.Settings(), enabled=True, size=3.0, start_year=2019)
    assert {"development_pool.enabled": True, "development_pool.mdkk_per_year": 3.0}.items() <= \
        dict(s.changes).items()
    assert s.value("development_pool.start") == "2019-01"  # a change only where it differs
    if has_lever:
        assert s.scenario()
    else:
        with pytest.raises(InputError, match="development_pool"):
            s.scenario()


def test_the_live_run_is_a_member_of_the_band():
    s = ds.Settings(run=7)
    model = TeachingModel(lambda: s)  # Reset passes a callable returning the settings in force
    model.run()
    ens = ensemble(s).trajectories
    member = ens[ens["replicate"] == 7].reset_index(drop=True)
    live = model.trajectories()
    for column in ("engagement_board", "engagement_ab", "homes_created"):
        assert np.array_equal(live[column].to_numpy(), member[column].to_numpy()), column
    assert ens["replicate"].nunique() == ENSEMBLE_REPLICATES


def test_the_pulse_now_is_read_only():
    model = TeachingModel(ds.Settings())
    assert np.isnan(model.pulse_now()).all()
    for _ in range(40):
        model.step()
    before = {k: v.copy() for k, v in vars(model.state).items()}
    scores = model.pulse_now()
    assert scores.shape == (2, 8) and np.all((scores >= 1) & (scores <= 5))
    assert all(np.array_equal(before[k], v, equal_nan=True) for k, v in vars(model.state).items())


def test_only_loopback_is_served_without_a_warning():
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning and "exposes the page" in warning

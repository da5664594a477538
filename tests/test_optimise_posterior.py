"""The mix search under parameter uncertainty: replicate r of every arm takes posterior draw r."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import hta_sim
from hta_sim.analysis.optimise import (
    BASELINE_LEVERS,
    LEVERS,
    Bench,
    Capacity,
    Settings,
    Window,
    drawn_scenarios,
    optimise,
    phased_levers,
)
from hta_sim.analysis.posterior import SMALLEST_TOTAL, Posterior, load_posterior
from hta_sim.analysis.replicate_draws import FIXED, clashes, picks, rows
from hta_sim.cli import main
from hta_sim.errors import InputError
from hta_sim.scenario import flatten

TINY = {"budget": 10, "population": 5, "replicates": 2, "holdout": 4, "seed": 5}
DRAWS = "results_lag.weight,engagement.base\n0.1,0.45\n0.9,0.6\n"


@pytest.fixture(scope="module")
def posterior_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("post") / "two.csv"
    path.write_text(DRAWS)
    return path


@pytest.fixture(scope="module")
def posterior(posterior_csv):
    return load_posterior(posterior_csv)


@pytest.fixture(scope="module")
def written(tmp_path_factory, posterior_csv):
    """hta-sim optimise with the two-row posterior: its folder and what it printed."""
    out = tmp_path_factory.mktemp("opt") / "opt"
    args = [f"--{k}={v}" for k, v in TINY.items()]
    assert main(["optimise", *args, "--posterior", str(posterior_csv), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def drawn(written):
    return pd.read_csv(written / "outcomes.csv")


@pytest.fixture(scope="module")
def fixed():
    return optimise("baseline", Settings(**TINY))


def _changed(a, b) -> set[str]:
    fa, fb = flatten(a.to_dict()), flatten(b.to_dict())
    return {k for k in fa if fa[k] != fb[k]}


def _under_levers(keys) -> bool:
    return all(any(k == f or k.startswith(f"{f}.") for f in LEVERS) for k in keys)


# --- the draws: one list, resampled by weight, shared by every arm -------------------------------------


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.integers(1, 6), elements=st.floats(0.0, 5.0)), st.integers(1, 60),
       st.integers(0, 2**32))
def test_picks_follow_the_weights_and_the_seed(weights, n, seed):
    if not weights.sum() >= SMALLEST_TOTAL:  # refused on load (test_weights_too_small_to_resample...)
        weights = np.append(weights, 1.0)
    post = Posterior(pd.DataFrame({"results_lag.weight": np.linspace(0.1, 0.9, len(weights))}), "code",
                     weights)
    got = picks(post, n, seed)
    assert len(got) == n and np.all(weights[got] > 0)
    np.testing.assert_array_equal(got, picks(post, n, seed))
    np.testing.assert_array_equal(np.sort(got), post.resample(n, seed))  # the resample, shuffled
    share = np.bincount(got, minlength=len(weights)) / n  # systematic: within one draw of n w
    assert np.all(np.abs(share - weights / weights.sum()) <= 1.0 / n + 1e-12)


def test_weights_too_small_to_resample_are_refused():
    """Weights summing to a subnormal number lose their proportions in resampling: refused."""
    with pytest.raises(ValueError, match="normal number"):
        Posterior(pd.DataFrame({"results_lag.weight": [0.2, 0.8]}), "code", np.array([5e-324, 5e-324]))


@settings(max_examples=25)
@given(arrays(float, 15, elements=st.floats(0.0, 1.0)))
def test_every_lever_lies_inside_the_fields_a_posterior_may_not_draw(x):
    keys = list(phased_levers(Capacity().mixes(x))) + [k for v in BASELINE_LEVERS.values() for k in v]
    post = Posterior(pd.DataFrame(columns=keys), "code")
    assert clashes(post, LEVERS) == keys


def test_replicate_r_of_every_arm_takes_draw_r_and_levers_only_add(posterior):
    base = hta_sim.load("baseline")
    R = 6
    own = drawn_scenarios(base, posterior, R, 3)
    picked = picks(posterior, R, 3)
    assert set(picked.tolist()) == {0, 1}  # both rows, three times each
    bench = Bench(3, np.arange(R), Window.of(base), own)
    levers = [phased_levers(Capacity().mixes(np.full(15, u))) for u in (0.2, 0.7)]
    levers.append(BASELINE_LEVERS["baseline_fixed"])
    built = bench.scenarios(levers)
    assert len(built) == len(levers) * R
    for r, values in enumerate(rows(posterior, picked)):
        arms = built[r::R]  # replicate r under each arm
        for s in arms:
            assert (s.results_lag.weight, s.engagement.base) == (values["results_lag.weight"],
                                                                 values["engagement.base"])
            assert _under_levers(_changed(s, own[r]))  # a lever never touches the draw
        assert _under_levers(_changed(arms[0], arms[1])) and _changed(arms[0], arms[1])
        assert own[r] == base.with_changes(values)  # the draw on the searched scenario, nothing else


# --- the search ---------------------------------------------------------------------------------------------


def test_the_posterior_changes_the_outcomes_and_keeps_the_pairing(drawn, fixed):
    a, b = drawn, fixed.outcomes
    assert list(a["replicate"]) == list(b["replicate"]) and list(a["arm"]) == list(b["arm"])
    assert not np.array_equal(a["homes_2027"], b["homes_2027"])
    assert fixed.manifest()["parameter_uncertainty"] == FIXED


def test_in_sample_and_holdout_take_draws_0_to_R_plus_H(drawn, posterior):
    """Replicate r of an arm, in sample or held out, is that arm on draw r of one list of R + H."""
    base = hta_sim.load("baseline")
    own = drawn_scenarios(base, posterior, 6, TINY["seed"])
    o = drawn
    for sample, ids in (("in_sample", np.arange(2)), ("out_of_sample", np.arange(2, 6))):
        again = Bench(TINY["seed"], ids, Window.of(base), own[ids[0]:ids[-1] + 1]).run(
            [BASELINE_LEVERS["baseline_phased"]])
        rows_ = o[(o["sample"] == sample) & (o["arm"] == "baseline_phased")]
        np.testing.assert_array_equal(rows_["homes_2027"], again["homes_2027"][0])


def test_the_manifest_records_the_posterior(written, posterior_csv, posterior):
    info = json.loads((written / "manifest.json").read_text())["parameter_uncertainty"]
    assert info["sha256"] == posterior.sha256 and info["source"] == str(posterior_csv)
    assert info["parameters"] == ["results_lag.weight", "engagement.base"] and info["rows"] == 2
    assert info["draws"] == TINY["replicates"] + TINY["holdout"] and info["seed"] == TINY["seed"]



# --- refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["secretariat.mix.strategy", "secretariat.phased.scaling.campaign",
                                    "secretariat.policy"])
def test_a_posterior_that_draws_a_lever_is_refused(column):
    post = Posterior(pd.DataFrame({"results_lag.weight": [0.3], column: [0.2]}), "code")
    with pytest.raises(InputError, match=rf"column '{column}' is set by the optimiser's levers"):
        drawn_scenarios(hta_sim.load("baseline"), post, 4, 0)


def test_a_lever_column_from_the_command_line_one_line_nothing_written(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("results_lag.weight,secretariat.policy\n0.3,adaptive\n")
    out = tmp_path / "res"
    assert main(["optimise", "--quick", "--posterior", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "'secretariat.policy'" in err and str(path) in err
    assert not out.exists()


def test_a_bad_posterior_file_is_refused_before_any_work(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["optimise", "--quick", "--posterior", str(tmp_path / "no.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--posterior" in err and not out.exists()

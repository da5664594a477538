"""The mix search: valid mixes only, common random numbers, an honest holdout, one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import hta_sim
from hta_sim.analysis import simplex
from hta_sim.analysis.optimise import (
    Bench,
    Capacity,
    Objective,
    Settings,
    Window,
    optimise,
    paired,
    parse_weights,
    phased,
)
from hta_sim.cli import main
from hta_sim.errors import InputError
from hta_sim.vocabulary import EFFORTS, PHASES

TINY = {"budget": 15, "population": 5, "replicates": 3, "holdout": 6}


@pytest.fixture(scope="module")
def report():
    return optimise("baseline", Settings(seed=11, **TINY))


def _rows(report, sample):
    s = report.summary
    return s[s["sample"] == sample].drop_duplicates("arm").set_index("arm")["objective"]


# --- the parametrisation: every candidate is a valid mix --------------------------------------------------


@given(arrays(float, (4, 5), elements=st.floats(0.0, 1.0)))
def test_every_point_of_the_cube_is_a_mix(u):
    mix = simplex.decode(u)
    assert mix.shape == (4, 6)
    assert np.all(mix >= 0.0)
    np.testing.assert_allclose(mix.sum(axis=-1), 1.0, atol=1e-12)


@given(arrays(float, 6, elements=st.floats(0.01, 1.0)))
def test_encode_inverts_decode(raw):
    mix = raw / raw.sum()
    np.testing.assert_allclose(simplex.decode(simplex.encode(mix)), mix, atol=1e-9)


def test_uniform_points_spread_evenly_over_the_efforts():
    """Stick-breaking with Beta quantiles: no effort is favoured by the parametrisation itself."""
    mixes = simplex.decode(np.random.default_rng(0).random((20000, 5)))
    np.testing.assert_allclose(mixes.mean(axis=0), 1 / 6, atol=0.01)


@settings(max_examples=50)
@given(arrays(float, 15, elements=st.floats(0.0, 1.0)), st.floats(0.0, 0.16))
def test_capacity_keeps_the_floor_and_the_staff(x, floor):
    mixes = Capacity(floor).mixes(x)
    assert mixes.shape == (3, 6)
    assert np.all(mixes >= floor - 1e-12)
    np.testing.assert_allclose(mixes.sum(axis=-1), 1.0, atol=1e-12)
    hta_sim.load("baseline").with_changes(  # the scenario schema accepts it
        {f"secretariat.phased.{p}": dict(zip(EFFORTS, map(float, m), strict=True))
         for p, m in zip(PHASES, mixes, strict=True)})


# --- objectives and comparisons ---------------------------------------------------------------------------


def test_weighted_objective_puts_outcomes_on_their_scales():
    obj = Objective("weighted", {"fewer_homeless_2027": 0.5, "engagement_2021": 0.5}, "mean")
    value = obj.per_replicate({"fewer_homeless_2027": np.array([2292.0, 0.0]),  # the 2017 count
                               "engagement_2021": np.array([1.0, 0.5])})
    np.testing.assert_allclose(value, [1.0, 0.25])
    assert Settings(objective="weighted", weights={"fewer_homeless_2027": 3}).resolved_weights() == {
        "fewer_homeless_2027": 1.0, "engagement_2021": 0.0}


def test_parse_weights():
    assert parse_weights("fewer_homeless_2027=0.7, engagement_2021=0.3") == {
        "fewer_homeless_2027": 0.7, "engagement_2021": 0.3}
    f = "fewer_homeless_2027"
    for bad in (f, f"{f}=x", "nope=1", f"{f}=-1", f"{f}=0", f"{f}=1,{f}=2", "homes_2027=1", ""):
        with pytest.raises(InputError, match="--weights"):
            parse_weights(bad)


def test_paired_difference_of_identical_arms_is_zero():
    v = np.random.default_rng(1).normal(size=50)
    obj = Objective("fewer_homeless_2027", {"fewer_homeless_2027": 1.0}, "median")
    got = paired(v, v.copy(), obj, np.random.default_rng(2))
    assert got == {"diff": 0.0, "diff_lo95": 0.0, "diff_hi95": 0.0, "p_beats": 0.0}
    better = paired(v + 1.0, v, obj, np.random.default_rng(2))
    assert better["diff_lo95"] == pytest.approx(1.0) and better["p_beats"] == 1.0


# --- common random numbers ---------------------------------------------------------------------------------


def test_bench_gives_every_arm_the_same_replicates():
    base = hta_sim.load("baseline")
    bench = Bench(5, np.array([2, 7, 9]), Window.of(base), [base] * 3)
    got = bench.run([{}, {}, {"secretariat.policy": "phased"}])
    for outcome in ("fewer_homeless_2027", "homes_2027"):
        np.testing.assert_array_equal(got[outcome][0], got[outcome][1])
        assert not np.array_equal(got[outcome][0], got[outcome][2])  # the mix matters
    alone = Bench(5, np.array([7]), Window.of(base), [base]).run([{}])
    assert alone["fewer_homeless_2027"][0, 0] == got["fewer_homeless_2027"][0, 1]  # nor the batch


def test_the_homes_objective_is_the_fall_in_the_national_count():
    """The run's own February 2017 count minus its February 2027 count, whole young people."""
    base = hta_sim.load("baseline")
    got = Bench(5, np.array([3]), Window.of(base), [base]).run([{}])
    traj = hta_sim.simulate(base, replicates=4, seed=5).trajectories
    run = traj[traj["replicate"] == 3].set_index("date")["homeless_youth"]
    assert got["fewer_homeless_2027"][0, 0] == run[np.datetime64("2017-02-01")] - \
        run[np.datetime64("2027-02-01")]


# --- the search ---------------------------------------------------------------------------------------------


def test_best_mixes_are_valid(report):
    m = report.search.mixes
    assert m.shape == (3, 6) and np.all(m >= 0)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-12)
    best = report.best()["best_mixes"]
    assert set(best) == set(PHASES)
    for phase in PHASES:
        assert sum(best[phase].values()) == pytest.approx(1.0, abs=1e-12)


def test_search_never_does_worse_than_the_baselines_in_sample(report):
    """Both baselines sit in the first generation and the search keeps its best."""
    ins = _rows(report, "in_sample")
    assert ins["optimised"] >= ins["baseline_fixed"] and ins["optimised"] >= ins["baseline_phased"]
    assert np.all(np.diff(report.search.history["best_in_sample"]) >= 0)
    assert report.search.evaluations == TINY["budget"]  # whole generations: 3 x 5


def test_search_improves_on_the_baseline_mix_in_sample(report):
    ins = _rows(report, "in_sample")
    assert ins["optimised"] > ins["baseline_fixed"]


def test_reevaluating_the_winner_reproduces_its_search_value(report):
    """CRN: the winner run again on the in-sample replicates gives the number the search saw."""
    assert _rows(report, "in_sample")["optimised"] == report.search.value


def test_holdout_replicates_are_fresh(report):
    o = report.outcomes
    inside = set(o.loc[o["sample"] == "in_sample", "replicate"])
    outside = set(o.loc[o["sample"] == "out_of_sample", "replicate"])
    assert inside == set(range(TINY["replicates"])) and len(outside) == TINY["holdout"]
    assert inside.isdisjoint(outside)
    for sample in ("in_sample", "out_of_sample"):  # every arm ran the same replicates
        reps = o[o["sample"] == sample].groupby("arm")["replicate"].apply(tuple)
        assert reps.nunique() == 1


def test_same_seed_same_result_other_seed_other_result(report):
    again = optimise("baseline", Settings(seed=11, **TINY))
    np.testing.assert_array_equal(again.search.mixes, report.search.mixes)
    assert again.summary.equals(report.summary)
    other = optimise("baseline", Settings(seed=12, **TINY))
    assert not np.array_equal(other.search.mixes, report.search.mixes)


def test_engagement_objective_with_median_and_floor():
    rep = optimise("baseline", Settings(objective="engagement_2021", statistic="median", min_share=0.05,
                                        seed=3, **TINY))
    assert np.all(rep.search.mixes >= 0.05 - 1e-12)
    ins = _rows(rep, "in_sample")
    assert ins["optimised"] >= ins["baseline_fixed"]
    assert 0.0 < ins["optimised"] < 1.0


# --- the command line and the result folder ----------------------------------------------------------------


def test_optimise_writes_its_folder(tmp_path):
    out = tmp_path / "opt"
    assert main(["optimise", "--budget", "10", "--population", "5", "--replicates", "2",
                 "--holdout", "4", "--seed", "5", "--out", str(out)]) == 0
    files = {p.name for p in out.iterdir()}
    assert files == {"summary.csv", "outcomes.csv", "convergence.csv", "best_mix.json", "optimised.toml",
                     "optimise.png", "manifest.json"}
    info = json.loads((out / "manifest.json").read_text())
    assert info["seed"] == 5 and info["holdout_replicates"] == 4 and info["settings"]["budget"] == 10
    best = json.loads((out / "best_mix.json").read_text())
    assert best["in_sample"]["replicates"] == [0, 1] and best["out_of_sample"]["replicates"] == [2, 5]
    scenario = hta_sim.load(str(out / "optimised.toml"))  # the winner, as a scenario file
    assert scenario.secretariat.policy == "phased"
    assert scenario.secretariat.phased.scaling.shares() == list(best["best_mixes"]["scaling"].values())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_optimised_scenario_file_reproduces_the_winner(report, tmp_path):
    report.save(tmp_path / "r")
    from_file = hta_sim.load(str(tmp_path / "r" / "optimised.toml"))
    direct = phased(hta_sim.load("baseline"), report.search.mixes)
    assert from_file.secretariat == direct.secretariat


def _late_start(tmp_path):
    path = tmp_path / "late.toml"
    path.write_text('extends = "baseline"\n[time]\nstart = "2022-01"\nassociation = "2022-08"\n'
                    'pulse_dates = ["2024-10"]\n')
    return str(path)


BAD = {
    "objective": (["--objective", "dip"], "--objective"),
    "budget too small": (["--budget", "9"], "--budget"),
    "budget not a number": (["--budget", "lots"], "--budget"),
    "weights without weighted": (["--weights", "fewer_homeless_2027=1"], "--weights"),
    "weights unknown outcome": (["--objective", "weighted", "--weights", "dip=1"], "--weights"),
    "weights negative": (["--objective", "weighted", "--weights", "fewer_homeless_2027=-1"], "--weights"),
    "one replicate": (["--replicates", "1"], "--replicates"),
    "one holdout replicate": (["--holdout", "1"], "--holdout"),
    "population": (["--population", "4"], "--population"),
    "min share": (["--min-share", "0.2"], "--min-share"),
    "min share nan": (["--min-share", "nan"], "--min-share"),
    "statistic": (["--statistic", "mode"], "--statistic"),
    "seed": (["--seed", "-1"], "--seed"),
    "scenario": (["--scenario", "nowhere.toml"], "nowhere.toml"),
    "scenario misses 2021": (["--scenario", _late_start], "time"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, case):
    args, field = BAD[case]
    args = [a(tmp_path) if callable(a) else a for a in args]
    out = tmp_path / "res"
    try:
        code = main(["optimise", "--quick", *args, "--out", str(out)])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and field in err and "Traceback" not in err
    assert not out.exists()


def test_out_folder_that_is_not_a_result_is_refused(tmp_path, capsys):
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "keep.txt").write_text("x")
    assert main(["optimise", "--quick", "--out", str(tmp_path / "res")]) == 2
    assert "--out" in capsys.readouterr().err
    assert {p.name for p in (tmp_path / "res").iterdir()} == {"keep.txt"}


def test_a_user_sees_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "hta_sim.cli", "optimise", "--objective", "weighted",
                           "--weights", "fewer_homeless_2027=abc", "--out", "res"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "--weights" in proc.stderr and not (tmp_path / "res").exists()

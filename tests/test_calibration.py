"""Calibration (issue #3): the shipped baseline fits the 2018 evaluation; the fit machinery is sound;
``hta-sim calibrate`` writes its outputs, and refuses bad input with one line and nothing written."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hta_sim
from hta_sim.calibration import space as sp
from hta_sim.calibration.distance import discrepancy
from hta_sim.calibration.simulate import Batch, Simulator, depth
from hta_sim.calibration.targets import load_observations, seed_targets, with_observations
from hta_sim.outcomes import at_date, dip_of, ensemble_dip, replicate_dips
from hta_sim.scenario import Scenario
from hta_sim.vocabulary import SEED_SCORES_2018

ACCEPT_REPLICATES, ACCEPT_SEED = 60, 7  # other replicates than the fit's assessment (seed 2018)


def fit_measures(scenario) -> dict:
    res = hta_sim.simulate(scenario, replicates=ACCEPT_REPLICATES, seed=ACCEPT_SEED)
    oct18 = res.pulse[res.pulse["date"] == np.datetime64("2018-10-01")]
    med = oct18.groupby(["body", "parameter"])["score"].median()
    err = np.array([[med[(b, k + 1)] - SEED_SCORES_2018[b][k] for k in range(8)] for b in ("board", "ab")])
    depths = replicate_dips(res.trajectories)["depth"]
    return {"mae": np.abs(err).mean(), "max": np.abs(err).max(),
            "homes": (at_date(res.trajectories, "places_dormitory", "2018-12")
                      + at_date(res.trajectories, "housed_host_home", "2018-12")).median(),
            "depth": ensemble_dip(res.trajectories).depth, "dipping": (depths >= 0.05).mean()}


@pytest.fixture(scope="module")
def shipped():
    return fit_measures("baseline")


def test_shipped_baseline_meets_the_acceptance_criteria(shipped):
    """Issue #3's criteria (>= 100 replicates there), here on 60 other replicates with a tolerance:
    MAE <= 0.5 + 0.05, largest error <= 1 + 0.1, homes in [10, 40], depth in 5-30 %, >= 80 % dip."""
    assert shipped["mae"] <= 0.55, shipped
    assert shipped["max"] <= 1.10, shipped
    assert 10 <= shipped["homes"] <= 40, shipped
    assert 0.05 <= shipped["depth"] <= 0.30, shipped
    assert shipped["dipping"] >= 0.80, shipped


def test_the_tolerance_fails_a_clearly_wrong_fit():
    """The core model's uncalibrated values (the schema's defaults) are off by two steps on one score."""
    defaults = Scenario().to_dict()
    flat = {name: hta_sim.scenario.flatten(defaults)[name] for name in sp.names()}
    wrong = fit_measures(hta_sim.load("baseline").with_changes(flat))
    assert wrong["mae"] > 0.55 or wrong["max"] > 1.10, wrong


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.05, 1.0), min_size=60, max_size=60))
def test_batched_dip_equals_the_outcomes_definition(curve):
    c = np.array(curve)
    assert depth(c[None])[0] == pytest.approx(dip_of(c).depth, abs=1e-12)


@given(st.lists(st.floats(-10, 10), min_size=len(sp.FREE), max_size=len(sp.FREE)))
def test_free_values_stay_in_range_and_rungs_are_whole(x):
    for f, v in zip(sp.FREE, sp.changes(np.array(x)).values(), strict=True):
        if f.integer:
            assert isinstance(v, int) and f.low <= v <= f.high
    assert len(sp.FREE) <= 11


def test_free_parameters_exist_in_the_scenario():
    base = hta_sim.load("baseline")
    x = np.array([(f.low + f.high) / 2 for f in sp.FREE])
    assert np.allclose(sp.read(sp.scenario(base, x)), [f.value(v) for f, v in zip(sp.FREE, x, strict=True)])


def test_perfect_scores_cost_nothing():
    t = seed_targets()
    scores = np.full((1, 3, 1, 2, 8), np.nan)
    for b, body in enumerate(("board", "ab")):
        scores[0, :, 0, b] = SEED_SCORES_2018[body]
    curve = np.concatenate([np.linspace(0.6, 0.8, 24), np.linspace(0.8, 0.7, 24)])
    eng = np.tile(curve, (1, 3, 1))
    batch = Batch(scores, np.full((1, 3), 20.0), eng, eng + 0.05, eng - 0.05)
    parts = discrepancy(batch, t)
    assert parts.scores[0] == 0 and parts.homes[0] == 0 and parts.total[0] == 0
    worse = Batch(scores + 0.5, batch.homes, eng, eng + 0.05, eng - 0.05)
    assert discrepancy(worse, t).scores[0] == pytest.approx(0.5 * 16)


def test_split_over_workers_changes_no_number():
    base = hta_sim.load("baseline").with_changes({"time.end": "2019-12", "time.pulse_dates": ["2018-10"]})
    xs = [sp.scenario(base, np.array([(f.low + f.high) / 2 + 0.01 * i for f in sp.FREE])) for i in range(4)]
    with Simulator(5, 3, "2018-12") as one, Simulator(5, 3, "2018-12", workers=2) as two:
        a, b = one(xs), two(xs)
    for field in ("scores", "homes", "engagement", "board", "ab"):
        assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), field


def test_observations_average_replicates_and_replace_the_seed(tmp_path):
    path = tmp_path / "obs.csv"
    pd.DataFrame({"scenario": "x", "replicate": [0, 1, 0], "date": ["2020-10-01", "2020-10-01", "2018-10"],
                  "body": ["ab", "ab", "board"], "parameter": [2, 2, 1], "name": "",
                  "score": [2.0, 3.0, 4.0]}).to_csv(path, index=False)
    obs = load_observations(path, "2016-01", "2017-08")
    assert len(obs) == 2 and obs.set_index("date").loc["2020-10", "score"] == 2.5
    t = with_observations(seed_targets(), obs)
    assert len(t.scores) == 17 and t.dates == ["2018-10", "2020-10"]
    board1 = t.scores[(t.scores["date"] == "2018-10") & (t.scores["body"] == "board")
                      & (t.scores["parameter"] == 1)]
    assert board1["score"].tolist() == [4.0]


def _cli(tmp_path, *args):
    proc = subprocess.run([sys.executable, "-m", "hta_sim.cli", "calibrate", *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def test_quick_calibration_with_observations_writes_everything(tmp_path):
    obs = tmp_path / "later.csv"
    pd.DataFrame({"date": ["2020-10-01"] * 2, "body": ["board", "ab"], "parameter": [8, 8],
                  "score": [3.0, 2.5]}).to_csv(obs, index=False)
    code, out, err = _cli(tmp_path, "--quick", "--out", "cal", "--observations", str(obs))
    assert code == 0, err
    folder = tmp_path / "cal"
    assert {"report.md", "fitted.toml", "posterior.csv", "targets.csv", "holdout.csv", "shortlist.csv",
            "posterior_samples.parquet", "observed.csv", "fig61_radar.png", "posterior_marginals.png",
            "fig71_engagement.png", "manifest.json"} <= {p.name for p in folder.iterdir()}
    fitted = hta_sim.load(str(folder / "fitted.toml"))
    assert fitted.name == "calibrated"
    post = pd.read_csv(folder / "posterior.csv")
    assert post["parameter"].tolist() == sp.names()
    assert (post["p05"] <= post["p95"]).all()
    assert (post["low"] <= post["fitted"]).all() and (post["fitted"] <= post["high"]).all()
    targets = pd.read_csv(folder / "targets.csv")
    assert targets["target"].str.contains("2020-10 board 8").any()
    assert targets["target"].str.startswith("score 2018-10").sum() == 16
    report = (folder / "report.md").read_text()
    for heading in ("Acceptance", "Identifiability", "Validation beyond the fit", "Not fitted to"):
        assert heading in report
    assert "seed scores: mean abs. error" in out


BAD = {
    "missing file": (["--observations", "nope.csv"], "nope.csv"),
    "missing column": (["--observations", "cols.csv"], "score"),
    "bad score": (["--observations", "score.csv"], "'score'"),
    "bad body": (["--observations", "body.csv"], "'body'"),
    "bad date": (["--observations", "date.csv"], "'date'"),
    "budget too small": (["--budget", "10"], "--budget"),
    "budget not a number": (["--budget", "lots"], "--budget"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, case):
    rows = "date,body,parameter,score\n"
    (tmp_path / "cols.csv").write_text("date,body,parameter\n2020-10,ab,1\n")
    (tmp_path / "score.csv").write_text(rows + "2020-10,ab,1,7\n")
    (tmp_path / "body.csv").write_text(rows + "2020-10,council,1,3\n")
    (tmp_path / "date.csv").write_text(rows + "October 2020,ab,1,3\n")
    args, field = BAD[case]
    code, _, err = _cli(tmp_path, "--quick", "--out", "cal", *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and field in err and "Traceback" not in err
    assert not (tmp_path / "cal").exists()

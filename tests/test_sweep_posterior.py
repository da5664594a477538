"""Sweeps under parameter uncertainty: replicate j of every point takes posterior draw j, the point's
swept values override the draw, and workers, resume and the store's checks keep every bit.
"""

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

import hta_sim
from hta_sim.analysis.posterior import load_posterior
from hta_sim.analysis.replicate_draws import picks, rows
from hta_sim.cli import main
from hta_sim.outcomes import at_date
from hta_sim.sweep import load_spec, run_sweep
from hta_sim.sweep.store import read_runs

SCENARIO = """extends = "baseline"
name = "short"
[time]
end = "2020-06"
pulse_dates = ["2018-10", "2019-10"]
"""
# weighted, with a whole-number column, and a value of the swept parameter far outside its range
DRAWS = ("results_lag.weight,engagement.base,trust_ladder.start_rung_initiator,weight\n"
         "0.9,0.45,3,1\n0.8,0.62,5,2\n")
OTHER = DRAWS.replace("0.45", "0.5")
SPEC = """
name = "p"
scenario = "short.toml"
seed = 5
replicates = 3
chunk_runs = 8
common_random_numbers = {crn}
{posterior}
out = "res"

[design]
method = "lhs"
samples = 5

[[parameters]]
name = "results_lag.weight"
low = 0.0
high = 0.5

[[parameters]]
name = "secretariat.policy"
values = ["fixed", "phased"]

[outcomes]
engagement_dates = ["2019-12"]
homes_dates = ["2020-06"]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write(folder, posterior='posterior = "two.csv"', crn="true", name="spec.toml", draws=DRAWS):
    (folder / "short.toml").write_text(SCENARIO)
    (folder / "two.csv").write_text(draws)
    path = folder / name
    path.write_text(textwrap.dedent(SPEC.format(crn=crn, posterior=posterior)))
    return path


def _run(folder, out, workers=1, **kw):
    spec = load_spec(write(folder, **kw))
    return spec, read_runs(run_sweep(spec, workers=workers, progress=False, out=folder / out))


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The posterior sweep (common random numbers, one worker): its folder, spec and runs."""
    folder = tmp_path_factory.mktemp("swept")
    return folder, *_run(folder, "a")


@pytest.mark.parametrize("crn", ["true", "false"])
def test_each_row_is_its_draw_with_the_point_on_top(tmp_path, swept, crn):
    spec, runs = swept[1:] if crn == "true" else _run(tmp_path, "a", crn=crn)
    post = spec.parameter_draws
    picked = picks(post, 3, 5)
    j = runs["run"] % 3
    assert (runs["posterior_row"] == picked[j]).all()  # replicate j's draw under every point
    assert runs.groupby(j)["posterior_row"].nunique().eq(1).all()
    drawn = rows(post, picked)
    for _, row in runs.iloc[[1, 8, 12]].iterrows():
        point = {"results_lag.weight": float(row["results_lag.weight"]),
                 "secretariat.policy": row["secretariat.policy"]}
        assert point["results_lag.weight"] <= 0.5  # the design's value, not the draw's 0.8 or 0.9
        sc = spec.base.with_changes(drawn[int(row["run"]) % 3] | point)
        rep = int(row["replicate"])
        traj = hta_sim.simulate(sc, replicates=rep + 1, seed=5).trajectories
        assert row["engagement_2019_12"] == at_date(traj, "engagement_mean", "2019-12").loc[rep]
        assert row["homes_2020_06"] == at_date(traj, "homes_created", "2020-06").loc[rep]


def test_the_draw_matters_and_none_is_the_old_sweep(tmp_path, swept):
    drawn = swept[2]
    spec, fixed = _run(tmp_path, "b", posterior="")
    assert spec.parameter_draws is None and "posterior_row" not in fixed
    assert not np.array_equal(drawn["engagement_2019_12"], fixed["engagement_2019_12"])
    pd.testing.assert_frame_equal(drawn[["run", "point", "replicate", "results_lag.weight"]],
                                  fixed[["run", "point", "replicate", "results_lag.weight"]])
    explicit = load_spec(write(tmp_path, posterior='posterior = "none"', name="none.toml"))
    assert explicit.digest() == spec.digest()  # the field's default leaves the spec hash as it was


def test_one_worker_and_two_give_the_same_bits(tmp_path, swept):
    _, two = _run(tmp_path, "two", workers=2)
    assert len(list((tmp_path / "two" / "runs").glob("*.parquet"))) == 3  # two points a chunk
    pd.testing.assert_frame_equal(swept[2], two, check_exact=True)


def test_the_manifest_records_the_posterior(swept):
    folder, spec, _ = swept
    info = json.loads((folder / "a" / "manifest.json").read_text())["sweep"]
    drawn = info["parameter_uncertainty"]
    assert drawn["sha256"] == spec.parameter_draws.sha256 and drawn["weighted"] is True
    assert drawn["draws"] == 3 and drawn["seed"] == 5 and info["spec"]["posterior"] == "two.csv"


def test_a_resume_with_another_posterior_is_refused(tmp_path, capsys):
    spec = str(write(tmp_path))
    assert main(["sweep", spec, "--workers", "1", "--quiet"]) == 0
    before = read_runs(tmp_path / "res")
    assert main(["sweep", spec, "--workers", "1", "--quiet", "--resume"]) == 0  # the same: nothing to do
    pd.testing.assert_frame_equal(before, read_runs(tmp_path / "res"))
    (tmp_path / "other.csv").write_text(OTHER)
    other = str(write(tmp_path, 'posterior = "other.csv"', name="other.toml"))  # another file
    fixed = str(write(tmp_path, "", name="fixed.toml"))  # no posterior
    edited = str(write(tmp_path, draws=OTHER, name="edited.toml"))  # two.csv itself edited
    capsys.readouterr()
    for changed, said in ((other, "this spec from the posterior of sha256"),
                          (edited, "this spec from the posterior of sha256"),
                          (fixed, "this spec from no posterior")):
        assert main(["sweep", changed, "--workers", "1", "--quiet", "--resume", "--out", "res"]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "field 'posterior'" in err and said in err, err
    pd.testing.assert_frame_equal(before, read_runs(tmp_path / "res"))


def test_the_shipped_posterior(tmp_path):
    spec = load_spec(write(tmp_path, 'posterior = "shipped"'))
    assert spec.parameter_draws.sha256 == load_posterior().sha256
    assert spec.digest() != load_spec(write(tmp_path, "", name="none.toml")).digest()


@pytest.mark.parametrize("posterior, draws, said", [
    ('posterior = "nowhere.csv"', DRAWS, "file not found"),
    ('posterior = ""', DRAWS, "posterior"),
    ('posterior = "two.csv"', "initiatives.slots\n3\n", "column 'initiatives.slots' is not a field"),
    ('posterior = "two.csv"', "results_lag.weight\n7\n", "results_lag.weight"),
    ('posterior = "two.csv"', "time.association\n2021-03\n", "draw 1 on the scenario"),
])
def test_a_bad_posterior_one_line_exit_2_nothing_written(tmp_path, capsys, posterior, draws, said):
    spec = write(tmp_path, posterior, draws=draws)
    assert main(["sweep", str(spec), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "field 'posterior'" in err and said in err, err
    assert not (tmp_path / "res").exists()

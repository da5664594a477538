"""Sweeps: rows equal single runs; chunking, workers, executors and a hard kill change nothing."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import hta_sim
from hta_sim.outcomes import at_date, replicate_dips
from hta_sim.sweep import load_spec, run_sweep
from hta_sim.sweep.store import read_runs, read_trajectories

SCENARIO = """extends = "baseline"
name = "short"
[time]
end = "2020-06"
pulse_dates = ["2018-10", "2019-10"]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Specs name their out folder relative to the current directory: keep it in tmp_path."""
    monkeypatch.chdir(tmp_path)


def write_spec(folder, body: str, name: str = "spec.toml") -> str:
    (folder / "short.toml").write_text(SCENARIO)
    path = folder / name
    path.write_text(textwrap.dedent(body))
    return str(path)


SPEC = """
name = "t"
scenario = "short.toml"
seed = 5
replicates = 3
chunk_runs = {chunk}
common_random_numbers = {crn}

[design]
method = "lhs"
samples = 5

[[parameters]]
name = "results_lag.weight"
low = 0.0
high = 0.5

[[parameters]]
name = "secretariat.policy"
values = ["fixed", "phased", "adaptive"]

[[parameters]]
name = "secretariat.funding_ends"
values = ["none", "2018-06"]

[[parameters]]
name = "time.association"
values = ["2017-08", "2018-02"]

[outcomes]
engagement_dates = ["2019-12"]
homes_dates = ["2020-06"]
initiative_taking_dates = ["2020-06"]
pulse_dates = ["2019-10"]
trajectory_every = 6
"""


def sweep(tmp_path, out="out", chunk=4, crn="true", **kw):
    spec = load_spec(write_spec(tmp_path, SPEC.format(chunk=chunk, crn=crn)))
    return run_sweep(spec, progress=False, out=tmp_path / out, **kw)


def dataset(folder):
    return read_runs(folder), read_trajectories(folder)


@pytest.mark.parametrize("crn", ["true", "false"])
def test_each_row_is_the_run_simulate_gives(tmp_path, crn):
    """Run (point, replicate) of a sweep = simulate(base with the point's values), that replicate."""
    runs = read_runs(sweep(tmp_path, crn=crn, workers=1))
    spec = load_spec(tmp_path / "spec.toml")
    assert len(runs) == 5 * 3
    for _, row in runs.iloc[[0, 4, 8, 14]].iterrows():
        ends = row["secretariat.funding_ends"]
        sc = spec.base.with_changes({
            "results_lag.weight": float(row["results_lag.weight"]),
            "secretariat.policy": row["secretariat.policy"],
            "secretariat.funding_ends": None if pd.isna(ends) else ends,
            "time.association": row["time.association"]})
        rep = int(row["replicate"])
        res = hta_sim.simulate(sc, replicates=rep + 1, seed=5)
        traj = res.trajectories
        dip = replicate_dips(traj).set_index("replicate").loc[rep]
        assert row["dip_depth"] == dip["depth"] and row["dip_trough_step"] == dip["trough_step"]
        assert row["engagement_2019_12"] == at_date(traj, "engagement_mean", "2019-12").loc[rep]
        assert row["engagement_ab_2019_12"] == at_date(traj, "engagement_ab", "2019-12").loc[rep]
        assert row["homes_2020_06"] == at_date(traj, "homes_created", "2020-06").loc[rep]
        last = traj[(traj["replicate"] == rep) & (traj["date"] == np.datetime64("2020-06-01"))].iloc[0]
        leading = last[["rung_initiative_taking", "rung_responsibility_taking", "rung_co_financing"]].sum()
        assert row["initiative_taking_share_2020_06"] == leading / last["active_partners"]
        p = res.pulse
        score = p[(p["replicate"] == rep) & (p["date"] == np.datetime64("2019-10-01"))
                  & (p["body"] == "ab") & (p["name"] == "testing_solutions")]["score"].item()
        assert row["pulse_ab_testing_solutions_2019_10"] == score
    assert (runs["replicate"] == (runs["run"] % 3 if crn == "true" else runs["run"])).all()


def test_chunking_and_worker_count_change_nothing(tmp_path):
    one = dataset(sweep(tmp_path, "a", chunk=1, workers=1))
    many = dataset(sweep(tmp_path, "b", chunk=7, workers=2))
    for x, y in zip(one, many, strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    assert len(list((tmp_path / "a" / "runs").glob("*.parquet"))) == 5


def test_dask_local_cluster_gives_the_local_dataset(tmp_path):
    pytest.importorskip("distributed")
    local = dataset(sweep(tmp_path, "local", workers=1))
    dask = dataset(sweep(tmp_path, "dask", dask_local=2))
    for x, y in zip(local, dask, strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["sweep"]["executor"]["kind"] == "dask"
    assert manifest["sweep"]["executor"]["scheduler"].startswith("tcp://127.0.0.1:")


KILLER = """
import os, signal, sys, tempfile
from hta_sim.sweep import store
from hta_sim.cli import main

written = []
original = store.Store.write_chunk

def write_then_die(self, chunk, runs, trajectories):
    if len(written) == 2:  # mid-way: half a file on disk, then a hard kill (no cleanup runs)
        fd, _ = tempfile.mkstemp(prefix=".chunk-x.parquet.", suffix=".tmp", dir=self.root / "runs")
        os.write(fd, b"PAR1 half a file")
        os.kill(os.getpid(), signal.SIGKILL)
    original(self, chunk, runs, trajectories)
    written.append(chunk)

if __name__ == "__main__":  # worker processes import this file too
    store.Store.write_chunk = write_then_die
    sys.exit(main(sys.argv[1:]))
"""


def test_a_sweep_killed_and_resumed_equals_an_uninterrupted_one(tmp_path):
    spec = write_spec(tmp_path, SPEC.format(chunk=3, crn="true"))
    killer = tmp_path / "killer.py"
    killer.write_text(KILLER)
    cmd = [sys.executable, str(killer), "sweep", spec, "--workers", "2", "--quiet", "--out"]
    killed = subprocess.run([*cmd, str(tmp_path / "k")], capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9
    done = sorted(p.name for p in (tmp_path / "k" / "runs").iterdir())
    assert len([n for n in done if not n.startswith(".")]) == 2 and any(n.startswith(".") for n in done)
    assert json.loads((tmp_path / "k" / "manifest.json").read_text())["status"] == "running"
    resumed = subprocess.run([sys.executable, "-m", "hta_sim.cli", "sweep", spec, "--resume", "--quiet",
                              "--workers", "2", "--out", str(tmp_path / "k")],
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = sweep(tmp_path, "whole", chunk=3, workers=1)
    for x, y in zip(dataset(tmp_path / "k"), dataset(whole), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    assert not [p for p in (tmp_path / "k" / "runs").iterdir() if p.name.startswith(".")]
    info = json.loads((tmp_path / "k" / "manifest.json").read_text())
    assert info["status"] == "complete" and info["sweep"]["this_invocation"]["chunks_run"] == 3


def test_manifest_and_design(tmp_path):
    out = sweep(tmp_path, workers=1)
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "complete" and info["machine"]["cpu_features"]
    assert info["sweep"]["runs"] == 15 and info["sweep"]["design"]["points"] == 5
    assert set(info["libraries"]) >= {"numpy", "SALib", "distributed"}
    design = pd.read_parquet(out / "design.parquet")
    assert list(design["point"]) == list(range(5))
    assert {"sample.results_lag.weight", "secretariat.policy"} <= set(design.columns)
    runs = read_runs(out)
    assert runs["machine"].nunique() == 1 and set(info["sweep"]["outcomes"]) <= set(runs.columns)


GOOD = """
scenario = "short.toml"
replicates = 2
out = "res"
[design]
method = "lhs"
samples = 3
[[parameters]]
name = "results_lag.weight"
low = 0.0
high = 0.5
"""

BAD_SPECS = {
    "unknown key": (GOOD + "colour = 'red'\n", "colour"),
    "unknown parameter": (GOOD.replace("results_lag.weight", "results_lag.wait"), "parameters[0].name"),
    "out of the schema's range": (GOOD.replace("high = 0.5", "high = 1.5"), "parameters[0].high"),
    "low above high": (GOOD.replace("low = 0.0", "low = 0.9"), "parameters[0]"),
    "a structural field": (GOOD.replace("results_lag.weight", "initiatives.slots"), "parameters[0].name"),
    "a policy with a range": (GOOD.replace("results_lag.weight", "secretariat.policy"), "parameters[0]"),
    "a bad value": (GOOD + '[[parameters]]\nname = "mechanisms.stake"\nvalues = [true, "maybe"]\n',
                    "parameters[1].values[1]"),
    "unknown design": (GOOD.replace('"lhs"', '"taguchi"'), "design.method"),
    "sobol not a power of 2": (GOOD.replace('"lhs"', '"sobol"'), "design"),
    "date outside the run": (GOOD + '[outcomes]\nhomes_dates = ["2027-12"]\n', "outcomes.homes_dates"),
    "not a pulse date": (GOOD + '[outcomes]\npulse_dates = ["2020-10"]\n', "outcomes.pulse_dates"),
    "unknown trajectory column": (GOOD + '[outcomes]\ntrajectory_columns = ["mood"]\n',
                                  "outcomes.trajectory_columns"),
    "no replicates": (GOOD.replace("replicates = 2", "replicates = 0"), "replicates"),
    "missing scenario": (GOOD.replace("short.toml", "nowhere.toml"), "scenario"),
    "not toml": (GOOD + "[design\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_one_line_exit_2_nothing_written(tmp_path, capsys, case):
    from hta_sim.cli import main

    text, field = BAD_SPECS[case]
    spec = write_spec(tmp_path, text)
    assert main(["sweep", spec, "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and field in err, err
    assert not (tmp_path / "res").exists()


def test_bad_spec_from_the_shell(tmp_path):
    spec = write_spec(tmp_path, BAD_SPECS["unknown parameter"][0])
    proc = subprocess.run([sys.executable, "-m", "hta_sim.cli", "sweep", spec], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "res").exists()


@pytest.mark.parametrize("args, field", [
    (["--scheduler", "tcp://127.0.0.1:9", "--dask-local", "2"], "not allowed with"),
    (["--workers", "0"], "--workers"),
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
])
def test_bad_executor_options(tmp_path, capsys, monkeypatch, args, field):
    from hta_sim.cli import main
    from hta_sim.sweep import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    spec = write_spec(tmp_path, GOOD)
    with pytest.raises(SystemExit) if field != "--scheduler" else _no_raise():
        code = main(["sweep", spec, "--quiet", *args])
        assert code == 2
    assert field in capsys.readouterr().err
    assert not (tmp_path / "res").exists()


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_an_existing_sweep_is_not_overwritten_and_resume_checks_the_spec(tmp_path, capsys):
    from hta_sim.cli import main

    spec = write_spec(tmp_path, GOOD)
    assert main(["sweep", spec, "--workers", "1", "--quiet"]) == 0
    before = read_runs(tmp_path / "res")
    assert main(["sweep", spec, "--workers", "1", "--quiet"]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", spec, "--workers", "1", "--quiet", "--resume"]) == 0
    pd.testing.assert_frame_equal(before, read_runs(tmp_path / "res"))
    other = write_spec(tmp_path, GOOD.replace("replicates = 2", "replicates = 3"), "other.toml")
    assert main(["sweep", other, "--workers", "1", "--quiet", "--resume"]) == 2
    assert "another sweep" in capsys.readouterr().err


GRID = """
scenario = "short.toml"
seed = 8
replicates = 2
[design]
method = "grid"
levels = 2
[[parameters]]
name = "engagement.base"
low = 0.4
high = 0.6
[[parameters]]
name = "mechanisms.stake"
values = [true, false]
[[parameters]]
name = "trust_ladder.start_rung_initiator"
low = 3
high = 4
"""


def test_a_grid_of_numbers_switches_and_whole_numbers(tmp_path):
    spec = load_spec(write_spec(tmp_path, GRID))
    runs = read_runs(run_sweep(spec, workers=1, progress=False, out=tmp_path / "g"))
    assert len(runs) == 2 * 2 * 2 * 2
    assert str(runs["mechanisms.stake"].dtype) == "boolean"
    assert str(runs["trust_ladder.start_rung_initiator"].dtype) == "Int64"
    row = runs.iloc[-1]
    sc = spec.base.with_changes({"engagement.base": 0.6, "mechanisms.stake": False,
                                 "trust_ladder.start_rung_initiator": 4})
    traj = hta_sim.simulate(sc, replicates=2, seed=8).trajectories
    assert (row["engagement.base"], row["mechanisms.stake"], row["trust_ladder.start_rung_initiator"]) == \
        (0.6, False, 4)
    assert row["engagement_2020_06"] == at_date(traj, "engagement_mean", "2020-06").loc[1]


LEVER_SPEC = """
name = "pool"
scenario = "pool.toml"
seed = 9
replicates = 2

[design]
method = "grid"

[[parameters]]
name = "development_pool.mdkk_per_year"
values = [1.0, 4.0]

[[parameters]]
name = "development_pool.start"
values = ["2017-06", "2018-06"]

[[parameters]]
name = "development_pool.selection"
values = ["keenest", "lottery"]

[outcomes]
homes_dates = ["2020-06"]
"""


def test_lever_fields_sweep_like_any_other(tmp_path):
    """Lever dates and choices sweep too, and the lever stream is drawn: rows equal simulate's runs."""
    (tmp_path / "pool.toml").write_text(SCENARIO.replace('name = "short"', 'name = "pool"')
                                        + "[development_pool]\nenabled = true\n")
    (tmp_path / "spec.toml").write_text(textwrap.dedent(LEVER_SPEC))
    spec = load_spec(tmp_path / "spec.toml")
    runs = read_runs(run_sweep(spec, progress=False, out=tmp_path / "out", workers=1))
    assert len(runs) == 8 * 2
    for _, row in runs.iloc[[0, 5, 11, 15]].iterrows():
        sc = spec.base.with_changes({k: row[k] for k in ("development_pool.start",
                                                         "development_pool.selection")}
                                    | {"development_pool.mdkk_per_year":
                                       float(row["development_pool.mdkk_per_year"])})
        rep = int(row["replicate"])
        traj = hta_sim.simulate(sc, replicates=rep + 1, seed=9).trajectories
        assert row["homes_2020_06"] == at_date(traj, "homes_created", "2020-06").loc[rep]


def test_a_local_dask_cluster_shows_no_dashboard():
    """Only the health check answers on the scheduler's loopback HTTP port; no cluster pages."""
    pytest.importorskip("distributed")
    import urllib.error
    import urllib.request

    from hta_sim.sweep.executors import Dask

    ex = Dask(None, 1)
    try:
        info = ex.describe()
        assert "web dashboard off" in info["http"] and info["http"].startswith("127.0.0.1:")
        base = f"http://{info['http'].split()[0]}"
        assert urllib.request.urlopen(f"{base}/health", timeout=10).status == 200
        for page in ("/status", "/info/main/workers.html", "/metrics"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{base}{page}", timeout=10)
    finally:
        ex.close()


WORLD_SPEC = """
name = "w"
scenario = "short.toml"
seed = 3
replicates = 2
[design]
method = "lhs"
samples = 3
[[parameters]]
name = "solutions.dormitory.reserved_share"
low = 0.1
high = 0.2
[[parameters]]
name = "municipalities.copenhagen.support_workers"
low = 1.0
high = 6.0
[[parameters]]
name = "flats.stock"
values = [1000, 6000]
[[parameters]]
name = "mechanisms.adoption_diffusion"
values = [true, false]
[outcomes]
homes_dates = ["2020-06"]
trajectory_every = 6
trajectory_columns = ["homeless_youth", "places_dormitory"]
"""


def test_the_world_s_per_type_and_per_municipality_fields_are_sweepable(tmp_path):
    spec = load_spec(write_spec(tmp_path, WORLD_SPEC))
    out = run_sweep(spec, workers=1)
    runs = read_runs(out)
    assert len(runs) == 3 * 2
    assert {"solutions.dormitory.reserved_share", "municipalities.copenhagen.support_workers",
            "flats.stock"} <= set(runs.columns)
    assert set(read_trajectories(out)["homeless_youth"].map(type)) <= {int}

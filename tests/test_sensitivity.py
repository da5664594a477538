"""Sensitivity indices of a sweep (SALib) and two-sample checks of outcome distributions."""

import json

import numpy as np
import pandas as pd
import pytest
from test_sweep import write_spec

from hta_sim.analysis.sensitivity import analyse
from hta_sim.cli import main
from hta_sim.sweep import load_spec, run_sweep
from hta_sim.sweep.compare import by_machine, two_sample
from hta_sim.sweep.store import read_runs

SOBOL = """
name = "sens"
scenario = "short.toml"
seed = 2
replicates = 2
chunk_runs = 200

[design]
method = "{method}"
samples = {samples}

[[parameters]]
name = "results_lag.weight"
low = 0.0
high = 0.5

[[parameters]]
name = "engagement.noise_sd"
low = 0.0
high = 0.01

[[parameters]]
name = "secretariat.policy"
values = ["fixed", "phased"]

[outcomes]
trajectory_every = 0
"""


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """A small Sobol and a small Morris sweep of the short scenario."""
    out = {}
    for method, samples in (("sobol", 32), ("morris", 12)):
        folder = tmp_path_factory.mktemp(method)
        spec = load_spec(write_spec(folder, SOBOL.format(method=method, samples=samples)))
        out[method] = run_sweep(spec, workers=1, progress=False, out=folder / "out")
    return out


def test_sobol_indices_find_the_mechanism_that_makes_the_dip(sweeps):
    table = analyse(sweeps["sobol"], outcomes=["dip_depth", "engagement_2018_12"], resamples=50)
    assert set(table["index"]) == {"S1", "ST"}
    assert len(table) == 2 * 3 * 2
    st = table[(table["outcome"] == "dip_depth") & (table["index"] == "ST")].set_index("parameter")
    assert st["value"].idxmax() == "results_lag.weight"
    assert (table["conf_low"] <= table["value"]).all() and (table["value"] <= table["conf_high"]).all()


def test_morris_indices(sweeps):
    table = analyse(sweeps["morris"], outcomes=["dip_depth"], resamples=50)
    assert set(table["index"]) == {"mu_star", "sigma", "mu"}
    mu_star = table[table["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu_star.idxmax() == "results_lag.weight"


def test_sensitivity_command_writes_table_figure_manifest(sweeps, tmp_path):
    out = tmp_path / "s"
    assert main(["sensitivity", str(sweeps["sobol"]), "--outcome", "dip_depth", "--resamples", "20",
                 "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"sensitivity.csv", "sensitivity.png", "manifest.json"}
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == ["outcome", "parameter", "index", "value", "conf_low", "conf_high"]
    info = json.loads((out / "manifest.json").read_text())
    assert info["sensitivity"]["method"] == "sobol" and info["machine"]["cpu_features"]


@pytest.mark.parametrize("args, field", [
    (["--method", "morris"], "--method"),
    (["--outcome", "happiness"], "--outcome"),
])
def test_sensitivity_refuses_in_one_line(sweeps, tmp_path, capsys, args, field):
    assert main(["sensitivity", str(sweeps["sobol"]), *args, "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and field in err
    assert not (tmp_path / "s").exists()


def test_sensitivity_of_a_folder_that_is_not_a_sweep(tmp_path, capsys):
    assert main(["sensitivity", str(tmp_path)]) == 2
    assert "not an hta-sim sweep" in capsys.readouterr().err


# --- distributions, for runs whose bits may differ (another machine) ----------------------------

OUTCOMES = ["dip_depth", "engagement_2018_12", "homes_2020_06", "pulse_board_ambassador_2018_10"]

BASE = """
scenario = "short.toml"
seed = {seed}
replicates = 150
chunk_runs = 300
[design]
method = "grid"
[[parameters]]
name = "results_lag.weight"
values = [{weight}]
"""


def _runs(tmp_path, name, seed, weight):
    spec = load_spec(write_spec(tmp_path, BASE.format(seed=seed, weight=weight), f"{name}.toml"))
    return read_runs(run_sweep(spec, workers=1, progress=False, out=tmp_path / name))


def test_disjoint_seed_sets_give_the_same_distributions(tmp_path):
    """What a mixed cluster is checked against: other random numbers, same outcome distributions."""
    a, b = _runs(tmp_path, "a", 1, 0.25), _runs(tmp_path, "b", 2, 0.25)
    assert not np.array_equal(a["dip_depth"], b["dip_depth"])
    table = two_sample(a, b, OUTCOMES)
    # a 1 % family-wise level over the outcomes (Bonferroni): one test per outcome
    assert (table["p_value"] > 0.01 / len(OUTCOMES)).all(), table


def test_the_two_sample_check_sees_a_real_change(tmp_path):
    a, b = _runs(tmp_path, "a", 1, 0.25), _runs(tmp_path, "c", 2, 0.05)
    table = two_sample(a, b, ["dip_depth"])
    assert table["p_value"].iloc[0] < 1e-6


def test_by_machine_compares_each_machine_with_the_rest(tmp_path):
    runs = _runs(tmp_path, "a", 1, 0.25)
    runs["machine"] = np.where(runs["run"] % 2 == 0, "m1", "m2")
    table = by_machine(runs, ["dip_depth"])
    assert set(table["machine"]) == {"m1", "m2"} and (table["p_value"] > 0.01).all()


def test_two_default_runs_give_identical_tables(sweeps, tmp_path):
    """SALib leaves numpy unseeded for seed 0; the seed is derived from the sweep's, never 0."""
    from hta_sim.analysis.sensitivity import salib_seed
    from hta_sim.cli import main

    tables = []
    for name in ("a", "b"):
        assert main(["sensitivity", str(sweeps["sobol"]), "--resamples", "30", "--out",
                     str(tmp_path / name)]) == 0
        tables.append((tmp_path / name / "sensitivity.csv").read_bytes())
    assert tables[0] == tables[1]
    assert main(["sensitivity", str(sweeps["sobol"]), "--resamples", "30", "--seed", "0", "--out",
                 str(tmp_path / "zero")]) == 0
    assert main(["sensitivity", str(sweeps["sobol"]), "--resamples", "30", "--seed", "0", "--out",
                 str(tmp_path / "zero"), "--force"]) == 0
    assert salib_seed(0) != 0 and salib_seed(0) == salib_seed(0)
    info = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert info["sensitivity"]["seed"] == 2 and info["result"] == "sensitivity"  # the sweep's seed

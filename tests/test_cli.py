"""The command line: results on good input; one line, exit 2 and nothing written on bad input."""

import json
import subprocess
import sys

import pytest

from hta_sim.cli import main


def _cli(tmp_path, *args):
    """Run hta-sim in a subprocess so we see exactly what a user sees."""
    proc = subprocess.run([sys.executable, "-m", "hta_sim.cli", *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def _scenario(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return str(path)


BAD_SCENARIOS = {
    "unknown key": ('[engagement]\nbaseline = 0.5\n', "engagement.baseline"),
    "unknown section": ('[engagment]\nbase = 0.5\n', "engagment"),
    "wrong type": ('[engagement]\nbase = "high"\n', "engagement.base"),
    "out of range": ('[engagement]\nresponse = 1.7\n', "engagement.response"),
    "mix not summing to 1": ('[secretariat.mix]\nstrategy = 0.9\n', "secretariat.mix"),
    "bad month": ('[time]\nassociation = "2017-13"\n', "time.association"),
    "bad policy": ('[secretariat]\npolicy = "random"\n', "secretariat.policy"),
    "bad switch": ('[mechanisms]\nstake = "maybe"\n', "mechanisms.stake"),
    "not toml": ('[engagement\nbase = 0.5\n', "not valid TOML"),
    "unknown partner": ('[roster]\nexclude = ["nobody"]\n', "roster.exclude"),
    "unknown extends": ('extends = "no-such-preset"\n', "no-such-preset"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_one_line_exit_2_nothing_written(tmp_path, case):
    text, field = BAD_SCENARIOS[case]
    code, _out, err = _cli(tmp_path, "run", "--scenario", _scenario(tmp_path, text),
                          "--replicates", "2", "--out", "res")
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert field in err and "Traceback" not in err
    assert not (tmp_path / "res").exists()


@pytest.mark.parametrize("args, field", [
    (["--replicates", "0"], "--replicates"),
    (["--replicates", "many"], "--replicates"),
    (["--seed", "-3"], "--seed"),
    (["--format", "xlsx"], "--format"),
    (["--scenario", "missing.toml"], "missing.toml"),
    (["--scenario", "no-such-preset"], "no-such-preset"),
])
def test_bad_cli_values(tmp_path, args, field):
    code, _, err = _cli(tmp_path, "run", *args, "--out", "res")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and field in err
    assert not (tmp_path / "res").exists()


def test_unreadable_file(tmp_path):
    path = tmp_path / "dir.toml"
    path.mkdir()
    code, _, err = _cli(tmp_path, "run", "--scenario", str(path), "--out", "res")
    assert code == 2 and "cannot be read" in err and not (tmp_path / "res").exists()


def test_out_folder_not_empty(tmp_path):
    (tmp_path / "res").mkdir()
    (tmp_path / "res" / "keep.txt").write_text("x")
    code, _, err = _cli(tmp_path, "run", "--replicates", "2", "--out", "res")
    assert code == 2 and "--out" in err


def test_run_writes_tables_figures_and_manifest(tmp_path):
    code = main(["run", "--replicates", "3", "--seed", "4", "--out", str(tmp_path / "r"),
                 "--format", "csv"])
    assert code == 0
    files = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"trajectories.csv", "pulse.csv", "summary.csv", "manifest.json", "fig71_engagement.png",
            "trust_ladder.png", "homes.png", "pulse_radar.png"} <= files
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["replicates"] == 3
    assert manifest["scenario"]["name"] == "baseline" and len(manifest["scenario_hash"]) == 16
    assert manifest["version"] and manifest["created"] and manifest["command"]


def test_scenario_files_extend_presets(tmp_path):
    path = _scenario(tmp_path, 'extends = "baseline"\nname = "mine"\n[mechanisms]\nstake = false\n')
    from hta_sim import load

    s = load(path)
    assert s.name == "mine" and not s.mechanisms.stake and s.mechanisms.results_lag


def test_scenarios_lists_presets(capsys):
    assert main(["scenarios"]) == 0
    assert "baseline" in capsys.readouterr().out


BAD_LEVERS = {
    "negative pool": ('[development_pool]\nenabled = true\nmdkk_per_year = -1\n',
                      "development_pool.mdkk_per_year"),
    "pool selection": ('[development_pool]\nselection = "random"\n', "development_pool.selection"),
    "pool funder": ('[development_pool]\nenabled = true\nfunders = ["nobody"]\n', "nobody"),
    "ab change": ('[advisory_board]\nchange = "drop"\n', "advisory_board.change"),
    "funders share": ('[more_funders]\nshare = 1.5\n', "more_funders.share"),
    "funders partner": ('[more_funders]\nenabled = true\npartners = ["nobody"]\n', "nobody"),
    "join probability": ('[new_partners]\njoin_probability = 2\n', "new_partners.join_probability"),
    "funding end": ('[secretariat]\nfunding_ends = "2021"\n', "secretariat.funding_ends"),
}


@pytest.mark.parametrize("case", sorted(BAD_LEVERS))
def test_bad_lever_values(tmp_path, case):
    text, field = BAD_LEVERS[case]
    code, _, err = _cli(tmp_path, "run", "--scenario", _scenario(tmp_path, text), "--out", "res")
    assert code == 2 and len(err.strip().splitlines()) == 1 and field in err, err
    assert not (tmp_path / "res").exists()


def test_scenario_show_and_diff(capsys):
    assert main(["scenario", "show", "development-pool-2019"]) == 0
    shown = capsys.readouterr().out
    assert "[development_pool]" in shown and "enabled = true" in shown and "[engagement]" in shown
    assert main(["scenario", "diff", "baseline", "ab-revitalised"]) == 0
    diff = capsys.readouterr().out
    assert "advisory_board.change" in diff and "'keep'  ->  'revitalise'" in diff
    assert "engagement.base" not in diff


def test_presets_state_only_what_differs():
    """A preset extends the baseline and names only its own lever's section (and name/description)."""
    import tomllib
    from importlib import resources

    from hta_sim import preset_names

    for name in preset_names():
        data = tomllib.loads(resources.files("hta_sim.presets").joinpath(f"{name}.toml").read_text())
        if name == "baseline":
            continue
        assert data.pop("extends") == "baseline"
        data.pop("name"), data.pop("description")
        assert len(data) >= 1 and not {"engagement", "results_lag", "trust_ladder"} & set(data)

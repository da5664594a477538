"""Output folders: a command writes only into an empty folder or its own earlier result, replaces
that only with --force, never deletes a file it did not write, and checks --out before computing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from contract import refused, snapshot

from hta_sim.cli import main
from hta_sim.errors import InputError
from hta_sim.outfolder import STAGING, check_out, clean_stale, write_folder

RUN = ["run", "--replicates", "2"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _result(folder: Path, command: str, files: dict[str, str]) -> Path:
    """A result folder as hta-sim writes it, with a stamped manifest."""
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    info = {"package": "hta-sim", "result": command, "files": sorted(files)}
    (folder / "manifest.json").write_text(json.dumps(info))
    return folder


def test_a_manifest_alone_does_not_make_a_result_folder(tmp_path, capsys):
    """The thesis bug: '{}' in manifest.json and a thesis beside it; the thesis survives."""
    p = tmp_path / "p"
    p.mkdir()
    (p / "manifest.json").write_text("{}")
    (p / "thesis.tex").write_text("x")
    refused(capsys, tmp_path, [*RUN, "--out", str(p)], "'--out'", "did not write")
    refused(capsys, tmp_path, [*RUN, "--out", str(p), "--force"], "did not write")
    assert (p / "thesis.tex").read_text() == "x"


def test_a_sweep_folder_is_not_a_run_folder(tmp_path, capsys):
    sweep = tmp_path / "results" / "sweeps" / "example"
    sweep.mkdir(parents=True)
    (sweep / "manifest.json").write_text(json.dumps({"package": "hta-sim", "sweep": {}}))
    (sweep / "design.parquet").write_bytes(b"PAR1")
    refused(capsys, tmp_path, [*RUN, "--out", str(sweep), "--force"], "hta-sim sweep", "not of hta-sim run")


def test_optimise_refuses_a_compare_folder(tmp_path, capsys):
    cmp = _result(tmp_path / "cmp", "compare", {"comparison.csv": "a,b\n"})
    refused(capsys, tmp_path, ["optimise", "--quick", "--out", str(cmp), "--force"],
            "hta-sim compare", "not of hta-sim optimise")


def test_an_earlier_result_needs_force_and_is_then_replaced(tmp_path, capsys):
    old = _result(tmp_path / "old", "run", {"summary.csv": "old"})
    refused(capsys, tmp_path, [*RUN, "--out", str(old)], "--force")
    assert main([*RUN, "--out", str(old), "--force"]) == 0
    info = json.loads((old / "manifest.json").read_text())
    assert info["result"] == "run" and "trajectories.parquet" in info["files"]
    assert (old / "summary.csv").read_text() != "old"


def test_force_never_deletes_a_file_the_command_did_not_write(tmp_path, capsys):
    old = _result(tmp_path / "old", "run", {"summary.csv": "old"})
    (old / "notes.txt").write_text("mine")
    refused(capsys, tmp_path, [*RUN, "--out", str(old), "--force"], "'notes.txt'")
    assert (old / "notes.txt").read_text() == "mine"


def test_an_empty_out_is_written(tmp_path):
    """Not bad input: an empty folder is filled, as the README says."""
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([*RUN, "--out", str(empty)]) == 0
    assert (empty / "manifest.json").exists()


def test_an_unwritable_out_is_refused_before_computing(tmp_path, capsys, monkeypatch):
    """A parent that is a file (root ignores permission bits): refused before any run."""
    (tmp_path / "afile").write_text("x")
    import hta_sim.api

    monkeypatch.setattr(hta_sim.api, "simulate", lambda *a, **k: pytest.fail("computed first"))
    refused(capsys, tmp_path, [*RUN, "--out", str(tmp_path / "afile" / "out")], "cannot be written")


@pytest.mark.parametrize("name", ["../../../victim", "a/b", "a\\b", "a\u0000b", "a\nb", "..", ".hidden",
                                  ""])
def test_a_scenario_name_is_a_plain_identifier(tmp_path, capsys, name):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "baseline"\nname = {json.dumps(name)}\n')
    refused(capsys, tmp_path, [*RUN, "--scenario", str(path)], "field 'name'")


def test_quick_defaults_never_point_at_a_committed_result(tmp_path, monkeypatch):
    import hta_sim.analysis.optimise as opt

    seen: list[Path] = []

    def fake(scenario, settings, out, progress, force, max_memory, posterior=None):
        seen.append(Path(out))
        raise InputError("stop here")

    monkeypatch.setattr(opt, "optimise", fake)
    assert main(["optimise", "--quick"]) == 2
    assert seen == [Path("results/quick/optimise/fewer_homeless_2027")]


def test_a_killed_save_leaves_a_staging_folder_the_next_save_removes(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".out{STAGING}{int(dead.stdout)}-abc"
    stale.mkdir()
    (stale / "trajectories.parquet").write_bytes(b"half")
    live = tmp_path / f".out{STAGING}1-abc"  # pid 1 is alive: not ours to judge
    live.mkdir()
    write_folder(tmp_path / "out", lambda f: (f / "manifest.json").write_text('{"package": "hta-sim"}'),
                 "run")
    assert not stale.exists() and live.exists()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["result"] == "run"
    assert clean_stale(tmp_path / "out") == []


def test_a_failed_fill_leaves_the_old_result_whole(tmp_path):
    old = _result(tmp_path / "old", "run", {"summary.csv": "old"})
    before = snapshot(tmp_path)

    def boom(folder: Path) -> None:
        (folder / "summary.csv").write_text("new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_folder(old, boom, "run", force=True)
    assert snapshot(tmp_path) == before


def test_check_out_names_the_field(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        check_out(tmp_path / "f", "run")


@pytest.mark.parametrize("folder, command", [
    ("baseline", "run"), ("interventions", "compare"), ("calibration", "calibrate"),
    ("optimise/fewer_homeless_2027", "optimise"), ("optimise/weighted", "optimise"),
    ("engagement", "experiments/engagement_failure.py")])
def test_committed_results_are_known_to_their_command(folder, command):
    """The experiments regenerate them with force: each older manifest names its command and files."""
    from hta_sim.outfolder import _files, files_of, written_by

    root = Path(__file__).parents[1] / "results" / folder
    info = json.loads((root / "manifest.json").read_text())
    assert written_by(info) == command
    foreign = set(_files(root)) - set(files_of(info))
    # interventions' reading, and the calibration's coverage table: their experiments set them aside
    # before the folder is rewritten (experiments/interventions.py, experiments/calibrate_2018.py)
    assert foreign <= {"README.md", "coverage.csv", "coverage.md"}


def test_an_experiment_rewrites_its_own_folder_with_force_and_nothing_else_does(tmp_path):
    """results/engagement is written by its experiment script: the script may replace it, no command may."""
    def fill(folder: Path) -> None:
        (folder / "report.md").write_text("x")
        (folder / "manifest.json").write_text('{"package": "hta-sim"}')

    script = "experiments/engagement_failure.py"
    write_folder(tmp_path / "out", fill, script)
    write_folder(tmp_path / "out", fill, script, force=True)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["result"] == script
    with pytest.raises(InputError, match=r"holds a result of hta-sim experiments/engagement_failure\.py"):
        check_out(tmp_path / "out", "run", force=True)

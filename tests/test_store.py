"""Sweep stores: a kill at any point resumes to the uninterrupted dataset; truncated chunks are
recomputed, stray files ignored and reported, and read_runs never returns a duplicate row.

Kills are timed without sleeps by the store's test-only hook (store.KILL_HOOK): the writer SIGKILLs
itself after N bytes of a named file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from hta_sim.errors import InputError
from hta_sim.sweep import store
from hta_sim.sweep.store import read_runs

SCENARIO = 'extends = "baseline"\nname = "short"\n[time]\nend = "2020-06"\npulse_dates = ["2018-10"]\n'
SPEC = """
name = "t"
scenario = "short.toml"
seed = 5
replicates = 3
chunk_runs = 3
[design]
method = "lhs"
samples = 5
[[parameters]]
name = "results_lag.weight"
low = 0.0
high = 0.5
[[parameters]]
name = "trust_ladder.start_rung_initiator"
low = 0
high = 7
"""


@pytest.fixture
def spec(tmp_path: Path) -> str:
    (tmp_path / "short.toml").write_text(SCENARIO)
    (tmp_path / "spec.toml").write_text(textwrap.dedent(SPEC))
    return str(tmp_path / "spec.toml")


def _sweep(spec: str, out: Path, *extra: str, kill: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(store.KILL_HOOK, None)
    if kill:
        env[store.KILL_HOOK] = kill
    return subprocess.run([sys.executable, "-m", "hta_sim.cli", "sweep", spec, "--workers", "1", "--quiet",
                           "--out", str(out), *extra], capture_output=True, text=True, timeout=300,
                          env=env, cwd=out.parent)


@pytest.fixture
def whole(tmp_path: Path, spec: str) -> Path:
    out = tmp_path / "whole"
    assert _sweep(spec, out).returncode == 0
    return out


def _same(a: Path, b: Path) -> None:
    pd.testing.assert_frame_equal(read_runs(a), read_runs(b), check_exact=True)
    design_a, design_b = pd.read_parquet(a / "design.parquet"), pd.read_parquet(b / "design.parquet")
    pd.testing.assert_frame_equal(design_a, design_b, check_exact=True)


def test_killed_while_writing_the_design_then_resumed(tmp_path, spec, whole):
    out = tmp_path / "k"
    killed = _sweep(spec, out, kill="design.parquet:300")
    assert killed.returncode == -9
    assert not out.exists()  # the folder is built beside its place: nothing half-made is left there
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".k")]  # the dead writer's staging
    resumed = _sweep(spec, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    _same(out, whole)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".k")]  # stale staging removed


def test_a_fresh_run_after_a_kill_in_the_design_works_too(tmp_path, spec, whole):
    out = tmp_path / "k"
    assert _sweep(spec, out, kill="design.parquet:300").returncode == -9
    assert _sweep(spec, out).returncode == 0
    _same(out, whole)


def test_killed_while_writing_a_chunk_then_resumed(tmp_path, spec, whole):
    out = tmp_path / "k"
    killed = _sweep(spec, out, kill="chunk-00002.parquet:100")
    assert killed.returncode == -9
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "running" and set(info["files"]["chunks"]) == {"0", "1"}
    resumed = _sweep(spec, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    _same(out, whole)
    info = json.loads((out / "manifest.json").read_text())
    assert info["status"] == "complete" and info["sweep"]["this_invocation"]["chunks_run"] == 3
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]


def test_a_truncated_chunk_is_repaired_and_a_stray_one_reported(tmp_path, spec, whole):
    out = tmp_path / "copy"
    shutil.copytree(whole, out)
    runs = out / "runs"
    data = (runs / "chunk-00001.parquet").read_bytes()
    (runs / "chunk-00001.parquet").write_bytes(data[: len(data) // 2])  # truncated
    (runs / "chunk-00000.parquet").write_bytes(b"")  # empty
    shutil.copy(runs / "chunk-00003.parquet", runs / "chunk-00099.parquet")  # a stray duplicate
    with pytest.warns(store.StoreWarning), pytest.raises(InputError,
                                                         match=r"chunk-00000\.parquet: runs file missing"):
        read_runs(out)
    resumed = _sweep(spec, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "recomputing runs/chunk-00000.parquet" in resumed.stderr
    assert "recomputing runs/chunk-00001.parquet" in resumed.stderr
    assert "ignored runs/chunk-00099.parquet: not written by this sweep" in resumed.stderr
    with pytest.warns(store.StoreWarning, match="chunk-00099"):
        runs_table = read_runs(out)
    assert not runs_table["run"].duplicated().any()
    assert runs_table.attrs["ignored"] == ["runs/chunk-00099.parquet"]
    pd.testing.assert_frame_equal(runs_table, read_runs(whole), check_exact=True)
    assert (runs / "chunk-00099.parquet").exists()  # reported, not deleted: the sweep did not write it


def test_a_corrupt_design_is_written_again_on_resume(tmp_path, spec, whole):
    out = tmp_path / "copy"
    shutil.copytree(whole, out)
    (out / "design.parquet").write_bytes(b"PAR1 not a design")
    resumed = _sweep(spec, out, "--resume")
    assert resumed.returncode == 0 and "design.parquet was missing or corrupt" in resumed.stderr
    _same(out, whole)
    assert json.loads((out / "manifest.json").read_text())["sweep"]["this_invocation"]["chunks_run"] == 0


def test_a_complete_sweep_records_every_chunk(whole):
    info = json.loads((whole / "manifest.json").read_text())
    chunks = info["files"]["chunks"]
    assert sorted(chunks, key=int) == [str(c) for c in range(info["sweep"]["chunks"])]
    assert sum(c["runs"]["rows"] for c in chunks.values()) == info["sweep"]["runs"]
    assert all(len(c["runs"]["sha256"]) == 64 for c in chunks.values())


def test_an_unwritable_sweep_out_is_refused_before_the_design(tmp_path, spec, capsys, monkeypatch):
    from contract import refused

    from hta_sim.sweep import design

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(design, "build", lambda *_: pytest.fail("drew the design first"))
    (tmp_path / "afile").write_text("x")
    refused(capsys, tmp_path, ["sweep", spec, "--workers", "1", "--out", "afile/out"], "cannot be written")

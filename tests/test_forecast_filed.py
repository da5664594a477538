"""The filed forecast (results/forecast/baseline-2018/): as written, resting on evidence to 2018 only,
and never replaced by a later command."""

import json
import subprocess
import sys
from pathlib import Path

from hta_sim.analysis.forecast import verify

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "results" / "forecast" / "baseline-2018"


def manifest() -> dict:
    return json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def test_every_file_matches_its_hash_and_every_input_is_dated_2018_or_earlier():
    assert verify(FOLDER) == []


def test_it_rests_on_the_calibration_to_2018_and_is_filed():
    info = manifest()
    assert info["filed"]
    assert info["forecast"]["scenario"] == "baseline"
    assert info["posterior"]["fitted_to"] <= "2018-12"
    dated = [entry["dated"] for entry in info["inputs"]]
    assert dated and all(d is not None and int(d[:4]) <= 2018 for d in dated)
    assert {"forecast.csv", "summary.md"} <= set(info["files"])


def test_no_command_replaces_it_even_with_force(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "hta_sim.cli", "forecast", "--draws", "2",
                           "--out", str(FOLDER), "--force"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 2
    assert "filed" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert verify(FOLDER) == []

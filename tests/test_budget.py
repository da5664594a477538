"""Memory budgets: runs and sweep designs are estimated from the engine's arrays and refused, in one
line with the estimate and the limit, before anything is allocated or written.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from contract import refused

from hta_sim import budget
from hta_sim.scenario import load


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_billion_replicates_are_refused_with_the_estimate_and_the_limit(tmp_path, capsys):
    line = refused(capsys, tmp_path, ["run", "--replicates", "1000000000"], "1000000000 replicates",
                   "TiB", "the limit is", "--max-memory")
    assert "GiB" in line.split("the limit is")[1]


def test_max_memory_lowers_and_raises_the_limit(tmp_path, capsys):
    refused(capsys, tmp_path, ["run", "--replicates", "100", "--max-memory", "1MB"], "the limit is 977 KiB")
    need = budget.run_bytes(load("baseline"), 10**6)
    assert need > budget.default_limit()
    budget.check(need, need + 1, "a million replicates")  # a raised limit lets it through


def test_a_huge_sobol_design_is_refused_before_it_is_drawn(tmp_path, capsys):
    spec = Path(__file__).parents[1] / "experiments" / "sweeps" / "example.toml"
    text = re.sub(r"(?m)^samples = \d+", "samples = 8388608", spec.read_text())
    (tmp_path / "big.toml").write_text(text)
    assert "samples = 8388608" in text
    refused(capsys, tmp_path, ["sweep", "big.toml", "--out", "o", "--workers", "1"],
            "sweep 'example'", "design points", "the limit is")


def test_the_estimate_follows_the_engine_arrays():
    """Doubling the horizon roughly doubles the per-replicate noise and recorder bytes (the noise
    less so: the world's and solutions' year of draws in hand does not grow with the horizon)."""
    base = load("baseline")
    short = base.with_changes({"time.end": "2021-12", "time.pulse_dates": ["2018-10"]})
    _, noise_long, rec_long = budget._per_row(base, None, None)
    _, noise_short, rec_short = budget._per_row(short, None, None)
    assert 1.6 < noise_long / noise_short < 2.2
    assert 1.8 < rec_long / rec_short < 2.2


@pytest.mark.parametrize("text, size", [("16GiB", 16 * 2**30), ("500MB", 500 * 10**6), ("2g", 2 * 2**30),
                                        ("1024", 1024)])
def test_memory_sizes(text, size):
    assert budget.parse_size(text) == size


@pytest.mark.parametrize("seed", [str(2**63), "-1", "2**63"])
def test_a_seed_beyond_int64_is_refused_up_front(tmp_path, capsys, seed):
    refused(capsys, tmp_path, ["run", "--replicates", "2", "--seed", seed, "--out", "o"], "--seed")


def test_the_largest_seed_runs():
    import hta_sim

    res = hta_sim.simulate("baseline", replicates=1, seed=2**63 - 1)
    assert int(res.trajectories["seed"].iloc[0]) == 2**63 - 1


def test_sweep_spec_seed_fits_int64(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(textwrap.dedent(f"""
        seed = {2**63}
        [[parameters]]
        name = "results_lag.weight"
        low = 0.0
        high = 0.5
        """))
    refused(capsys, tmp_path, ["sweep", "s.toml", "--out", "o"], "'seed'")


def test_a_huge_optimiser_batch_is_refused(tmp_path, capsys):
    refused(capsys, tmp_path, ["optimise", "--population", "100000", "--replicates", "1000", "--out", "o"],
            "optimise's batches", "the limit is")


def test_a_huge_calibration_is_refused(tmp_path, capsys):
    pytest.importorskip("pyabc")
    refused(capsys, tmp_path, ["calibrate", "--quick", "--max-memory", "1MiB", "--out", "o"],
            "calibration batches", "the limit is")

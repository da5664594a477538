"""Forecasts under a weighted posterior: resampling by weight, the tidy table, its files and checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from contract import refused
from hypothesis import given, settings
from hypothesis import strategies as st

import hta_sim
from hta_sim import engine
from hta_sim.analysis import forecast
from hta_sim.analysis.forecast import verify
from hta_sim.analysis.posterior import Posterior, load_posterior
from hta_sim.cli import main
from hta_sim.errors import InputError
from hta_sim.outfolder import check_out
from hta_sim.scenario import preset_names

PARAMETER = "results_lag.weight"


def _posterior(weights: list[float] | None, rows: int | None = None) -> Posterior:
    n = len(weights) if weights is not None else rows or 1
    draws = pd.DataFrame({PARAMETER: np.linspace(0.1, 0.9, n)})
    return Posterior(draws, "test", None if weights is None else np.asarray(weights, float))


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "posterior.csv"
    path.write_text(text)
    return path


# --- the weighted posterior ----------------------------------------------------------------------------

def test_effective_size_exact_on_a_hand_built_example():
    assert _posterior([1.0, 1.0, 2.0]).effective_size() == 16 / 6  # (1+1+2)^2 / (1+1+4)
    assert _posterior([0.0, 3.0, 0.0]).effective_size() == 1.0
    assert _posterior(None, rows=7).effective_size() == 7.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=1, max_size=12).filter(any),
       st.integers(1, 50), st.integers(0, 2**63 - 1))
def test_weight_zero_rows_are_never_drawn_and_counts_follow_the_weights(weights, n, seed):
    post = _posterior(weights)
    rows = post.resample(n, seed)
    w = np.asarray(weights) / sum(weights)
    counts = np.bincount(rows, minlength=len(weights))
    assert rows.shape == (n,) and np.all(counts[w == 0] == 0)
    assert np.all(np.abs(counts - n * w) < 1 + 1e-9)  # systematic: floor(n w) or one more
    assert np.array_equal(rows, post.resample(n, seed))


def test_weights_made_in_code_are_checked_too():
    for bad in ([0.0, 0.0], [1.0, -1.0], [1.0, float("nan")], [1.0]):
        with pytest.raises(ValueError, match="weights"):
            Posterior(pd.DataFrame({PARAMETER: [0.2, 0.4]}), "test", np.asarray(bad))


def test_a_row_with_all_the_weight_is_always_drawn():
    post = _posterior([0.0, 0.0, 5.0, 0.0])
    for seed in range(20):
        assert set(post.resample(9, seed)) == {2}


def test_resampling_depends_on_the_seed():
    post = _posterior(None, rows=400)
    assert not np.array_equal(post.resample(7, 1), post.resample(7, 2))


def test_the_shipped_posterior_is_weighted_and_dated():
    """The calibration's ABC-SMC posterior: at least 1,000 weighted particles, fitted to 2018."""
    post = load_posterior()
    assert post is not None and post.weights is not None and len(post.draws) >= 1000
    assert 1.0 <= post.effective_size() <= len(post.draws) and post.fitted_to == "2018-12"
    assert len(post.sha256 or "") == 64 and post.quality and "acceptance" in post.quality


def test_a_weight_column_is_not_a_parameter_and_whole_floats_are_whole(tmp_path):
    path = _csv(tmp_path, f"{PARAMETER},trust_ladder.start_rung_initiator,weight\n"
                "0.3,7.0,1\n0.5,2,0.5\n")
    post = load_posterior(path)
    assert post is not None and list(post.draws.columns) == [PARAMETER, "trust_ladder.start_rung_initiator"]
    assert np.array_equal(post.weights, [1.0, 0.5]) and post.fitted_to is None
    made = post.apply(hta_sim.load("baseline"), 2)
    assert [s.trust_ladder.start_rung_initiator for s in made] == [7, 2]


@pytest.mark.parametrize("text, expect", [
    (f"{PARAMETER},weight\n0.3,-1\n", "'weight' = '-1'"),
    (f"{PARAMETER},weight\n0.3,heavy\n", "'weight' = 'heavy'"),
    (f"{PARAMETER},weight\n0.3,0\n0.4,0\n", "every weight is 0"),
    (f"{PARAMETER},weight\n0.3,5e-324\n0.4,5e-324\n", "scale them up"),
    (f"{PARAMETER},weights\n0.3,1\n", "['weights']"),
    ("trust_ladder.start_rung_initiator\n6.5\n", "trust_ladder.start_rung_initiator"),
])
def test_bad_weights_and_columns_are_named(tmp_path, text, expect):
    with pytest.raises(InputError) as err:
        load_posterior(_csv(tmp_path, text))
    assert expect in str(err.value) and "\n" not in str(err.value)


def test_a_sidecar_dates_the_posterior_unless_it_describes_another_file(tmp_path):
    path = _csv(tmp_path, f"{PARAMETER}\n0.3\n")
    (tmp_path / "posterior.json").write_text('{"fitted_to": "2018-12"}')
    assert load_posterior(path).fitted_to == "2018-12"
    (tmp_path / "posterior.json").write_text('{"fitted_to": "2018-12", "sha256": "00"}')
    assert load_posterior(path).fitted_to is None
    (tmp_path / "posterior.json").write_text('{"fitted_to": "December"}')
    with pytest.raises(InputError, match="fitted_to"):
        load_posterior(path)
    (tmp_path / "posterior.json").write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match=r"companion 'posterior\.json': cannot be read"):
        load_posterior(path)


# --- the forecast --------------------------------------------------------------------------------------

QUANTILE_COLUMNS = ["p05", "p25", "median", "p75", "p95"]


def _ordered(table: pd.DataFrame) -> bool:
    q = table[QUANTILE_COLUMNS].to_numpy()
    return bool(np.all(np.isfinite(q)) and np.all(np.diff(q, axis=1) >= 0))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=3, max_size=3),
                min_size=1, max_size=9))
def test_summaries_are_ordered_and_skip_what_no_run_defines(values):
    x = np.asarray(values, float)
    table = forecast.summary("q", ["2019-12", "2020-12", "2021-12"], x)
    defined = ~np.all(np.isnan(x), axis=0)
    assert list(table.columns) == list(forecast.COLUMNS)
    assert list(table["date"]) == [d for d, ok in zip(["2019-12", "2020-12", "2021-12"], defined, strict=True)
                                   if ok]
    assert _ordered(table)
    share = forecast.summary("s", ["a"], np.array([[1.0], [0.0], [1.0], [1.0]]), share=True)
    assert (share[QUANTILE_COLUMNS].to_numpy() == 0.75).all()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline forecast written by the command line (4 draws, seed 1)."""
    out = tmp_path_factory.mktemp("fc") / "baseline"
    assert main(["forecast", "--draws", "4", "--seed", "1", "--out", str(out)]) == 0
    return out


def test_the_table_has_exactly_its_columns_every_quantity_and_the_right_dates(written):
    table = pd.read_csv(written / "forecast.csv", dtype={"date": str})
    assert list(table.columns) == list(forecast.COLUMNS)
    assert _ordered(table)
    assert not table.duplicated(["quantity", "date"]).any()
    assert list(dict.fromkeys(table["quantity"])) == list(forecast.QUANTITIES)
    scenario = hta_sim.load("baseline")
    first, last = int(scenario.time.start[:4]), int(scenario.time.end[:4])
    dates = table.groupby("quantity", sort=False)["date"].apply(list)
    for path in ("flat", "trend"):
        assert dates[f"homeless_young_people_{path}"] == [f"{y}-02" for y in range(2019, last + 1)]
    for name in forecast.YEAR_END:
        assert dates[name] == [f"{y}-12" for y in range(first, last + 1)], name
    for name in (*forecast.AT_PULSES, *(q for q in forecast.QUANTITIES if q.startswith("pulse_"))):
        assert dates[name] == sorted(scenario.time.pulse_dates), name
    meets = table[table["quantity"] == "ab_meets"]
    assert meets[QUANTILE_COLUMNS].nunique(axis=1).eq(1).all()  # a share, in every column
    housed = table[table["quantity"] == "housed_dormitory"]["median"]
    assert housed.is_monotonic_increasing  # cumulative


def test_the_folder_holds_figures_summary_and_a_manifest_with_hashes(written):
    names = {p.name for p in written.iterdir()}
    assert names == {"forecast.csv", "summary.md", "manifest.json", "homeless.png", "partners.png",
                     "housed.png", "municipalities.png", "engagement.png", "pulse.png", "staff.png"}
    info = json.loads((written / "manifest.json").read_text())
    assert info["result"] == "forecast" and set(info["files"]) == names - {"manifest.json"}
    assert info["forecast"]["draws"] == 4 and info["forecast"]["seed"] == 1
    assert info["scenario_name"] == "baseline" and len(info["posterior"]["sha256"]) == 64
    paths = [i["path"] for i in info["inputs"]]
    assert paths == ["hta_sim/data/homelessness.toml", "hta_sim/data/roster.toml",
                     "hta_sim/data/posterior.csv"]
    assert [i["dated"] for i in info["inputs"]] == ["2018", "2018", "2018-12"]
    summary = (written / "summary.md").read_text()
    assert "90 % interval" in summary and "model forecast" in summary and "2,292" in summary
    assert "if new cases stay at their 2015-17 level" in summary


def test_same_seed_same_bytes_other_seed_other_numbers(written, tmp_path):
    again = tmp_path / "again"
    assert main(["forecast", "--draws", "4", "--seed", "1", "--out", str(again)]) == 0
    assert (again / "forecast.csv").read_bytes() == (written / "forecast.csv").read_bytes()
    other = forecast.run("baseline", 4, 2, load_posterior())
    mine = pd.read_csv(written / "forecast.csv", dtype={"date": str})
    assert list(other.table["quantity"]) == list(mine["quantity"])
    assert not np.allclose(other.table["median"], mine["median"])


def test_verify_passes_on_a_fresh_forecast_and_names_a_changed_byte(written, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(written, copy)
    assert verify(copy) == []
    data = bytearray((copy / "forecast.csv").read_bytes())
    data[-2] ^= 1
    (copy / "forecast.csv").write_bytes(bytes(data))
    assert verify(copy) == ["forecast.csv: sha256 differs from the manifest's"]
    (copy / "notes.txt").write_text("x")
    assert "notes.txt: not in the manifest" in verify(copy)


def test_verify_names_inputs_that_are_undated_or_too_late(written, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(written, copy)
    info = json.loads((copy / "manifest.json").read_text())
    info["inputs"][0]["dated"], info["inputs"][2]["dated"] = "2019", None
    (copy / "manifest.json").write_text(json.dumps(info))
    problems = verify(copy)
    assert len(problems) == 2
    assert "homelessness.toml" in problems[0] and "after 2018" in problems[0]
    assert "posterior.csv" in problems[1] and "undated" in problems[1]
    assert verify(tmp_path) == [f"{tmp_path / 'manifest.json'}: missing or not JSON"]


def test_each_path_is_the_same_draws_on_the_same_replicates():
    """The one batch reads back as two: run j of each path is replicate j with the j-th drawn set."""
    post, scenario = load_posterior(), hta_sim.load("baseline")
    table = forecast.run(scenario, 3, 5, post).table
    counted_2017 = {}
    for path in forecast.INFLOW_PATHS:
        batch = post.drawn(scenario.with_changes({"world.inflow_path": path}), 3, 5)
        (rec,) = engine.run(batch, 5, np.arange(3))
        years = np.asarray(rec.layout.census_years)
        national = rec.census.sum(axis=(2, 3))[:, years >= 2019].astype(float)
        expected = forecast.summary(f"homeless_young_people_{path}",
                                    [f"{y}-02" for y in years[years >= 2019]], national)
        mine = table[table["quantity"] == f"homeless_young_people_{path}"].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, expected)
        counted_2017[path] = rec.census.sum(axis=(2, 3))[:, years == 2017]
    assert np.array_equal(counted_2017["flat"], counted_2017["trend"])  # they part after that count


def test_every_preset_forecasts_over_its_whole_horizon():
    post = load_posterior()
    for name in preset_names():
        scenario = hta_sim.load(name)
        table = forecast.run(scenario, 2, 3, post).table
        assert _ordered(table), name
        assert set(table["quantity"]) == set(forecast.QUANTITIES), name
        last = table[table["quantity"] == "active_partners"]["date"].iloc[-1]
        assert last == f"{scenario.time.end[:4]}-12", name


# --- the command line's refusals -------------------------------------------------------------------------

@pytest.mark.parametrize("args, expect", [
    (["--draws", "0"], "--draws"),
    (["--draws", "many"], "--draws"),
    (["--seed", "-1"], "--seed"),
    (["--scenario", "no-such-preset"], "no-such-preset"),
    (["--scenario", "missing.toml"], "missing.toml"),
    (["--posterior", "missing.csv"], "missing.csv"),
])
def test_bad_arguments_are_refused_in_one_line(tmp_path, monkeypatch, capsys, args, expect):
    monkeypatch.chdir(tmp_path)
    refused(capsys, tmp_path, ["forecast", *args, "--out", "res"], expect)
    assert not (tmp_path / "res").exists()


@pytest.mark.parametrize("text, expect", [
    (f"{PARAMETER},weight\n0.3,-0.5\n", "'weight' = '-0.5'"),
    (f"{PARAMETER},no_such.parameter\n0.3,1\n", "no_such.parameter"),
])
def test_bad_posteriors_are_refused_in_one_line(tmp_path, monkeypatch, capsys, text, expect):
    monkeypatch.chdir(tmp_path)
    path = _csv(tmp_path, text)
    refused(capsys, tmp_path, ["forecast", "--posterior", str(path), "--out", "res"], expect)
    assert not (tmp_path / "res").exists()


def test_out_over_a_folder_the_command_did_not_write_is_refused(written, tmp_path, capsys):
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "thesis.tex").write_text("x")
    refused(capsys, tmp_path, ["forecast", "--draws", "2", "--out", str(other)], "did not write")
    refused(capsys, written.parent, ["forecast", "--draws", "2", "--out", str(written)], "--force")
    check_out(written, "forecast", force=True)  # its own earlier result, listed by hash: replaceable

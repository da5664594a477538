"""Scenario comparison on common random numbers, with parameter uncertainty from a posterior."""

import json

import numpy as np
import pandas as pd
import pytest

from hta_sim.analysis import compare
from hta_sim.analysis.posterior import Posterior, load_posterior
from hta_sim.cli import main
from hta_sim.errors import InputError


def test_the_reference_differs_from_itself_by_exactly_zero():
    cmp = compare.run(["baseline", "ab-revitalised"], 8, 3, None)
    table = cmp.table()
    ref = table[table["scenario"] == "baseline"]
    assert (ref["diff_median"] == 0).all() and (ref["diff_p975"] == 0).all()


def test_pairing_shows_in_the_trajectories_before_the_lever():
    cmp = compare.run(["baseline", "results-communication"], 6, 4, None)
    wide = cmp.trajectories.pivot_table(index=["replicate", "date"], columns="scenario",
                                        values="engagement_mean")
    before = wide[wide.index.get_level_values("date") < np.datetime64("2019-01-01")]
    assert np.array_equal(before["baseline"], before["results-communication"])


def test_probability_better_and_intervals(tmp_path):
    cmp = compare.run(["baseline", "results-communication"], 30, 5, None)
    table = cmp.table()
    assert set(table["inflow_path"]) == {"trend", "flat"}
    t = table[table["inflow_path"] == "trend"].set_index(["scenario", "outcome"])
    row = t.loc[("results-communication", "engagement_2021")]
    assert row["p_better"] > 0.8
    assert row["diff_p025"] <= row["diff_median"] <= row["diff_p975"]
    assert row["p05"] <= row["median"] <= row["p95"]
    out = compare.save(cmp, tmp_path / "c")
    assert {p.name for p in out.iterdir()} == {"comparison.csv", "outcomes.parquet", "comparison.png",
                                              "manifest.json", "summary.md"}
    summary = (out / "summary.md").read_text()
    assert "February 2027" in summary and "if new cases stay at their 2015-17 level" in summary
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["scenarios"]) == 2 and "parameter_uncertainty" in manifest


def test_posterior_draws_are_shared_across_scenarios():
    draws = pd.DataFrame({"results_lag.weight": [0.1, 0.4], "engagement.base": [0.45, 0.55]})
    post = Posterior(draws, "test")
    cmp = compare.run(["baseline", "ab-revitalised"], 4, 2, post)
    a = compare.run(["baseline", "ab-revitalised"], 4, 2, None)
    assert not cmp.outcomes.equals(a.outcomes)
    wide = cmp.trajectories.pivot_table(index=["replicate", "date"], columns="scenario",
                                        values="engagement_mean")
    early = wide[wide.index.get_level_values("date") < np.datetime64("2019-01-01")]
    assert np.array_equal(early["baseline"], early["ab-revitalised"])


def test_bad_posterior_files(tmp_path):
    bad = tmp_path / "p.csv"
    bad.write_text("no_such.parameter\n1\n")
    with pytest.raises(InputError, match=r"no_such\.parameter"):
        load_posterior(bad)
    bad.write_text("results_lag.weight\n7\n")
    with pytest.raises(InputError, match=r"results_lag\.weight"):
        load_posterior(bad)
    with pytest.raises(InputError, match="not found"):
        load_posterior(tmp_path / "missing.csv")


def test_compare_cli(tmp_path, capsys):
    assert main(["compare", "baseline", "more-funders", "--replicates", "4", "--seed", "1",
                 "--fixed-parameters", "--out", str(tmp_path / "c")]) == 0
    assert "more-funders" in capsys.readouterr().out
    assert main(["compare", "baseline", "--out", str(tmp_path / "d")]) == 2
    assert main(["compare", "baseline", "nope", "--out", str(tmp_path / "e")]) == 2
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()

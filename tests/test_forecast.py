"""Forecasts under a weighted posterior: resampling by weight, the tidy table, its files and checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hta_sim
from hta_sim.analysis.posterior import Posterior, load_posterior
from hta_sim.errors import InputError

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


def test_a_row_with_all_the_weight_is_always_drawn():
    post = _posterior([0.0, 0.0, 5.0, 0.0])
    for seed in range(20):
        assert set(post.resample(9, seed)) == {2}


def test_resampling_depends_on_the_seed():
    post = _posterior(None, rows=400)
    assert not np.array_equal(post.resample(7, 1), post.resample(7, 2))


def test_the_shipped_posterior_has_no_weights_and_is_dated():
    post = load_posterior()
    assert post is not None and post.weights is None
    assert post.effective_size() == len(post.draws) and post.fitted_to == "2018-12"
    assert len(post.sha256 or "") == 64


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

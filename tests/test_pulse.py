"""The pulse mapping: fixed in advance, each score rising with its own state variables (seed §5)."""

import numpy as np
import pytest
from builders import state
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import pulse
from hta_sim.model import AllianceModel
from hta_sim.vocabulary import PULSE_PARAMETERS

#: The state variables each parameter reads, and a way to raise them for every member.
RAISERS = {
    "engagement": lambda s, d: np.clip(s.engagement + d, 0, 1, out=s.engagement),
    "build": lambda s, d: np.clip(s.build + d, 0, 1, out=s.build),
    "alignment": lambda s, d: np.clip(s.alignment + d, 0, 1, out=s.alignment),
    "invested": lambda s, d: np.clip(s.invested + d, 0, 1, out=s.invested),
    "closeness": lambda s, d: np.clip(s.closeness + d, 0, 1, out=s.closeness),
    "perceived": lambda s, d: np.add(s.perceived, d, out=s.perceived),
    "rung": lambda s, d: np.clip(s.rung + 1, 0, 7, out=s.rung),
}
READS = {
    "shared_view": ("build", "alignment"),
    "invest_resources": ("invested",),
    "share_knowledge": ("engagement", "rung"),
    "whole_thinking": ("engagement", "rung"),
    "ambassador": ("engagement", "perceived"),
    "strategy_development": ("build", "closeness"),
    "new_solutions": ("engagement", "rung"),
    "testing_solutions": ("engagement", "rung"),
}


def _state_at(month: int, seed: int):
    m = AllianceModel("baseline", seed=seed)
    for _ in range(month):
        m.step()
    return m.state


@settings(max_examples=20, deadline=None)
@given(month=st.integers(20, 60), seed=st.integers(0, 10_000), delta=st.floats(0.01, 0.3))
def test_each_score_rises_with_its_own_state_variables(month, seed, delta):
    s = _state_at(month, seed)
    split = np.array([month >= 19])
    before = pulse.measure(s, split)
    for k, name in enumerate(PULSE_PARAMETERS):
        for var in READS[name]:
            raised = s.copy()
            RAISERS[var](raised, delta)
            after = pulse.measure(raised, split)
            assert (after[..., k] >= before[..., k] - 1e-12).all(), (name, var)


@given(level=st.floats(0, 1), n=st.integers(1, 10))
def test_agreeing_members_score_their_level(level, n):
    levels = np.full((1, n, 8), level)
    scores = pulse.score(levels, np.ones((1, n), dtype=bool))
    assert np.allclose(scores, 1 + 4 * level)


def test_disagreement_lowers_the_score():
    agree = np.full((1, 4, 8), 0.5)
    differ = np.array([0.2, 0.8, 0.2, 0.8])[None, :, None] * np.ones((1, 4, 8))
    members = np.ones((1, 4), dtype=bool)
    assert (pulse.score(differ, members) < pulse.score(agree, members)).all()


def test_score_is_one_plus_four_times_the_mean_less_a_quarter_sd():
    levels = np.array([0.25, 0.75])[None, :, None] * np.ones((1, 2, 8))  # mean 0.5, population sd 0.25
    scores = pulse.score(levels, np.ones((1, 2), dtype=bool))
    np.testing.assert_array_equal(scores, np.full((1, 8), 1.0 + 4.0 * (0.5 - 0.25 * 0.25)))


def test_score_is_clipped_to_the_one_to_five_scale_and_nan_without_members():
    members = np.array([[True, False]])
    high = pulse.score(np.full((1, 2, 8), 1.5), members)
    low = pulse.score(np.full((1, 2, 8), -0.5), members)
    none = pulse.score(np.full((1, 2, 8), 0.5), np.zeros((1, 2), dtype=bool))
    np.testing.assert_array_equal(high, np.full((1, 8), 5.0))
    np.testing.assert_array_equal(low, np.full((1, 8), 1.0))
    assert np.isnan(none).all()


def test_levels_of_one_partner_by_hand():
    s = state(partners=1, active=True, engagement=0.5, build=0.5, alignment=0.5, invested=0.25,
              rung=4, perceived=1.0, closeness=0.5)
    shown = 0.5 + 0.5 * (1.0 / (1.0 + 1.0))  # half_and_half(squash(perceived))
    expected = [0.5 * (0.5 + 0.5 * 0.5), 0.25, 0.5 * 1, 0.5 * 4 / 7, 0.5 * shown, 0.5 * (0.5 + 0.5 * 0.5),
                0.5 * 1.0, 0.5 * 0.5]  # rung 4: participating reached, one rung below initiative-taking
    assert pulse.levels(s)[0, 0] == pytest.approx(expected, rel=1e-12)


def test_measure_scores_the_steering_group_before_the_split_and_each_body_after():
    s = state(partners=2, active=True, board=[True, False], ab=[False, True], engagement=[0.25, 0.75],
              rung=7, build=1.0, alignment=1.0, closeness=1.0, invested=[0.25, 0.75])
    before, after = pulse.measure(s, np.array([False])), pulse.measure(s, np.array([True]))
    np.testing.assert_array_equal(before[:, 0], before[:, 1])  # one steering group, scored twice
    np.testing.assert_array_equal(after[0, 0, 1], 1.0 + 4.0 * 0.25)  # the board alone: invested 0.25
    np.testing.assert_array_equal(after[0, 1, 1], 1.0 + 4.0 * 0.75)  # the AB alone: invested 0.75
    np.testing.assert_array_equal(before[0, 0, 1], 1.0 + 4.0 * (0.5 - 0.25 * 0.25))  # both, sd 0.25


def test_every_baseline_score_is_measured(baseline):
    """Both bodies have members at every pulse date, so no score is missing (NaN). (The old check
    that scores lie in [1, 5] could fail only through a NaN: pulse.score clips to the scale.)"""
    assert baseline.pulse["score"].notna().all()


def test_pulse_table_shape(baseline):
    p = baseline.pulse
    assert list(p.columns)[:7] == ["scenario", "replicate", "date", "body", "parameter", "name",
                                   "score"]
    oct18 = p[p["date"] == np.datetime64("2018-10-01")]
    assert len(oct18) == baseline.replicates * 2 * 8
    assert set(oct18["body"]) == {"board", "ab"}

"""The pulse mapping: fixed in advance, each score rising with its own state variables (seed §5)."""

import numpy as np
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


def test_scores_stay_between_one_and_five(baseline):
    assert baseline.pulse["score"].between(1, 5).all()


def test_pulse_table_shape(baseline):
    p = baseline.pulse
    assert list(p.columns)[:7] == ["scenario", "replicate", "date", "body", "parameter", "name",
                                   "score"]
    oct18 = p[p["date"] == np.datetime64("2018-10-01")]
    assert len(oct18) == baseline.replicates * 2 * 8
    assert set(oct18["body"]) == {"board", "ab"}

"""Invariants of the kernel under random parameters and seeds (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hta_sim import load
from hta_sim.model import AllianceModel

unit = st.floats(0.0, 1.0)
mixes = st.lists(st.floats(0.01, 1.0), min_size=6, max_size=6).map(
    lambda w: dict(zip(("strategy", "local_alliances", "data_collection", "campaign",
                        "public_affairs", "fundraising"), np.array(w) / np.sum(w), strict=True)))

scenarios = st.fixed_dictionaries({
    "engagement.base": unit,
    "engagement.response": unit,
    "engagement.noise_sd": st.floats(0.0, 0.5),
    "results_lag.weight": unit,
    "stake.weight": unit,
    "own_value.weight": unit,
    "peer_influence.rate": st.floats(0.0, 0.2),
    "trust_ladder.climb_probability": unit,
    "trust_ladder.fall_probability": unit,
    "secretariat.policy": st.sampled_from(["fixed", "phased", "adaptive"]),
    "secretariat.mix": mixes,
    "initiatives.launch_rate": unit,
    "time.end": st.just("2019-06"),
    "time.pulse_dates": st.just(["2017-10", "2018-10"]),
})


def _months(changes, seed):
    model = AllianceModel(load("baseline").with_changes(changes), seed=seed)
    previous = model.state.copy()
    while model.running:
        model.step()
        yield previous, model.state
        previous = model.state.copy()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=scenarios, seed=st.integers(0, 2**32 - 1))
def test_state_invariants(changes, seed):
    for before, s in _months(changes, seed):
        assert ((s.engagement >= 0) & (s.engagement <= 1)).all()
        assert ((s.rung >= 0) & (s.rung <= 7)).all()
        moved = np.abs(s.rung - before.rung)[before.active]
        assert (moved <= 1).all()
        for given_, capacity in ((s.staff_given, s.staff_capacity),
                                 (s.knowledge_given, s.knowledge_capacity)):
            assert (given_ >= 0).all() and (given_ <= capacity + 1e-12).all()
        assert (s.money_given >= 0).all()
        assert (s.homes >= before.homes).all()
        assert np.allclose(s.mix.sum(axis=1), 1.0, atol=1e-9)
        assert (s.mix >= 0).all()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_co_financing_money_stays_within_capacity(seed):
    """Money beyond founders' grants never exceeds a partner's monthly money capacity."""
    changes = {"funding.grants": [], "time.end": "2019-12", "time.pulse_dates": ["2018-10"]}
    for _, s in _months(changes, seed):
        assert (s.money_given <= s.money_capacity / 12.0 + 1e-12).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), rate=st.floats(0.0, 0.2))
def test_initiative_stages_only_move_forward(seed, rate):
    changes = {"initiatives.launch_rate": rate, "time.end": "2020-12", "time.pulse_dates": []}
    for before, s in _months(changes, seed):
        still = before.stage != 0
        assert (s.stage[still] >= before.stage[still]).all()

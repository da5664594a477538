"""The Mesa face: agents are live views of the kernel's state."""

import numpy as np
import pytest

from hta_sim.model import AllianceModel


def test_agents_mirror_the_roster():
    m = AllianceModel("baseline", seed=1)
    assert len(m.partners) == 18
    assert {a.partner_id for a in m.partners} >= {"bikubenfonden", "sand", "aarhus"}


def test_editing_an_agent_changes_what_happens_next():
    a, b = AllianceModel("baseline", seed=3), AllianceModel("baseline", seed=3)
    for _ in range(6):
        a.step()
        b.step()
    for agent in b.partners:
        if agent.active:
            agent.engagement = 0.05
    for _ in range(6):
        a.step()
        b.step()
    ta, tb = a.trajectories(), b.trajectories()
    assert np.array_equal(ta["engagement_mean"][:6], tb["engagement_mean"][:6])
    assert tb["engagement_mean"].iloc[-1] < ta["engagement_mean"].iloc[-1] - 0.1


def test_setting_the_mix_through_the_secretariat_agent():
    m = AllianceModel("baseline", seed=3)
    mix = {"strategy": 0.5, "local_alliances": 0.1, "data_collection": 0.1, "campaign": 0.1,
           "public_affairs": 0.1, "fundraising": 0.1}
    m.secretariat.mix = mix
    m.step()
    assert m.secretariat.mix == pytest.approx(mix)
    with pytest.raises(ValueError):
        m.secretariat.mix = {**mix, "strategy": 0.9}


def test_model_runs_to_the_end_and_stops():
    m = AllianceModel("baseline", seed=2).run()
    assert not m.running
    assert m.month == 144
    assert m.date == "2027-12-01"
    assert len(m.trajectories()) == 144
    assert set(m.pulse()["body"]) == {"board", "ab"}


def test_mesa_counters_stop_at_the_horizon_however_often_step_is_called():
    m = AllianceModel("baseline", seed=2)
    assert (m.month, m.steps, m.time, m.date) == (0, 0, 0.0, "2016-01-01")
    for _ in range(150):  # six more than the horizon
        m.step()
    assert (m.month, m.steps, m.time) == (144, 144, 144.0)
    assert m.date == "2027-12-01" and not m.running
    assert len(m.trajectories()) == 144


def test_a_model_stepped_past_the_horizon_equals_one_run_to_the_end():
    a, b = AllianceModel("baseline", seed=4), AllianceModel("baseline", seed=4).run()
    for _ in range(146):
        a.step()
    assert a.trajectories().equals(b.trajectories())


def test_mesa_generator_is_seeded_from_the_seed_and_unused_by_the_rules():
    a, b = AllianceModel("baseline", seed=5), AllianceModel("baseline", seed=5)
    assert a.rng.random() == b.rng.random()  # Mesa's own stream: reproducible
    a.rng.random(1000)  # a user's code drawing from it changes nothing
    a.run()
    b.run()
    assert a.trajectories().equals(b.trajectories())
    assert AllianceModel("baseline", seed=5, replicate=1).rng.random() != \
        AllianceModel("baseline", seed=5).rng.random()

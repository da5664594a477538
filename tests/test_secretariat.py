"""secretariat: the staff its grants pay for, and its mix under the fixed, phased and adaptive
policies (the adaptive one moves only in the month after a pulse)."""

import numpy as np
import pytest
from builders import STAGE, month, params, state, with_values
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim import secretariat
from hta_sim.vocabulary import EFFORTS, PULSE_PARAMETERS


def mix(*shares):
    return dict(zip(EFFORTS, shares, strict=True))


FIXED = [0.25, 0.25, 0.125, 0.125, 0.125, 0.125]
BUILDING = [0.5, 0.125, 0.125, 0.125, 0.0625, 0.0625]
PILOTING = [0.125, 0.5, 0.125, 0.125, 0.0625, 0.0625]
SCALING = [0.0625, 0.5, 0.125, 0.125, 0.125, 0.0625]
RULES = {"secretariat.staff": 3.0, "funding.secretariat_cost_mdkk_per_fte_year": 2.0,
         "secretariat.adaptive_shift": 0.25, "secretariat.mix": mix(*FIXED),
         "secretariat.phased.building": mix(*BUILDING), "secretariat.phased.piloting": mix(*PILOTING),
         "secretariat.phased.scaling": mix(*SCALING)}
FIXED_P, PHASED_P, ADAPTIVE_P = (params({**RULES, "secretariat.policy": policy})
                                 for policy in ("fixed", "phased", "adaptive"))
PARAMETER = {name: k for k, name in enumerate(PULSE_PARAMETERS)}


def scores(board=None, ab=None):
    """(1, 2, 8) pulse scores: 5 (no gap) except the named parameters, per body."""
    out = np.full((1, 2, len(PULSE_PARAMETERS)), 5.0)
    for b, named in enumerate((board or {}, ab or {})):
        for name, value in named.items():
            out[0, b, PARAMETER[name]] = value
    return out


# --- funded staff ---------------------------------------------------------------------------------

def test_funded_staff_is_the_planned_staff_times_the_share_of_its_cost_the_grants_pay():
    p = params(RULES, replicates=4)
    # the planned 3 FTE cost 3 x 2.0 / 12 = 0.5 MDKK a month
    got = secretariat.funded_staff(p, np.array([0.25, 0.5, 1.0, 0.0]))
    np.testing.assert_array_equal(got, [3.0 * (0.25 / 0.5), 3.0, 3.0, 0.0])


def test_no_planned_staff_no_funded_staff():
    p = params({**RULES, "secretariat.staff": 0.0})
    np.testing.assert_array_equal(secretariat.funded_staff(p, np.array([1.0])), [0.0])


@settings(max_examples=100, deadline=None)
@given(staff=st.one_of(st.just(0.0), st.floats(0.01, 50.0)), cost=st.floats(0.01, 10.0),
       money=st.floats(0.0, 100.0))
def test_funded_staff_never_exceeds_the_planned_staff(staff, cost, money):
    p = with_values(FIXED_P, "secretariat", staff=staff)
    p = with_values(p, "funding", secretariat_cost_mdkk_per_fte_year=cost)
    funded = secretariat.funded_staff(p, np.array([money]))[0]
    assert 0.0 <= funded <= staff


def test_effort_is_the_mix_times_the_funded_staff():
    s = state(mix=FIXED, secretariat_staff=2.0)
    np.testing.assert_array_equal(secretariat.effort_fte(s), [[0.5, 0.5, 0.25, 0.25, 0.25, 0.25]])


# --- fixed ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("after_pulse", [False, True])
def test_fixed_keeps_its_mix_whatever_the_phase_and_the_pulse(after_pulse):
    s = state(mix=BUILDING, phase=2, scores=scores(board={"new_solutions": 1.0}))
    secretariat.set_mix(s, FIXED_P, month(after_pulse=after_pulse))
    np.testing.assert_array_equal(s.mix, [FIXED])


# --- phased ---------------------------------------------------------------------------------------

def test_phased_follows_the_dominant_phase():
    p = params({**RULES, "secretariat.policy": "phased"}, replicates=3)
    s = state(reps=3, mix=FIXED, phase=[0, 1, 2])
    secretariat.set_mix(s, p, month(reps=3))
    np.testing.assert_array_equal(s.mix, [BUILDING, PILOTING, SCALING])


# --- adaptive -------------------------------------------------------------------------------------

def test_adaptive_does_not_move_except_in_the_month_after_a_pulse():
    s = state(mix=FIXED, scores=scores(board={"new_solutions": 1.0}, ab={"new_solutions": 1.0}))
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=False, pulse_due=True))
    np.testing.assert_array_equal(s.mix, [FIXED])


def test_adaptive_shifts_towards_the_efforts_behind_the_weakest_scores():
    # gaps from 5 of the two bodies' mean: new_solutions 5 - 3.5 = 1.5 (local alliances),
    # testing_solutions 5 - 4.5 = 0.5 (public affairs); target (0, 0.75, 0, 0, 0.25, 0)
    s = state(mix=FIXED, scores=scores(board={"new_solutions": 3.0}, ab={"new_solutions": 4.0,
                                                                         "testing_solutions": 4.0}))
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=True))
    target = [0.0, 1.5 / 2.0, 0.0, 0.0, 0.5 / 2.0, 0.0]
    expected = [0.75 * share + 0.25 * aim for share, aim in zip(FIXED, target, strict=True)]
    assert sum(expected) == 1.0  # no renormalising needed here
    np.testing.assert_array_equal(s.mix, [expected])


def test_an_effort_serving_several_parameters_answers_their_mean_gap():
    # strategy serves shared_view, whole_thinking and strategy_development: a gap of 3 on one of
    # them asks 3 / 3 = 1, as much as campaign's single gap of 1 on ambassador
    s = state(mix=FIXED, scores=scores(board={"shared_view": 2.0, "ambassador": 4.0},
                                       ab={"shared_view": 2.0, "ambassador": 4.0}))
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=True))
    target = [0.5, 0.0, 0.0, 0.5, 0.0, 0.0]
    np.testing.assert_array_equal(s.mix, [[0.75 * a + 0.25 * b for a, b in zip(FIXED, target, strict=True)]])


def test_adaptive_reads_the_body_that_was_measured_when_the_other_has_no_members():
    board = scores(board={"new_solutions": 3.0})
    board[0, 1] = np.nan  # the AB, dissolved, has no scores
    s = state(mix=FIXED, scores=board)
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=True))
    target = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    np.testing.assert_array_equal(s.mix, [[0.75 * a + 0.25 * b for a, b in zip(FIXED, target, strict=True)]])


def test_adaptive_keeps_its_mix_when_every_score_is_at_the_top():
    s = state(mix=FIXED, scores=scores())
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=True))
    np.testing.assert_array_equal(s.mix, [FIXED])


def test_adaptive_keeps_its_mix_before_any_pulse():
    s = state(mix=FIXED)  # scores NaN
    secretariat.set_mix(s, ADAPTIVE_P, month(after_pulse=True))
    np.testing.assert_array_equal(s.mix, [FIXED])


def test_each_replicate_follows_its_own_policy():
    p = params(*({**RULES, "secretariat.policy": policy} for policy in ("fixed", "phased", "adaptive")))
    gap = scores(board={"new_solutions": 1.0}, ab={"new_solutions": 1.0})
    s = state(reps=3, mix=SCALING, phase=1, scores=np.concatenate([gap] * 3))
    secretariat.set_mix(s, p, month(reps=3, after_pulse=True))
    adapted = [0.75 * a + 0.25 * b for a, b in zip(SCALING, [0, 1, 0, 0, 0, 0], strict=True)]
    np.testing.assert_array_equal(s.mix, [FIXED, PILOTING, adapted])


weights = st.lists(st.floats(0.01, 1.0), min_size=6, max_size=6)
pulse_scores = st.lists(st.one_of(st.floats(1.0, 5.0), st.just(np.nan)), min_size=16, max_size=16)


@settings(max_examples=150, deadline=None)
@given(policy=st.sampled_from([FIXED_P, PHASED_P, ADAPTIVE_P]), start=weights, phase=st.integers(0, 2),
       values=pulse_scores, shift=st.floats(0.0, 1.0), after_pulse=st.booleans())
def test_the_mix_always_sums_to_one(policy, start, phase, values, shift, after_pulse):
    p = with_values(policy, "secretariat", adaptive_shift=shift)
    s = state(mix=np.array(start) / np.sum(start), phase=phase, scores=np.reshape(values, (1, 2, 8)))
    for _ in range(3):
        secretariat.set_mix(s, p, month(after_pulse=after_pulse))
        assert s.mix.sum() == pytest.approx(1.0, abs=1e-12)
        assert (s.mix >= 0).all()


# --- the host policy (fig. 7.4: from initiator to host) -------------------------------------------

HOSTING = [0.0625, 0.375, 0.1875, 0.1875, 0.0625, 0.125]
HOST_P = params({**RULES, "secretariat.policy": "host", "secretariat.host": mix(*HOSTING),
                 "secretariat.host_lead_share": 0.5, "secretariat.host_build": 0.75,
                 "secretariat.host_pulse": 3.0})


def hosting_state(leads=(0, 1, -1, -1), build=0.75, score=3.0, start=FIXED):
    """Four initiatives at work, led as given; the build; every pulse score ``score``."""
    return state(slots=4, mix=start, build=build, stage=STAGE["pilot"], lead=list(leads),
                 scores=np.full((1, 2, len(PULSE_PARAMETERS)), score))


def shifted(towards, start=FIXED):
    return [[0.75 * a + 0.25 * b for a, b in zip(start, towards, strict=True)]]


def test_host_moves_a_shift_towards_hosting_when_partners_lead_the_build_stands_and_the_pulse_is_sound():
    s = hosting_state()  # partners lead 2 of 4 (0.5), build 0.75, pulse mean 3.0
    secretariat.set_mix(s, HOST_P, month(slots=4, after_pulse=True))
    np.testing.assert_array_equal(s.mix, shifted(HOSTING))


@pytest.mark.parametrize("state_kw", [
    {"leads": (0, -1, -1, -1)},  # partners lead only a quarter
    {"build": 0.5},  # the build has not reached its mark
])
def test_host_keeps_its_mix_when_a_condition_fails(state_kw):
    s = hosting_state(**state_kw)
    secretariat.set_mix(s, HOST_P, month(slots=4, after_pulse=True))
    np.testing.assert_array_equal(s.mix, [FIXED])


def test_host_moves_back_towards_launching_when_the_pulse_falls():
    s = hosting_state(score=2.5, start=HOSTING)
    secretariat.set_mix(s, HOST_P, month(slots=4, after_pulse=True))
    np.testing.assert_array_equal(s.mix, shifted(FIXED, start=HOSTING))


def test_host_moves_only_in_the_month_after_a_pulse():
    s = hosting_state()
    secretariat.set_mix(s, HOST_P, month(slots=4, after_pulse=False))
    np.testing.assert_array_equal(s.mix, [FIXED])

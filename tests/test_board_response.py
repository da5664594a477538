"""board_response: the board acts on a pulse that shows the AB far below it; the AB meets or fades."""

import numpy as np
import pytest
from builders import month, params, state

from hta_sim.levers import advisory_board
from hta_sim.mechanisms import board_ab_split, board_response
from hta_sim.vocabulary import PULSE_PARAMETERS


def pulse(board: float, ab: float) -> np.ndarray:
    out = np.empty((1, 2, len(PULSE_PARAMETERS)))
    out[0, 0], out[0, 1] = board, ab
    return out


@pytest.mark.parametrize(("rule", "revived", "faded"), [
    ("revitalise", True, False), ("let_fade", False, True), ("none", False, False)])
def test_the_board_acts_after_a_pulse_with_the_ab_more_than_the_gap_below(rule, revived, faded):
    p = params({"board_response.rule": rule, "board_response.gap": 0.5})
    s = state(scores=pulse(4.0, 3.25), ab_meets=True)
    board_response.act(s, p, month(after_pulse=True))
    assert (bool(s.ab_revived[0]), bool(s.ab_faded[0])) == (revived, faded)


@pytest.mark.parametrize(("after_pulse", "ab"), [(False, 3.25), (True, 3.5)])
def test_no_act_outside_the_month_after_a_pulse_or_within_the_gap(after_pulse, ab):
    p = params({"board_response.rule": "revitalise", "board_response.gap": 0.5})
    s = state(scores=pulse(4.0, ab), ab_meets=True)
    board_response.act(s, p, month(after_pulse=after_pulse))
    assert not s.ab_revived[0]


def test_the_ab_meets_while_associated_not_faded_and_with_members_of_its_own():
    s = state(reps=3, partners=2, active=True, board=[True, False], ab=[False, True],
              ab_faded=[False, True, False])
    s.ab[2] = [False, False]  # no members of its own in the third replicate
    board_response.meets(s, month(reps=3, partners=2, associated=True))
    np.testing.assert_array_equal(s.ab_meets, [True, False, False])


def test_a_faded_ab_meets_no_more_and_a_revived_one_meets_as_the_lever_says():
    p = params({"board_ab_split.ab_meetings_per_year": 3.0, "advisory_board.meetings_per_year": 12.0,
                "advisory_board.closeness": 0.75, "board_ab_split.ab_closeness": 0.5})
    m = month(reps=2, partners=1, associated=True)
    s = state(reps=2, partners=1, active=True, ab=True, ab_meets=[False, True], ab_revived=[False, True])
    board_ab_split.roles(s, p, m)
    advisory_board.revitalise(s, p, m)
    np.testing.assert_array_equal(s.meetings, [[0.0], [1.0]])
    np.testing.assert_array_equal(s.closeness, [[0.5], [0.75]])

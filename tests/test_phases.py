"""phases: building, piloting and scaling weights read from the state, and the dominant phase."""

import numpy as np
import pytest
from builders import STAGE, state

from hta_sim import phases

EMPTY, IDEA, PILOT, RUNNING, SCALED, FAILED = (STAGE[n] for n in ("empty", "idea", "pilot", "running",
                                                                   "scaled", "failed"))


def test_weights_are_what_is_left_to_build_and_the_built_share_of_trying_and_doing():
    # trying (idea, pilot) 2, doing (running, scaled) 1, total 2 + 1 + 1 = 4
    s = state(slots=4, build=0.5, stage=[IDEA, PILOT, RUNNING, EMPTY])
    np.testing.assert_array_equal(phases.weights(s), [[1.0 - 0.5, 0.5 * 2 / 4, 0.5 * 1 / 4]])


def test_failed_initiatives_weigh_in_no_phase():
    s = state(slots=3, build=1.0, stage=[FAILED, FAILED, SCALED])
    np.testing.assert_array_equal(phases.weights(s), [[0.0, 0.0, 1.0 * 1 / 2]])


@pytest.mark.parametrize(("build", "stage", "dominant"), [
    (0.0, [EMPTY, EMPTY, EMPTY], 0),  # nothing built: building
    (0.5, [IDEA, PILOT, RUNNING], 0),  # 0.5 against 0.5 x 2/4 and 0.5 x 1/4
    (1.0, [IDEA, PILOT, RUNNING], 1),  # 0 against 2/4 and 1/4: piloting
    (1.0, [RUNNING, SCALED, IDEA], 2),  # 0 against 1/4 and 2/4: scaling
    (1.0, [IDEA, RUNNING, EMPTY], 1),  # a tie between piloting and scaling goes to the earlier phase
    (1.0, [EMPTY, EMPTY, EMPTY], 0),  # all weights zero: the first
])
def test_the_dominant_phase_is_the_heaviest_the_earlier_on_a_tie(build, stage, dominant):
    s = state(slots=3, build=build, stage=stage)
    np.testing.assert_array_equal(phases.dominant(s), [dominant])

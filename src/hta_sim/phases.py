"""The three overlapping phases (seed §6), read from what the alliance is doing, not the calendar.

Building weighs what is left to build; piloting weighs ideas and pilots; scaling weighs running and
scaled solutions. All three can be under way at once; ``dominant`` names the heaviest.
"""

import numpy as np

from .arrays import count, row_argmax
from .state import State
from .vocabulary import STAGE


def weights(s: State) -> np.ndarray:
    """(R, 3): building, piloting and scaling activity."""
    trying = count((s.stage == STAGE["idea"]) | (s.stage == STAGE["pilot"]))
    doing = count((s.stage == STAGE["running"]) | (s.stage == STAGE["scaled"]))
    total = trying + doing + 1.0
    return np.stack([1.0 - s.build, s.build * trying / total, s.build * doing / total], axis=-1)


def dominant(s: State) -> np.ndarray:
    return row_argmax(weights(s))

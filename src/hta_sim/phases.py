"""The three overlapping phases (seed §6), read from what the alliance is doing, not the calendar.

Building weighs what is left to build; piloting weighs ideas and pilots; scaling weighs running and
scaled solutions. All three can be under way at once; ``dominant`` names the heaviest.
"""

import numpy as np

from .state import State
from .vocabulary import STAGE


def weights(s: State) -> np.ndarray:
    """(R, 3): building, piloting and scaling activity."""
    trying = np.sum((s.stage == STAGE["idea"]) | (s.stage == STAGE["pilot"]), axis=-1)
    doing = np.sum((s.stage == STAGE["running"]) | (s.stage == STAGE["scaled"]), axis=-1)
    total = trying + doing + 1.0
    return np.stack([1.0 - s.build, s.build * trying / total, s.build * doing / total], axis=-1)


def dominant(s: State) -> np.ndarray:
    return np.argmax(weights(s), axis=-1)

"""Regulatory barriers (seed §6: legislation blocks several of the solutions partners want to use;
§4: public affairs challenges those barriers).

Barriers lower the chance that an idea becomes a pilot and raise the chance that a pilot fails;
public-affairs effort wears them down slowly. Off, there are none.
"""

import numpy as np

from ..state import State
from ..vocabulary import EFFORT


def level(s: State, p) -> np.ndarray:
    """The barrier in force (R, 1): zero when the mechanism is off."""
    return p.mechanisms.regulatory_barriers * s.barrier[:, None]


def erode(s: State, p, effort_fte: np.ndarray) -> None:
    worn = p.regulatory_barriers.public_affairs_rate * effort_fte[:, EFFORT["public_affairs"], None]
    s.barrier *= (1.0 - np.minimum(1.0, worn))[:, 0]


def launch_factor(s: State, p) -> np.ndarray:
    return 1.0 - p.regulatory_barriers.launch_penalty * level(s, p)


def failure(s: State, p) -> np.ndarray:
    return p.regulatory_barriers.failure * level(s, p)

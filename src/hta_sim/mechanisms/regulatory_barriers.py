"""Regulatory barriers (seed §6: legislation blocks several of the solutions partners want to use;
§4: public affairs challenges those barriers).

Barriers lower the chance that an idea becomes a pilot and raise the chance that a pilot fails;
public-affairs effort wears them down slowly. Off, there are none.
"""

import numpy as np

from ..arrays import Array
from ..parameters import Params
from ..state import State
from ..vocabulary import EFFORT


def level(s: State, p: Params) -> Array:
    """The barrier in force (R, 1): zero when the mechanism is off."""
    return p.mechanisms.regulatory_barriers * s.barrier[:, None]


def erode(s: State, p: Params, effort_fte: Array) -> None:
    worn = p.regulatory_barriers.public_affairs_rate * effort_fte[:, EFFORT["public_affairs"], None]
    s.barrier *= (1.0 - np.minimum(1.0, worn))[:, 0]


def launch_factor(s: State, p: Params) -> Array:
    return 1.0 - p.regulatory_barriers.launch_penalty * level(s, p)


def failure(s: State, p: Params) -> Array:
    return p.regulatory_barriers.failure * level(s, p)

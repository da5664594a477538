"""Secretariat overload (seed §6: the secretariat carries too much of the process; with 3 people,
progress depends on partners taking on action).

Initiatives the secretariat leads share its launch-and-coordination capacity; past that capacity
each moves more slowly. Partner-led initiatives carry their own load. Off, capacity never binds.
"""

import numpy as np

from ..arrays import Array, Codes, count
from ..parameters import Params
from ..vocabulary import EFFORT, STAGE


def factor(stage: Codes, lead: Codes, effort_fte: Array, p: Params) -> Array:
    """Pace multiplier per initiative slot (R, K), 1 where capacity suffices or a partner leads."""
    working = (stage >= STAGE["idea"]) & (stage <= STAGE["running"]) & (lead < 0)
    demand = count(working)[:, None] * p.secretariat_overload.fte_per_initiative
    capacity = effort_fte[:, EFFORT["local_alliances"], None]
    share = np.where(demand > 0, np.minimum(1.0, capacity / np.where(demand > 0, demand, 1.0)), 1.0)
    share = np.where(p.mechanisms.secretariat_overload > 0, share, 1.0)
    return np.where(lead < 0, share, 1.0)

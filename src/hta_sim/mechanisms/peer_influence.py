"""Peer influence (seed §3, §6: ideas and commitment arise when actors meet; the board "works more
closely"). Partners are pulled towards the mean engagement of the bodies they meet in, in proportion
to how often those bodies meet. Off, partners move alone.
"""

import numpy as np

from ..arrays import Array, Mask, masked_mean
from ..month import MonthContext
from ..parameters import Params
from ..state import State


def pull(s: State, p: Params, m: MonthContext) -> Array:
    """Change in engagement from meeting peers this month (R, P)."""
    total = np.zeros_like(s.engagement)
    for members in _bodies(s, m.associated):
        mean = masked_mean(s.engagement, members)[:, None]
        gap = np.where(members & ~np.isnan(mean), mean - s.engagement, 0.0)
        total = total + gap
    return p.mechanisms.peer_influence * p.peer_influence.rate * s.meetings * total


def _bodies(s: State, split: Mask) -> tuple[Mask, Mask, Mask]:
    """Active members of each body: the steering group before the split, board and AB after."""
    steering = s.active & ~split
    return (steering, s.active & split & s.board, s.active & split & s.ab)

"""The backbone's coordination (seed §2: a backbone organisation is a condition of collective
impact; §4, §6: the secretariat holds meetings, communicates and matches partners).

Coordination is the share of the network's meetings and contact that the secretariat keeps going.
It follows the staff the secretariat can pay, against the ``staff_needed`` to keep it all going,
at ``rate`` a month. Meetings are held, and partners stand close to the secretariat, only as far
as it lasts; so peer influence and closeness fade with it. Off, coordination stays full whatever
the staff.
"""

import numpy as np

from ..arrays import Array
from ..parameters import Params
from ..state import State


def upkeep(s: State, p: Params) -> None:
    """Coordination moves ``rate`` of the way towards what this month's staff can keep going."""
    q = p.coordination
    kept = np.minimum(1.0, s.secretariat_staff / q.staff_needed[:, 0])
    moved = s.coordination + q.rate[:, 0] * (kept - s.coordination)
    s.coordination[:] = np.where(p.mechanisms.coordination[:, 0] > 0, moved, 1.0)


def level(s: State) -> Array:
    """(R, 1) the coordination the month's meetings and contact have."""
    return s.coordination[:, None]

"""The trust ladder (seed §3, fig. 3.1-3.2; cluster development).

Partners climb one rung at a time with sustained engagement; the upper rungs (initiative-taking and
above) also need shared success, seen or led. They fall with neglect: engagement sagging below what
the rung below needs, more readily when far from the secretariat. Rungs unlock behaviour
(``unlocks``). Off, every partner keeps its starting rung.
"""

import numpy as np

from ..arrays import Array, Mask
from ..parameters import Params
from ..state import State
from ..vocabulary import RUNG, TOP_RUNG

#: The rung from which a partner does each thing (seed §3's ladder, read as behaviour).
UNLOCKS = {
    "share_knowledge": RUNG["open"],
    "lend_staff": RUNG["developing"],
    "propose": RUNG["participating"],
    "lead": RUNG["initiative_taking"],
    "own": RUNG["responsibility_taking"],
    "co_finance": RUNG["co_financing"],
}


#: How much closeness to the secretariat protects against falling: at full closeness the chance of
#: a fall from neglect is halved.
DISTANCE_NEGLECT = 0.5


def can(s: State, what: str) -> Mask:
    return s.active & (s.rung >= UNLOCKS[what])


def climb_and_fall(s: State, p: Params, u: Array) -> None:
    """Move each active partner at most one rung, using one uniform draw per partner (R, P)."""
    q = p.trust_ladder
    s.sustained += (s.engagement - s.sustained) / q.memory_months
    need = q.climb_base + q.climb_step * s.rung
    success = (s.perceived >= q.success_level) | (s.led_results > 0)
    gated = s.rung + 1 >= UNLOCKS["lead"]
    up = (s.sustained > need) & (success | ~gated) & (u < q.climb_probability) & (s.rung < TOP_RUNG)
    neglect = q.fall_probability * (1.0 - DISTANCE_NEGLECT * s.closeness)
    down = (s.sustained < need - q.climb_step - q.fall_margin) & (u < neglect) & (s.rung > 0)
    on = (p.mechanisms.trust_ladder > 0) & s.active
    fall = on & down & ~up
    s.rung += (on & up).astype(np.int64) - fall.astype(np.int64)
    s.rung_falls += fall.sum(axis=-1)

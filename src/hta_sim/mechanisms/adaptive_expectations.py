"""Adaptive expectations (aspiration adaptation: Cyert & March 1963; Repenning 2002; seed §2, §6:
engagement "cannot be assumed to stay high").

What partners expect moves towards what they have recently seen, raised by how much of the goal is
still open: the share of the 2017 national count still homeless. A working alliance must keep
delivering to hold engagement; there is no permanent ceiling. Off, expectations stay at the fixed
``results_lag.expectation`` (times the share partners hold by now).
"""


from ..arrays import Array
from ..parameters import Params
from ..state import State
from ..world import evidence, population

#: The goal's yardstick: the 2017 national count of homeless 18-29-year-olds (week 6).
GOAL_COUNT = float(evidence.goal_count())


def still_open(s: State) -> Array:
    """(R, 1) the share of the 2017 count still homeless now (above 1 if the count has grown)."""
    return (population.homeless(s.youth).sum(axis=(1, 2)) / GOAL_COUNT)[:, None]


def aspiration(s: State, p: Params, fixed: Array) -> Array:
    """(R, P) what partners want to see by now: the fixed expectation, moved ``weight`` of the way
    towards what each has recently seen, times one plus ``striving`` times the goal still open."""
    q = p.adaptive_expectations
    w = q.weight * p.mechanisms.adaptive_expectations
    seen = s.perceived * (1.0 + q.striving * still_open(s))
    return (1.0 - w) * fixed + w * seen

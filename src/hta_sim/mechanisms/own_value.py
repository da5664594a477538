"""Value to the partner's own organisation (seed §7: "solving a problem at home").

A partner engages as far as the alliance's goal fits its own goals, and more once an initiative it
leads produces results at home. Off, every partner weighs the alliance neutrally.
"""


from ..arrays import Array, squash
from ..parameters import Params
from ..state import State


def value(s: State, p: Params) -> Array:
    """0-1.2: alignment plus the bonus of results the partner leads at home."""
    return s.alignment + p.own_value.home_bonus * squash(s.led_results)


def drive(s: State, p: Params) -> Array:
    return p.mechanisms.own_value * p.own_value.weight * (value(s, p) - 0.5)

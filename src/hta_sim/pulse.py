"""The pulse measurement (seed §5, appendix 9): eight parameters scored 1-5 for the board and the AB.

The mapping from state to scores is fixed here in advance, from the parameter definitions, and is not
tuned by calibration. Each member of a body gets a level in [0, 1] per parameter, rising with that
parameter's own state variables; the body's score reflects both the members' mean level and how much
they agree: score = 1 + 4 * clip(mean - AGREEMENT * sd, 0, 1).
"""

import numpy as np

from .arrays import Array, Codes, Mask, half_and_half, masked_mean, masked_std, squash
from .mechanisms.trust_ladder import can
from .state import State
from .vocabulary import RUNG

#: Weight of disagreement: a body whose members differ by one sd scores a quarter sd lower.
AGREEMENT = 0.25


def levels(s: State) -> Array:
    """(R, P, 8) each partner's level on each parameter."""
    e = s.engagement
    build = s.build[:, None]
    shown = half_and_half(squash(s.perceived))
    return np.stack([
        build * half_and_half(s.alignment),  # 1 shared view of problem, goals, solutions
        s.invested,  # 2 readiness to invest resources (share of capacity put in, smoothed)
        e * can(s, "share_knowledge"),  # 3 readiness to share knowledge
        e * s.rung / RUNG["co_financing"],  # 4 from unit thinking to whole thinking
        e * shown,  # 5 ambassador: the more concrete the results, the easier
        build * half_and_half(s.closeness),  # 6 developing strategy
        e * _towards(s.rung, RUNG["participating"]),  # 7 developing new solutions
        e * _towards(s.rung, RUNG["initiative_taking"]),  # 8 testing new solutions
    ], axis=-1)


def score(level: Array, members: Mask) -> Array:
    """(R, 8) the body's scores from (R, P, 8) levels and (R, P) membership; NaN if no members."""
    mask = np.broadcast_to(members[:, :, None], level.shape)
    mean = masked_mean(level, mask, axis=1)
    sd = masked_std(level, mask, axis=1)
    return 1.0 + 4.0 * np.clip(mean - AGREEMENT * sd, 0.0, 1.0)


def measure(s: State, split: Mask) -> Array:
    """(R, 2, 8): board and AB scores; before the split both rows score the steering group."""
    lv = levels(s)
    after = split[:, None]
    board = s.active & np.where(after, s.board, True)
    ab = s.active & np.where(after, s.ab, True)
    return np.stack([score(lv, board), score(lv, ab)], axis=1)


def mean_score(scores: Array, axis: tuple[int, ...]) -> Array:
    """The mean of the scores taken (NaN: not taken) over ``axis``; NaN where none was taken."""
    taken = ~np.isnan(scores)
    n = taken.sum(axis=axis)
    total = np.where(taken, scores, 0.0).sum(axis=axis)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _towards(rung: Codes, full: int) -> Array:
    """0 two rungs below ``full``, 0.5 one rung below, 1 at or above it."""
    return np.clip(rung - (full - 2), 0, 2) / 2.0

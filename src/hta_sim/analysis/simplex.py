"""Tactical mixes as points of the unit cube, so that a box-bounded optimiser only proposes valid mixes.

A mix of K shares (>= 0, summing to 1) is the image of a point u of [0, 1]^(K-1) under stick-breaking:
share k takes the fraction v_k of what the earlier shares left, with v_k the Beta(1, K-1-k) quantile of
u_k. That choice makes a uniform u a uniform (flat Dirichlet) mix, so a Latin hypercube over the cube
spreads candidates evenly over the simplex rather than piling them on the first effort; and every point
of the cube, corners included, decodes to a valid mix. ``encode`` inverts it, to seed a search with
known mixes.
"""

from __future__ import annotations

import numpy as np

from ..arrays import Array

NOTHING_LEFT = 1e-15  # below this, what is left of the simplex counts as nothing


def decode(u: Array) -> Array:
    """Points (..., K-1) of [0, 1]^(K-1) -> mixes (..., K): shares >= 0 that sum to 1."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    left_after = np.arange(u.shape[-1], 0, -1)  # shares still to come after each break: K-1 .. 1
    v = 1.0 - (1.0 - u) ** (1.0 / left_after)
    remaining = np.cumprod(1.0 - v, axis=-1)  # what is left after each break
    before = np.concatenate([np.ones_like(v[..., :1]), remaining[..., :-1]], axis=-1)
    mix: Array = np.concatenate([before * v, remaining[..., -1:]], axis=-1)
    return mix


def encode(mix: Array) -> Array:
    """Mixes (..., K) -> their points (..., K-1) of the cube; a share's fraction of nothing counts as 0."""
    mix = np.asarray(mix, dtype=float)
    mix = np.clip(mix, 0.0, None) / np.sum(np.clip(mix, 0.0, None), axis=-1, keepdims=True)
    before = 1.0 - np.concatenate([np.zeros_like(mix[..., :1]), np.cumsum(mix[..., :-2], axis=-1)],
                                  axis=-1)
    v = np.divide(mix[..., :-1], before, out=np.zeros_like(before), where=before > NOTHING_LEFT)
    left_after = np.arange(mix.shape[-1] - 1, 0, -1)
    u: Array = np.clip(1.0 - (1.0 - np.clip(v, 0.0, 1.0)) ** left_after, 0.0, 1.0)
    return u

"""Whole-number draws from uniforms, vectorised across replicates: the world's flows.

Each replicate draws its own uniforms (``streams.WorldStream``); these functions turn them into
binomial and Poisson counts by inversion, element by element, so that a replicate's counts never
depend on the batch around it. Inversion walks the distribution up from zero until the cumulative
probability passes the uniform; where the mean is large that walk would be long, and the normal
approximation with a continuity correction takes over (``EXACT_MEAN``): at a mean of 30 it moves the
mean by under 0.1 %, and it never gives a count outside 0..n. Wide batches walk in compiled code
(``compiled.samplers``, numba), with the same arithmetic and so the same bits.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from .. import _accel
from ..arrays import Array, Codes
from . import compiled

#: Up to this mean, draws are exact inversions; above it, the normal approximation.
EXACT_MEAN = 30.0
_ROWS_AND_CELLS = 2  # arrays with fewer axes are one row to the compiled passes


def binomial(u: Array, n: Codes, p: Array) -> Codes:
    """Binomial(n, p) counts from uniforms u in (0, 1), elementwise (p broadcasts to n's shape)."""
    n = np.asarray(n, dtype=np.int64)
    if _accel.use(n.size):
        return _binomial_compiled(u, n, p)
    out = np.zeros(n.shape, dtype=np.int64)
    live = n > 0  # nobody there: nobody leaves (most housed compartments, small places)
    if not live.any():
        return out
    u, n = u[live], n[live]
    p = np.clip(np.broadcast_to(p, live.shape)[live], 0.0, 1.0)
    out[live] = _binomial(u, n, p)
    return out


def _binomial_compiled(u: Array, n: Codes, p: Array) -> Codes:
    """As ``binomial``, in one compiled pass over the arrays as they lie (no copies where the rows
    are evenly strided: a month's draws, a replicate's chances broadcast over its cells)."""
    rows = _rows(n)
    p2, inner = _columns(np.asarray(p, dtype=np.float64), n.shape)
    out = np.empty(n.shape, dtype=np.int64)
    compiled.samplers()[0](np.reshape(u, rows), n.reshape(rows), p2, inner, EXACT_MEAN,
                           compiled.ndtri_address(), out.reshape(rows))
    return out


def _columns(x: Array, shape: tuple[int, ...]) -> tuple[Array, int]:
    """``x`` broadcast to ``shape`` as the compiled passes read it without copying it whole: a 2-D
    block (1 or R rows, ``width``) and ``inner``, element (r, j) of the flattened broadcast being
    block[r, (j // inner) % width]. That holds where the axes x varies along (beyond the first)
    are consecutive, as for a chance by replicate, type or band; otherwise the block is the copy.
    """
    b = np.broadcast_to(x, shape)
    if b.ndim < _ROWS_AND_CELLS or not shape[0]:
        return b.reshape(_rows(b)), 1
    varies = [a for a in range(1, len(shape)) if b.strides[a] != 0 and shape[a] > 1]
    first, end = (varies[0], varies[-1] + 1) if varies else (1, 1)
    if any(b.strides[a] == 0 and shape[a] > 1 for a in range(first, end)):
        return b.reshape(_rows(b)), 1
    block = b[(slice(None), *(slice(None) if first <= a < end else slice(0, 1) for a in range(1, b.ndim)))]
    rows = 1 if b.strides[0] == 0 else shape[0]
    width = int(np.prod(shape[first:end], dtype=np.int64))
    return block[:rows].reshape(rows, width), int(np.prod(shape[end:], dtype=np.int64))


def _rows(n: np.ndarray) -> tuple[int, int]:
    """The 2-D shape the compiled passes take: the leading axis (replicates), the rest flattened."""
    return (n.shape[0], -1) if n.ndim > 1 and n.shape[0] else (1, -1)


def _binomial(u: Array, n: Codes, p: Array) -> Codes:
    q = 1.0 - p
    first = no_event(q, n)
    exact = (n * p <= EXACT_MEAN) & (first > 0.0)
    out = np.zeros(n.shape, dtype=np.int64)
    big = ~exact
    if big.any():
        mean = n[big] * p[big]
        out[big] = _normal(u[big], mean, np.sqrt(mean * q[big]), n[big])
    walk = exact & (u > first)
    if walk.any():
        out[walk] = _walk_binomial(u[walk], n[walk], p[walk] / q[walk], first[walk])
    return out


def no_event(q: Array, n: Codes) -> Array:
    """P(X = 0) = q**n (n >= 1) by binary powers, the compiled pass's multiplications in the same
    order: numpy's power and the C library's pow differ in the last bit on some CPUs (AVX-512's),
    and a replicate's counts must not depend on which of the two its batch's size picks. Its
    relative error is under n ulps, far inside any use a chance is put to here.
    """
    result, base, e = np.ones(q.shape), q.copy(), n.copy()
    while (e > 0).any():
        result = np.where(e & 1 == 1, result * base, result)
        base *= base
        e >>= 1
    return result


def poisson(u: Array, lam: Array) -> Codes:
    """Poisson(lam) counts from uniforms u in (0, 1), elementwise (lam broadcasts to u's shape)."""
    lam = np.broadcast_to(np.maximum(lam, 0.0), u.shape)
    first = np.exp(-lam)
    if _accel.use(u.size):
        return _poisson_compiled(u, lam, first)
    exact = lam <= EXACT_MEAN
    out = np.zeros(u.shape, dtype=np.int64)
    big = ~exact
    if big.any():
        out[big] = _normal(u[big], lam[big], np.sqrt(lam[big]), None)
    walk = exact & (u > first)
    if walk.any():
        out[walk] = _walk_poisson(u[walk], lam[walk], first[walk])
    return out


def _poisson_compiled(u: Array, lam: Array, first: Array) -> Codes:
    """As ``poisson``, in one compiled pass (see ``_binomial_compiled``)."""
    rows = _rows(u)
    out = np.empty(u.shape, dtype=np.int64)
    compiled.samplers()[1](u.reshape(rows), lam.reshape(rows), first.reshape(rows), EXACT_MEAN,
                           compiled.ndtri_address(), out.reshape(rows))
    return out


def _normal(u: Array, mean: Array, sd: Array, n: Codes | None) -> Codes:
    k = np.floor(mean + sd * ndtri(u) + 0.5)
    k = np.maximum(k, 0.0) if n is None else np.clip(k, 0.0, n)
    counts: Codes = k.astype(np.int64)
    return counts


def _walk_binomial(u: Array, n: Codes, ratio: Array, pmf: Array) -> Codes:
    """The smallest k >= 1 with P(X <= k) >= u, for elements whose answer is above zero.

    All elements step together, each stopping where its uniform is passed: the same arithmetic for
    an element whatever the others, so its count is the same in any batch. This is the narrow
    batches' path; wide ones walk in ``_binomial_compiled``, with the same arithmetic.
    """
    k = np.zeros(u.shape, dtype=np.int64)
    cdf = pmf.copy()
    go = np.ones(u.shape, dtype=bool)
    while go.any():
        pmf = np.where(go, pmf * ((n - k) / (k + 1.0) * ratio), pmf)
        k += go
        cdf = np.where(go, cdf + pmf, cdf)
        go &= (u > cdf) & (k < n)
    return k


def _walk_poisson(u: Array, lam: Array, pmf: Array) -> Codes:
    """As ``_walk_binomial``, for Poisson counts (the narrow batches' path; wide ones walk in
    ``_poisson_compiled``, with the same arithmetic).
    """
    k = np.zeros(u.shape, dtype=np.int64)
    cdf = pmf.copy()
    go = np.ones(u.shape, dtype=bool)
    while go.any():
        pmf = np.where(go, pmf * (lam / (k + 1.0)), pmf)
        k += go
        cdf = np.where(go, cdf + pmf, cdf)
        go &= (u > cdf) & (pmf > 0.0)
    return k

"""Compiled versions of the reductions in ``arrays`` (numba), used for large batches when installed.

They add in exactly the order the numpy versions do (left to right along the row, no fast-math, so
no reassociation and no fused multiply-add), so a result has the same bits with or without them;
``tests/test_arrays.py`` checks that on random data. They only remove numpy's per-row overhead on
the short partner and slot axes, which dominates in wide batches. Because the bits do not depend on
it, the choice may depend on the batch: numba is imported (about a second) only when a batch of at
least ``MIN_ROWS`` replicates first needs it, so a Mesa model or a small run never pays for it.
Set HTA_SIM_NUMBA=0 to switch them off.

The world's draws have compiled versions too, on the same terms: its Philox stream (``philox``,
numpy's ``random_raw`` bit for bit; ``philox_runs`` writes the model's stream straight into its
purposes' arrays) and its binomial and Poisson inversions (``samplers``, the
numpy walks' arithmetic element by element), which ``world.compiled``'s whole months also call;
``tests/test_world_speed.py`` checks them.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

import numpy as np

MIN_ROWS = 256
ON = os.environ.get("HTA_SIM_NUMBA", "1") != "0" and importlib.util.find_spec("numba") is not None


def use(rows: int, columns: int = 0) -> bool:
    """Whether a reduction over ``rows`` rows of ``columns`` entries should run compiled: a wide
    batch, or long rows (hundreds of partners).
    """
    return ON and (rows >= MIN_ROWS or columns >= MIN_ROWS)


@functools.cache
def kernels():
    """The compiled functions (compiled or loaded from numba's cache on first use)."""
    return _compile()


def _compile():
    import numba

    @numba.njit(cache=True, nogil=True)
    def row_sum(x):  # pragma: no cover - compiled
        """((x0 + x1) + x2) + ... for each row of a 2-D array (bool arrays as uint8 views)."""
        out = np.empty(x.shape[0])
        for r in range(x.shape[0]):
            acc = np.float64(x[r, 0])
            for j in range(1, x.shape[1]):
                acc += x[r, j]
            out[r] = acc
        return out

    @numba.njit(cache=True, nogil=True)
    def row_masked_mean(x, m):  # pragma: no cover - compiled
        """Mean of each row of x where m (uint8) is set, NaN where none is; the order of row_sum."""
        out = np.empty(x.shape[0])
        for r in range(x.shape[0]):
            acc = x[r, 0] if m[r, 0] else 0.0
            n = np.int64(m[r, 0] != 0)
            for j in range(1, x.shape[1]):
                acc += x[r, j] if m[r, j] else 0.0
                n += m[r, j] != 0
            out[r] = acc / n if n > 0 else np.nan
        return out

    @numba.njit(cache=True, nogil=True)
    def row_count(m):  # pragma: no cover - compiled
        """Set entries of each row of a uint8 (bool) array."""
        out = np.empty(m.shape[0], dtype=np.int64)
        for r in range(m.shape[0]):
            n = 0
            for j in range(m.shape[1]):
                n += m[r, j] != 0
            out[r] = n
        return out

    @numba.njit(cache=True, nogil=True)
    def row_max(x):  # pragma: no cover - compiled
        """Largest entry of each row, as np.max: the first NaN if any; of equal entries (0.0 and
        -0.0) the later one.
        """
        out = np.empty(x.shape[0])
        for r in range(x.shape[0]):
            best = x[r, 0]
            if not np.isnan(best):
                for j in range(1, x.shape[1]):
                    v = x[r, j]
                    if np.isnan(v):
                        best = v
                        break
                    if not best > v:
                        best = v
            out[r] = best
        return out

    @numba.njit(cache=True, nogil=True)
    def row_argmax(x):  # pragma: no cover - compiled
        """Index of the first largest entry of each row; of the first NaN if any (as np.argmax)."""
        out = np.empty(x.shape[0], dtype=np.int64)
        for r in range(x.shape[0]):
            best, at = x[r, 0], 0
            if not np.isnan(best):
                for j in range(1, x.shape[1]):
                    v = x[r, j]
                    if np.isnan(v):
                        at = j
                        break
                    if v > best:
                        best, at = v, j
            out[r] = at
        return out

    return row_sum, row_masked_mean, row_count, row_max, row_argmax


@functools.cache
def samplers():
    """Compiled passes for ``world.sampling``, element by element the arithmetic of its numpy walks.

    ``binomial(u, n, p, inner, exact_mean, out)`` and ``poisson(u, lam, first, exact_mean, out)``
    take 2-D arrays of one shape (any strides; ``out`` is written whole), except the binomial's
    chances: ``p`` has 1 or R rows and ``width`` columns, and element (r, j) reads column
    (j // inner) % width, so that a chance broadcast over cells is read as it lies, not copied.
    They return, for the elements left to the normal approximation, their uniforms and flat
    positions; ``binomial_normal`` and ``poisson_normal`` finish those from the uniforms' normal
    quantiles (scipy's ``ndtri``, called from numpy in between). Module functions, compiled here:
    numba's cache is then found again by a new process (a closure's compiled helpers would key it
    anew in every process).
    """
    global _binomial_walk, _poisson_walk, _no_event  # noqa: PLW0603 - compiled once, here (see _mulhilo)
    import numba

    _binomial_walk = numba.njit(inline="always")(_binomial_steps)
    _poisson_walk = numba.njit(inline="always")(_poisson_steps)
    _no_event = numba.njit(inline="always")(_power_steps)
    jit = numba.njit(cache=True, nogil=True)
    return jit(_binomial_counts), jit(_poisson_counts), jit(_binomial_normal), jit(_poisson_normal)


#: What the compiled passes call (``_binomial_steps``, ``_poisson_steps``, ``_power_steps``), made
#: by samplers().
_binomial_walk: Any = None
_poisson_walk: Any = None
_no_event: Any = None


def _binomial_counts(u, n, p, inner, exact_mean, out):  # pragma: no cover - compiled by samplers()
    """Binomial(n, clip(p, 0, 1)) by inversion where n p <= exact_mean and P(X = 0) > 0; element
    (r, j)'s chance is p[r, (j // inner) % width] (row 0 if p has one), its column kept by a
    counter rather than a division per element.

    P(X = 0) = q**n by binary powers (``_power_steps``): a handful of multiplications, cheaper than
    the library's pow and than the table of computed powers this pass once kept in front of it.
    Elements left to the normal approximation get -1 in ``out`` and are listed.
    """
    rows, cols = n.shape
    big_u = np.empty(rows * cols, u.dtype)
    big_at = np.empty(rows * cols, np.int64)
    big = 0
    width, one_row = p.shape[1], p.shape[0] == 1
    for r in range(rows):
        rp = 0 if one_row else r
        pj, step = 0, 0
        for j in range(cols):
            pi = p[rp, pj]
            step += 1
            if step == inner:
                step = 0
                pj = pj + 1 if pj + 1 < width else 0
            ni = n[r, j]
            if ni <= 0:  # nobody there: nobody leaves
                out[r, j] = 0
                continue
            # np.clip(p, 0.0, 1.0), NaN kept
            if not (np.isnan(pi) or pi > 0.0):
                pi = 0.0
            if not (np.isnan(pi) or pi < 1.0):
                pi = 1.0
            q = 1.0 - pi
            first = _no_event(q, ni)
            if not (ni * pi <= exact_mean and first > 0.0):
                out[r, j] = -1
                big_u[big], big_at[big] = u[r, j], r * cols + j
                big += 1
                continue
            ui = u[r, j]
            k = _binomial_walk(ui, ni, pi / q, first) if ui > first else 0
            out[r, j] = k
    return big_u[:big], big_at[:big]


def _poisson_counts(u, lam, first, exact_mean, out):  # pragma: no cover - compiled by samplers()
    """Poisson(lam) by inversion where lam <= exact_mean, from P(X = 0) = ``first`` (numpy's exp)."""
    rows, cols = u.shape
    big_u = np.empty(rows * cols, u.dtype)
    big_at = np.empty(rows * cols, np.int64)
    big = 0
    for r in range(rows):
        for j in range(cols):
            li = lam[r, j]
            if not li <= exact_mean:
                out[r, j] = -1
                big_u[big], big_at[big] = u[r, j], r * cols + j
                big += 1
                continue
            ui, f = u[r, j], first[r, j]
            k = _poisson_walk(ui, li, f) if ui > f else 0
            out[r, j] = k
    return big_u[:big], big_at[:big]


def _power_steps(q, n):  # pragma: no cover - compiled by samplers()
    """q**n for n >= 1 by binary powers: multiplications only, so the same bits as ``sampling``'s
    numpy loop on any IEEE machine (the C library's pow and numpy's differ in the last bit on some
    CPUs, AVX-512's among them).
    """
    result, base = 1.0, q
    while n > 0:
        result *= base if n & 1 else 1.0  # times one is exact: the numpy loop's where(), no branch
        base *= base
        n >>= 1
    return result


def _binomial_steps(u, n, ratio, first):  # pragma: no cover - compiled by samplers()
    """The smallest k >= 1 with P(X <= k) >= u, walking up from P(X = 0) = ``first`` (< u).

    Four steps at a time, each step's arithmetic that of the one-step walk (``sampling``'s numpy
    walk): the steps past the stop are thrown away, and no branch waits on each step's sum.
    """
    k, f, c = 0, first, first
    while True:
        f1 = f * ((n - k) / (k + 1.0) * ratio)
        c1 = c + f1
        f2 = f1 * ((n - (k + 1)) / ((k + 1) + 1.0) * ratio)
        c2 = c1 + f2
        f3 = f2 * ((n - (k + 2)) / ((k + 2) + 1.0) * ratio)
        c3 = c2 + f3
        f4 = f3 * ((n - (k + 3)) / ((k + 3) + 1.0) * ratio)
        c4 = c3 + f4
        go1 = (u > c1) & (k + 1 < n)
        go2 = go1 & (u > c2) & (k + 2 < n)
        go3 = go2 & (u > c3) & (k + 3 < n)
        if not (go3 & (u > c4) & (k + 4 < n)):
            return k + 1 + np.int64(go1) + np.int64(go2) + np.int64(go3)
        k, f, c = k + 4, f4, c4


def _poisson_steps(u, lam, first):  # pragma: no cover - compiled by samplers()
    """As ``_binomial_steps``, for Poisson(lam): the walk stops where u is passed or the pmf is 0."""
    k, f, c = 0, first, first
    while True:
        f1 = f * (lam / (k + 1.0))
        c1 = c + f1
        f2 = f1 * (lam / ((k + 1) + 1.0))
        c2 = c1 + f2
        f3 = f2 * (lam / ((k + 2) + 1.0))
        c3 = c2 + f3
        f4 = f3 * (lam / ((k + 3) + 1.0))
        c4 = c3 + f4
        go1 = (u > c1) & (f1 > 0.0)
        go2 = go1 & (u > c2) & (f2 > 0.0)
        go3 = go2 & (u > c3) & (f3 > 0.0)
        if not (go3 & (u > c4) & (f4 > 0.0)):
            return k + 1 + np.int64(go1) + np.int64(go2) + np.int64(go3)
        k, f, c = k + 4, f4, c4


def _binomial_normal(z, at, n, p, inner):  # pragma: no cover - compiled by samplers()
    """np.clip(floor(mean + sd z + 0.5), 0, n), mean = n p, sd = sqrt(mean (1 - p)), as floats
    (p read as ``_binomial_counts`` reads it)."""
    cols = n.shape[1]
    k = np.empty(z.size)
    for i in range(z.size):
        r, j = at[i] // cols, at[i] % cols
        ni, pi = n[r, j], p[0 if p.shape[0] == 1 else r, (j // inner) % p.shape[1]]
        if not (np.isnan(pi) or pi > 0.0):
            pi = 0.0
        if not (np.isnan(pi) or pi < 1.0):
            pi = 1.0
        mean = ni * pi
        x = np.floor(mean + np.sqrt(mean * (1.0 - pi)) * z[i] + 0.5)
        if not (np.isnan(x) or x > 0.0):
            x = 0.0
        if not (np.isnan(x) or x < ni):
            x = np.float64(ni)
        k[i] = x
    return k


def _poisson_normal(z, at, lam):  # pragma: no cover - compiled by samplers()
    """np.maximum(floor(lam + sqrt(lam) z + 0.5), 0), as floats."""
    cols = lam.shape[1]
    k = np.empty(z.size)
    for i in range(z.size):
        li = lam[at[i] // cols, at[i] % cols]
        x = np.floor(li + np.sqrt(li) * z[i] + 0.5)
        k[i] = x if (x >= 0.0 or np.isnan(x)) else 0.0
    return k


#: Philox4x64-10's constants (Random123, as numpy's ``Philox``): the round multipliers and key bumps.
PHILOX_M0, PHILOX_M1 = np.uint64(0xD2E7470EE14C6C93), np.uint64(0xCA5A826395121157)
PHILOX_W0, PHILOX_W1 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBB67AE8584CAA73B)
_ONE, _ZERO, _SHIFT = np.uint64(1), np.uint64(0), np.uint64(11)
_WORDS = 4  # 64-bit words a Philox4x64 block gives
_HALF_ULP = 1.0 / 9007199254740992.0  # 2**-53: numpy's random() from a raw 64-bit draw
#: The 128-bit multiply, made by ``philox()``. A module global rather than a closure's cell, as is
#: everything the compiled functions here use: numba keys its on-disk cache by the closure's contents,
#: which for a compiled object differ in every process, so a closure would be compiled anew in each.
_mulhilo: Any = None


@functools.cache
def philox():
    """A compiled Philox4x64-10 uniforms writer, bit for bit numpy's ``Philox(...).random_raw``.

    ``uniforms(keys, counter2, open_, out)`` fills each row r of ``out`` (R, runs, run), read in
    C order (``out[r].ravel()``, n = runs x run values; any strides), with what ``np.random.Philox``
    keyed ``keys[r]`` at counter (0, 0, counter2, 0) gives from ``random_raw(n)``, as doubles
    (x >> 11) * 2**-53 + open_. numpy's layout: the counter's first word is incremented
    before each block of four words (so the first block is at counter (1, 0, counter2, 0)), and a
    block's words come out in order v[0], v[1], v[2], v[3]; a row whose length is not a multiple of
    four ends inside its last block. ``tests/test_world_speed.py`` checks it against numpy.
    """
    global _mulhilo, _philox_block  # noqa: PLW0603 - compiled once, here (see _mulhilo)
    import numba
    from llvmlite import ir  # type: ignore[import-untyped]
    from numba.core import types
    from numba.extending import intrinsic

    def mulhilo_typer(typingctx, a, b):
        """(high, low) 64-bit words of the 128-bit product a * b, as one machine multiply."""
        def codegen(context, builder, signature, args):  # pragma: no cover - compiled
            wide = ir.IntType(128)
            product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
            hi = builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
            lo = builder.trunc(product, ir.IntType(64))
            return context.make_tuple(builder, signature.return_type, (hi, lo))
        return types.UniTuple(types.uint64, 2)(types.uint64, types.uint64), codegen

    _mulhilo = intrinsic(mulhilo_typer)
    _philox_block = numba.njit(inline="always")(_philox_rounds)
    return numba.njit(cache=True, nogil=True)(_philox_uniforms)


@functools.cache
def philox_runs():
    """A compiled writer of runs of Philox uniforms straight into the arrays that hold them.

    ``scatter(keys, counter2, open_, runs, dests)``: for each replicate r (keyed ``keys[r]``, its
    stream as ``philox()`` reads it) and each row (src, n, d, start, stride) of ``runs``, the stream's
    values src .. src + n - 1 go to ``dests[d][r, start + i * stride]`` (``dests``: a tuple of 2-D
    float arrays, one row per replicate). Values no run asks for are never computed: Philox is a
    counter, so the block holding value i is computed from i alone. The same bits as drawing the
    whole stream and copying its parts into place; ``tests/test_world_speed.py`` checks it.
    """
    philox()  # the compiled block (_philox_block)
    return _jit()(_philox_scatter)


#: Philox4x64-10 on one block, made by ``philox()`` (a module global: see _mulhilo).
_philox_block: Any = None


def _philox_rounds(x0, x2, k0, k1):  # pragma: no cover - compiled by philox()
    """The four words of the block at counter (x0, 0, x2, 0) under key (k0, k1): ten rounds."""
    x1, x3 = _ZERO, _ZERO
    for rnd in range(10):
        if rnd > 0:
            k0 += PHILOX_W0
            k1 += PHILOX_W1
        hi0, lo0 = _mulhilo(PHILOX_M0, x0)
        hi1, lo1 = _mulhilo(PHILOX_M1, x2)
        x0, x1, x2, x3 = hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0
    return x0, x1, x2, x3


def _philox_uniforms(keys, counter2, open_, out):  # pragma: no cover - compiled by philox()
    rows, runs, run = out.shape
    words = np.empty(_WORDS, np.uint64)  # the block being read, as numpy's bit generator buffers it
    for r in range(rows):
        key0, key1 = keys[r, 0], keys[r, 1]
        block, used = _ZERO, _WORDS
        for a in range(runs):
            for c in range(run):
                if used == _WORDS:
                    block += _ONE  # the counter's first word, incremented before each block
                    words[0], words[1], words[2], words[3] = _philox_block(block, counter2, key0, key1)
                    used = 0
                out[r, a, c] = np.float64(words[used] >> _SHIFT) * _HALF_ULP + open_
                used += 1


def _philox_scatter(keys, counter2, open_, runs, dests):  # pragma: no cover - compiled by philox_runs()
    words = np.empty(_WORDS, np.uint64)  # the block being read, as in _philox_uniforms
    for r in range(keys.shape[0]):
        key0, key1 = keys[r, 0], keys[r, 1]
        block = _ZERO  # the counter's first word of the block in ``words`` (value i: i // 4 + 1)
        for i in range(runs.shape[0]):
            src, out, to, stride = runs[i, 0], dests[runs[i, 2]], runs[i, 3], runs[i, 4]
            used = src % _WORDS
            if np.uint64(src // _WORDS) + _ONE != block:  # a run starts where it starts, not next
                block = np.uint64(src // _WORDS) + _ONE
                words[0], words[1], words[2], words[3] = _philox_block(block, counter2, key0, key1)
            for _ in range(runs[i, 1]):
                if used == _WORDS:
                    block += _ONE
                    words[0], words[1], words[2], words[3] = _philox_block(block, counter2, key0, key1)
                    used = 0
                out[r, to] = np.float64(words[used] >> _SHIFT) * _HALF_ULP + open_
                to += stride
                used += 1


def _jit() -> Any:
    """numba's njit as every pass here uses it: cached on disk, no GIL, no fast-math."""
    import numba

    return numba.njit(cache=True, nogil=True)


def _inline() -> Any:
    """numba's njit for what the passes call: inlined into them, so cached with them."""
    import numba

    return numba.njit(inline="always")


@functools.cache
def tallies():
    """``places_by_cell(solution, site, places, out)``: each slot's places added into out[r, type,
    site] (R, types, M), zeroed first; whole numbers, so the sum of ``solutions.counted``'s
    float bincount exactly. ``tests/test_world_speed.py`` checks it."""
    return _jit()(_places_by_cell)


def _places_by_cell(solution, site, places, out):  # pragma: no cover - compiled by tallies()
    out[:] = 0
    for r in range(places.shape[0]):
        for k in range(places.shape[1]):
            out[r, solution[r, k], site[r, k]] += places[r, k]


@functools.cache
def slots():
    """Compiled passes of ``solutions`` for wide batches, slot by slot with its numpy arithmetic.

    ``pick(u, shares, kind, rest)``: for each row, the category whose cumulative interval (a
    running sum, as ``np.cumsum``) holds u, and u's place inside it rescaled and clipped (shares
    (1 or R, n)). ``recruit(per_month, table, per_unit, solution, stage, pace, units, places)``: each
    slot's units towards its stage's number (``table`` (R, types, stages)) at ``pace``, and its
    whole places. ``tests/test_world_speed.py`` checks both against numpy.
    """
    jit = _jit()
    return jit(_pick_rows), jit(_recruit_slots)


#: How far inside (0, 1) a rescaled uniform is kept (``solutions._pick``'s clip).
_INSIDE = 1e-12


def _pick_rows(u, shares, kind, rest):  # pragma: no cover - compiled by slots()
    n, one_row = shares.shape[1], shares.shape[0] == 1
    edges = np.empty(n)
    for r in range(u.size):
        row = 0 if one_row else r
        total = 0.0
        for j in range(n):
            total = shares[row, j] if j == 0 else total + shares[row, j]
            edges[j] = total
        k = 0
        for j in range(n):
            k += edges[j] <= u[r]
        k = min(k, n - 1)
        width = shares[row, k]
        x = (u[r] - (edges[k] - width)) / width if width > 0 else 0.5
        if not (np.isnan(x) or x > _INSIDE):  # np.clip(x, _INSIDE, 1 - _INSIDE), NaN kept
            x = _INSIDE
        if not (np.isnan(x) or x < 1.0 - _INSIDE):
            x = 1.0 - _INSIDE
        kind[r], rest[r] = k, x


def _recruit_slots(per_month, table, per_unit, solution, stage, pace, units,
                   places):  # pragma: no cover - compiled by slots()
    rows, slots = solution.shape
    for r in range(rows):
        for k in range(slots):
            t = solution[r, k]
            wanted = table[r, t, stage[r, k]]
            x = units[r, k] + per_month[r, t] * pace[r, k]
            if not wanted > 0:
                u = 0.0
            elif np.isnan(wanted) or np.isnan(x):  # np.minimum: NaN wins
                u = np.nan
            else:
                u = wanted if wanted < x else x
            units[r, k] = u
            places[r, k] = np.int64(np.floor(u * per_unit[r, t] + 1e-9))

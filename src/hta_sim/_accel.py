"""Compiled versions of the reductions in ``arrays`` (numba), used for large batches when installed.

They add in exactly the order the numpy versions do (left to right along the row, no fast-math, so
no reassociation and no fused multiply-add), so a result has the same bits with or without them;
``tests/test_arrays.py`` checks that on random data. They only remove numpy's per-row overhead on
the short partner and slot axes, which dominates in wide batches. Because the bits do not depend on
it, the choice may depend on the batch: numba is imported (about a second) only when a batch of at
least ``MIN_ROWS`` replicates first needs it, so a Mesa model or a small run never pays for it.
Set HTA_SIM_NUMBA=0 to switch them off.

Other passes have compiled versions on the same terms: the Philox stream (``philox``, numpy's
``random_raw`` bit for bit; ``philox_runs`` writes the model's stream straight into its purposes'
arrays), the solutions' places by cell (``tallies``) and their slots' picks and recruiting
(``slots``). The world's draws and whole months are in ``world.compiled``.
``tests/test_world_speed.py`` checks them all.
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

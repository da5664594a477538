"""The world's draws compiled for wide batches (numba): the samplers and the whole months.

``samplers`` are ``world.sampling``'s binomial and Poisson inversions, element by element the
arithmetic of its numpy walks. The whole months (the ordinary month, the solutions', adoption's
draws) are one pass each, a replicate at a time, cell by cell, making the draws that
``population.advance``, ``housing.month`` and ``municipalities.adopt`` make array by array, in the
same order and with the same arithmetic: the same walks and binary powers, numpy's exp for the
Poisson's P(X = 0) (taken before the pass: it differs from the C library's in the last bit on some
CPUs), and for the few draws left to the normal approximation scipy's own compiled ``ndtri``,
called by its address. So a replicate's counts are the same in a narrow batch (numpy) or a wide
one (here); ``tests/test_world_speed.py`` checks it. A replicate's cells stay in cache through its
month, where the numpy path makes a dozen passes over the batch for each of the month's steps.
Everything that inlines something else is in this one file: numba's disk cache notices a change to
a compiled function's own file only.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .. import _accel


@functools.cache
def samplers() -> Any:
    """Compiled passes for ``world.sampling``, element by element the arithmetic of its numpy walks.

    ``binomial(u, n, p, inner, exact_mean, ndtri, out)`` and ``poisson(u, lam, first, exact_mean,
    ndtri, out)`` take 2-D arrays of one shape (any strides; ``out`` is written whole), except the
    binomial's chances: ``p`` has 1 or R rows and ``width`` columns, and element (r, j) reads column
    (j // inner) % width, so that a chance broadcast over cells is read as it lies, not copied.
    ``ndtri``: ``ndtri_address()``, for the elements left to the normal approximation. Each element
    is one draw of ``_binomial_draw`` or ``_poisson_draw``, the draws the whole months make too.
    Module functions, compiled here: numba's cache is then found again by a new process (a
    closure's compiled helpers would key it anew in every process).
    """
    _compile_draws()
    jit = _accel._jit()
    return jit(_binomial_counts), jit(_poisson_counts)


@functools.cache
def _compile_draws() -> None:
    """The one-element draws every pass here calls: the walks, the binary powers, the clip, and
    the call of scipy's ndtri by its address."""
    global _binomial_walk, _poisson_walk, _no_event, _call_double  # noqa: PLW0603 - compiled once, here (see _accel._mulhilo)
    global _given_chance, _clip01, _binomial_one, _poisson_one
    from llvmlite import ir  # type: ignore[import-untyped]
    from numba.core import types
    from numba.extending import intrinsic

    def call_typer(typingctx: Any, address: Any, x: Any) -> Any:
        """f(x) for the C function double f(double) at ``address``: an address, not a pointer
        object, so that numba's disk cache keeps the functions that call it."""
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:  # pragma: no cover
            fn = ir.FunctionType(ir.DoubleType(), [ir.DoubleType()])
            return builder.call(builder.inttoptr(args[0], fn.as_pointer()), [args[1]])
        return types.float64(types.int64, types.float64), codegen

    inline = _accel._inline()
    _call_double = intrinsic(call_typer)
    _binomial_walk, _poisson_walk, _no_event = inline(_binomial_steps), inline(_poisson_steps), \
        inline(_power_steps)
    _given_chance, _clip01 = inline(_given_steps), inline(_clip_steps)
    _binomial_one, _poisson_one = inline(_binomial_draw), inline(_poisson_draw)


#: What the compiled passes call, made by ``_compile_draws()``: module globals, as in ``_accel``
#: (numba's disk cache keys a closure by its contents, which differ in every process).
_binomial_walk: Any = None
_poisson_walk: Any = None
_no_event: Any = None
_call_double: Any = None
_given_chance: Any = None
_clip01: Any = None
_binomial_one: Any = None
_poisson_one: Any = None
_stays: Any = None
_fills: Any = None
_month_end: Any = None


def _binomial_counts(u, n, p, inner, exact_mean, ndtri, out):  # pragma: no cover - compiled by samplers()
    """Binomial(n, clip(p, 0, 1)) for each element (``_binomial_draw``); element (r, j)'s chance is
    p[r, (j // inner) % width] (row 0 if p has one), its column kept by a counter rather than a
    division per element."""
    rows, cols = n.shape
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
            out[r, j] = _binomial_one(u[r, j], n[r, j], pi, exact_mean, ndtri)


def _poisson_counts(u, lam, first, exact_mean, ndtri, out):  # pragma: no cover - compiled by samplers()
    """Poisson(lam) for each element (``_poisson_draw``), from P(X = 0) = ``first`` (numpy's exp)."""
    rows, cols = u.shape
    for r in range(rows):
        for j in range(cols):
            out[r, j] = _poisson_one(u[r, j], lam[r, j], first[r, j], exact_mean, ndtri)


def _power_steps(q, n):  # pragma: no cover - compiled by _compile_draws()
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


def _binomial_steps(u, n, ratio, first):  # pragma: no cover - compiled by _compile_draws()
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


def _poisson_steps(u, lam, first):  # pragma: no cover - compiled by _compile_draws()
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


@functools.cache
def population_month() -> Any:
    """``month(youth, u, lam, first, chances, age, exact_mean, ndtri, states, flows)``: the whole
    ordinary month of ``population.advance``, each cell's eight draws one after another.

    ``u`` (R, purposes, M, B): the world's uniforms in ``streams.WORLD_PURPOSES`` order; ``lam``
    and ``first`` (R, M, B): the inflow's Poisson means and numpy's exp(-lam); ``chances`` (R, 4):
    exit_new, exit_long, returns (switch applied) and to_long; ``age`` (B,): the ageing chances;
    ``ndtri``: ``ndtri_address()``. Writes youth in place and the month's flows (R, 7, M, B) in
    ``population.FLOWS`` order.
    """
    _compile_draws()
    return _accel._jit()(_population_month)


@functools.cache
def housing_month() -> Any:
    """``month(youth, u, at, chances, age, bound, cap, flats, vacancy, ordinary, order, states,
    roles, ndtri, unbounded, exact_mean, flows, free, used, housed_by, homes, flats_let)``: the whole
    month of ``housing.month``: the stays age and end, the month's vacancies, the host-home
    leavers' flats, each type's fills, the month's end.

    ``u`` (R, purposes, M, B): the solutions' uniforms; ``at``: where its age, leave and fill
    purposes start (the first type's), then its vacancies and ordinary ones; ``chances`` (R, 2,
    types): leaving (1 / stay) and filling; ``age`` (B,); ``bound`` (R, types): places bind; ``cap``
    (R, types, M); ``flats`` (R, M); ``vacancy`` (R, 3): turnover, the ordinary exits' share, the
    housing constraint's switch; ``ordinary`` (R, 7, M, B): the month's ordinary flows; ``order``
    (types, 4, 2): ``housing.PRIORITY``; ``states``: the types' youth states, then new, long and
    housed; ``roles``: the type whose leavers need a flat (host homes) and the one that needs a flat
    to enter (Housing First). Writes youth, ``flows`` (R, housing.FLOWS, M, B), ``free`` and ``used``
    (R, M), and adds to the cumulative counts.
    """
    _compile_draws()
    global _stays, _fills, _month_end  # as samplers'
    inline = _accel._inline()
    _stays, _fills, _month_end = inline(_stay_steps), inline(_fill_steps), inline(_end_steps)
    return _accel._jit()(_housing_month)


@functools.cache
def ndtri_address() -> int:
    """The address of scipy's compiled ``ndtri`` (``cython_special``'s, the ufunc's C function)."""
    from numba.extending import get_cython_function_address

    return int(get_cython_function_address("scipy.special.cython_special", "ndtri"))


def _given_steps(p, taken):  # pragma: no cover - compiled by _compile_draws()
    """``population._given``: a cause's chance among those still there, clipped (NaN kept)."""
    rest = 1.0 - taken
    share = p / rest if rest > 0.0 else 1.0
    return _clip01(share)


def _clip_steps(x):  # pragma: no cover - compiled by _compile_draws()
    """np.clip(x, 0.0, 1.0), NaN kept."""
    if not (np.isnan(x) or x > 0.0):
        x = 0.0
    if not (np.isnan(x) or x < 1.0):
        x = 1.0
    return x


def _binomial_draw(ui, ni, pi, exact_mean, ndtri):  # pragma: no cover - compiled by _compile_draws()
    """One Binomial(ni, clip(pi)) count: by inversion, or where the mean is large by the normal one."""
    pi = _clip01(pi)
    if ni <= 0 or pi == 0.0:  # nobody there, or no chance: nobody leaves (P(X = 0) = 1 exactly)
        return 0
    q = 1.0 - pi
    first = _no_event(q, ni)
    if not (ni * pi <= exact_mean and first > 0.0):
        mean = ni * pi
        x = np.floor(mean + np.sqrt(mean * (1.0 - pi)) * _call_double(ndtri, ui) + 0.5)
        if not (np.isnan(x) or x > 0.0):
            x = 0.0
        if not (np.isnan(x) or x < ni):
            x = np.float64(ni)
        return np.int64(x)
    return _binomial_walk(ui, ni, pi / q, first) if ui > first else 0


def _poisson_draw(ui, li, fi, exact_mean, ndtri):  # pragma: no cover - compiled by _compile_draws()
    """One Poisson(li) count from P(X = 0) = fi, by inversion or the normal approximation."""
    if not li <= exact_mean:
        x = np.floor(li + np.sqrt(li) * _call_double(ndtri, ui) + 0.5)
        return np.int64(x if (x >= 0.0 or np.isnan(x)) else 0.0)
    return _poisson_walk(ui, li, fi) if ui > fi else 0


def _population_month(youth, u, lam, first, chances, age, exact_mean, ndtri, states,
                      flows):  # pragma: no cover - compiled by population_month()
    new, long, housed = states[0], states[1], states[2]
    rows, _, cells, bands = youth.shape
    aged = np.empty((3, bands), np.int64)  # this cell's ageing by band: new, long, housed
    for r in range(rows):
        x_new, x_long, x_back, to_long_p = chances[r, 0], chances[r, 1], chances[r, 2], chances[r, 3]
        for m in range(cells):
            for b in range(bands):
                ur = u[r, :, m, b]
                n0, l0, h0 = youth[r, new, m, b], youth[r, long, m, b], youth[r, housed, m, b]
                inflow = _poisson_one(ur[0], lam[r, m, b], first[r, m, b], exact_mean, ndtri)
                exit_new = _binomial_one(ur[1], n0, x_new, exact_mean, ndtri)
                age_new = _binomial_one(ur[2], n0 - exit_new, _given_chance(age[b], x_new), exact_mean,
                                        ndtri)
                to_long = _binomial_one(ur[3], n0 - exit_new - age_new,
                                        _given_chance(to_long_p, x_new + age[b]), exact_mean, ndtri)
                exit_long = _binomial_one(ur[4], l0, x_long, exact_mean, ndtri)
                age_long = _binomial_one(ur[5], l0 - exit_long, _given_chance(age[b], x_long),
                                         exact_mean, ndtri)
                back = _binomial_one(ur[6], h0, x_back, exact_mean, ndtri)
                age_housed = _binomial_one(ur[7], h0 - back, _given_chance(age[b], x_back), exact_mean,
                                           ndtri)
                aged[0, b], aged[1, b], aged[2, b] = age_new, age_long, age_housed
                youth[r, new, m, b] = n0 + inflow + back - exit_new - age_new - to_long
                youth[r, long, m, b] = l0 + to_long - exit_long - age_long
                youth[r, housed, m, b] = h0 - back - age_housed
                flows[r, 0, m, b], flows[r, 1, m, b], flows[r, 2, m, b] = inflow, exit_new, exit_long
                flows[r, 3, m, b], flows[r, 6, m, b] = to_long, back
                flows[r, 4, m, b] = age_new + age_long if b == 0 else 0  # aged up: 18-24 -> 25-29
                flows[r, 5, m, b] = age_new + age_long if b == 1 else 0  # aged out: 25-29 -> 30
            # the younger band's ageing arrives in the older one, after both bands drew
            youth[r, new, m, 1] += aged[0, 0]
            youth[r, long, m, 1] += aged[1, 0]
            youth[r, housed, m, 1] += aged[2, 0]


def _housing_month(youth, u, at, chances, age, bound, cap, flats, vacancy, ordinary, order, states, roles,
                   ndtri, unbounded, exact_mean, flows, free, used, housed_by, homes,
                   flats_let):  # pragma: no cover - compiled by housing_month()
    kinds, cells = bound.shape[1], youth.shape[2]
    placed = np.empty((kinds, cells, youth.shape[3]), np.int64)  # a replicate's stays after leavers
    for r in range(len(youth)):
        _stays(youth, u, at, chances, age, cap, states, ndtri, exact_mean, flows, placed, r)
        for m in range(cells):
            _fills(youth, u, at, chances, bound, cap, flats, vacancy, ordinary, order, states, roles,
                   ndtri, unbounded, exact_mean, flows, free, used, placed, r, m)
        _month_end(youth, states, flows, placed, used, housed_by, homes, flats_let, r)


def _stay_steps(youth, u, at, chances, age, cap, states, ndtri, exact_mean, flows, placed,
                r):  # pragma: no cover - compiled by housing_month()
    """Replicate r's stays age, then end by chance, and any excess over the places ends too (a
    failed pilot's; the younger band first): ``placed`` is who stays, flows get the leavers."""
    kinds, cells = placed.shape[0], placed.shape[1]
    for k in range(kinds):
        for m in range(cells):
            p0, p1 = youth[r, states[k], m, 0], youth[r, states[k], m, 1]
            a0 = _binomial_one(u[r, at[0] + k, m, 0], p0, age[0], exact_mean, ndtri)
            a1 = _binomial_one(u[r, at[0] + k, m, 1], p1, age[1], exact_mean, ndtri)
            flows[r, 2 * kinds + k, m, 0], flows[r, 3 * kinds + k, m, 1] = a0, a1  # aged up, aged out
            p0, p1 = p0 - a0, p1 + a0 - a1
            l0 = _binomial_one(u[r, at[1] + k, m, 0], p0, chances[r, 0, k], exact_mean, ndtri)
            l1 = _binomial_one(u[r, at[1] + k, m, 1], p1, chances[r, 0, k], exact_mean, ndtri)
            over = max(p0 + p1 - (l0 + l1) - cap[r, k, m], 0)
            young = min(over, p0 - l0)
            l0, l1 = l0 + young, l1 + min(over - young, p1 - l1)
            placed[k, m, 0], placed[k, m, 1] = p0 - l0, p1 - l1
            flows[r, kinds + k, m, 0], flows[r, kinds + k, m, 1] = l0, l1


def _fill_steps(youth, u, at, chances, bound, cap, flats, vacancy, ordinary, order, states, roles,
                ndtri, unbounded, exact_mean, flows, free, used, placed, r,
                m):  # pragma: no cover - compiled by housing_month()
    """Cell (r, m): the month's vacancies after ordinary exits took theirs, host-home leavers'
    flats (the younger first; without one, homeless again), then each type's fills in turn from
    the homeless the types before it left, Housing First only as far as flats allow."""
    kinds, host, housing_first = placed.shape[0], roles[0], roles[1]
    new, long = states[kinds], states[kinds + 1]
    vacant = np.int64(np.floor(flats[r, m] * vacancy[r, 0] + u[r, at[3], m, 0]))
    exits = (ordinary[r, 1, m, 0] + ordinary[r, 2, m, 0]) + (ordinary[r, 1, m, 1] + ordinary[r, 2, m, 1])
    taken = np.int64(np.floor(exits * vacancy[r, 1] + u[r, at[4], m, 0]))
    f = max(vacant - taken, 0) if vacancy[r, 2] > 0 else unbounded
    l0, l1 = flows[r, kinds + host, m, 0], flows[r, kinds + host, m, 1]
    t0 = min(l0 + l1, f, l0)
    t1 = min(min(l0 + l1, f) - t0, l1)
    free[r, m], used[r, m] = f, 0
    f -= t0 + t1
    flows[r, kinds + host, m, 0], flows[r, kinds + host, m, 1] = t0, t1  # moved on: those with a flat
    flows[r, 4 * kinds, m, 0], flows[r, 4 * kinds, m, 1] = l0 - t0, l1 - t1
    youth[r, new, m, 0] += l0 - t0
    youth[r, new, m, 1] += l1 - t1
    for k in range(kinds):
        a = (youth[r, new, m, 0] + youth[r, new, m, 1]) + (youth[r, long, m, 0] + youth[r, long, m, 1])
        room = max(cap[r, k, m] - (placed[k, m, 0] + placed[k, m, 1]), 0) if bound[r, k] else a
        w = _binomial_one(u[r, at[2] + k, m, 0], room, chances[r, 1, k], exact_mean, ndtri)
        if k == housing_first:  # a flat for each
            w = min(w, f - used[r, m])
        rest = min(w, a)
        for i in range(order.shape[1]):
            state, band = order[k, i, 0], order[k, i, 1]
            t = min(rest, youth[r, state, m, band])
            rest -= t
            youth[r, state, m, band] -= t
            flows[r, k, m, band] += t
        if k == housing_first:
            used[r, m] += min(w, a)
    used[r, m] += t0 + t1


def _end_steps(youth, states, flows, placed, used, housed_by, homes, flats_let,
               r):  # pragma: no cover - compiled by housing_month()
    """Replicate r's month end: the stays are who stayed and who entered, who moved on is housed,
    and the cumulative counts grow (by type, in all, and flats let)."""
    kinds, cells, bands = placed.shape
    total, let = 0, 0
    for k in range(kinds):
        by_type = 0
        for m in range(cells):
            for b in range(bands):
                youth[r, states[k], m, b] = placed[k, m, b] + flows[r, k, m, b]
                by_type += flows[r, k, m, b]
        housed_by[r, k] += by_type
        total += by_type
    homes[r] += total
    for m in range(cells):
        for b in range(bands):
            on = flows[r, kinds, m, b]
            for k in range(1, kinds):
                on += flows[r, kinds + k, m, b]
            youth[r, states[kinds + 2], m, b] += on
        let += used[r, m]
    flats_let[r] += let


@functools.cache
def adoption_draws() -> Any:
    """``draws(run, sizes, denmark, imitation, seen, lifts, switch, eligible, adopters, funded, u, at,
    chances, exact_mean, ndtri, own, lifted, stops, ends)``: ``municipalities.adopt``'s month of
    draws, each cell's chances as ``municipalities.chances`` computes them.

    ``run`` (R, types, M): municipalities running each type; ``sizes`` (M,); ``imitation`` and
    ``switch`` (R, types); ``seen`` (R,); ``lifts`` (R, 2, M): without and with financing help;
    ``eligible``, ``adopters`` and ``funded`` (R, types, M); ``u`` (R, purposes, M, B): the
    solutions' uniforms, ``at`` where the first type's adopt, stop and expire purposes start;
    ``chances`` (R, 2, types): stopping and a funded start's ending. Writes the four (R, types, M).
    """
    _compile_draws()
    return _accel._jit()(_adoption_draws)


def _adoption_draws(run, sizes, denmark, imitation, seen, lifts, switch, eligible, adopters, funded, u,
                    at, chances, exact_mean, ndtri, own, lifted, stops,
                    ends):  # pragma: no cover - compiled by adoption_draws()
    rows, kinds, cells = run.shape
    for r in range(rows):
        for k in range(kinds):
            total = 0
            for m in range(cells):
                total += run[r, k, m]
            for m in range(cells):
                mine = run[r, k, m] if sizes[m] == 1 else 0  # a cell of one does not see itself
                seen_elsewhere = imitation[r, k] * ((total - mine) / denmark) * seen[r]
                alone = _clip01(seen_elsewhere * lifts[r, 0, m] * switch[r, k])
                helped = _clip01(seen_elsewhere * lifts[r, 1, m] * switch[r, k])
                n, ua = eligible[r, k, m], u[r, at[0] + k, m, 0]
                own[r, k, m] = _binomial_one(ua, n, alone, exact_mean, ndtri)
                lifted[r, k, m] = _binomial_one(ua, n, helped, exact_mean, ndtri)
                stops[r, k, m] = _binomial_one(u[r, at[1] + k, m, 0], adopters[r, k, m] - funded[r, k, m],
                                               chances[r, 0, k], exact_mean, ndtri)
                ends[r, k, m] = _binomial_one(u[r, at[2] + k, m, 0], funded[r, k, m], chances[r, 1, k],
                                              exact_mean, ndtri)

"""Municipalities as actors (seed §7): they hold the legal authority, and they adopt solutions.

Each cell of the world is one municipality or a group of them (``vocabulary.MUNICIPALITY_SIZES``).
For each solution type, some of a cell's municipalities have adopted it: they run it themselves,
with places of their own (a running initiative's units; Housing First with the municipality's own
support workers). A municipality that has not adopts with a monthly chance that reads state, a
diffusion (Rogers; Bass 1969): it imitates the share of Denmark's municipalities that run the type
elsewhere, seen as far as the alliance makes its results visible (seed §7: "other municipalities
join when they see a solution work elsewhere and financing help is offered"). Financing help (the
development pool while its budget lasts, or a dated financing programme), the secretariat's
local-alliance work and being a partner raise the chance; regulatory barriers lower it. The pool
pays a start-up grant to each new adopter while its budget lasts (a dated programme pays for all);
a funded start runs ``funded_months`` on average, and an adopter whose funding has ended stops the
solution at ``stop_rate`` a month.
"""

from __future__ import annotations

import numpy as np

from . import _accel
from .arrays import Array, Codes, Mask
from .month import MonthContext
from .parameters import Params
from .solutions import SIZES, adopter_places, counted, each_municipality
from .state import State
from .streams import SOLUTION_PURPOSES
from .vocabulary import BANDS, MUNICIPALITIES, SOLUTIONS
from .world import compiled
from .world.sampling import EXACT_MEAN, binomial

DENMARK = int(SIZES.sum())  # 98
_U = {name: k for k, name in enumerate(SOLUTION_PURPOSES)}


def running(s: State) -> Codes:
    """(R, types, M) municipalities running each type: adopters, and an initiative's site (which
    counts once, and not beyond the cell's size)."""
    sites = (counted(s) > 0).astype(np.int64)
    return np.minimum(s.adopters + np.where(s.adopters > 0, 0, sites), SIZES)


def programme(p: Params, m: MonthContext) -> Mask:
    """(R,) a dated financing programme (outside money, a scenario's event) is in force."""
    q = p.adoption
    return np.asarray((m.reached(q.financing_start) & ~m.reached(q.financing_end))[:, 0])


def financed(s: State, p: Params, m: MonthContext) -> Mask:
    """(R,) financing help is offered: a dated programme is in force, or the development pool can
    still pay a start-up grant."""
    return programme(p, m) | (s.pool_budget >= p.adoption.startup_grant_mdkk[:, 0])


def partner_share(s: State) -> Array:
    """(R, M) the share of each cell's municipalities that are active partners of the alliance."""
    R, M = len(s.stage), len(MUNICIPALITIES)
    mine = s.active & (s.partner_cell >= 0)
    cell = np.arange(R)[:, None] * M + np.maximum(s.partner_cell, 0)
    n = np.bincount(cell[mine], minlength=R * M).reshape(R, M)
    return np.minimum(n / SIZES, 1.0)


def chance(s: State, p: Params, m: MonthContext, local_alliances_fte: Array,
           with_financing: bool = True) -> Array:
    """(R, types, M) a non-adopting municipality's chance to adopt each type this month (without
    the financing lift: the chance of those who would adopt on their own money)."""
    return chances(s, p, m, local_alliances_fte, (with_financing,))[0]


def chances(s: State, p: Params, m: MonthContext, local_alliances_fte: Array,
            financing: tuple[bool, ...]) -> list[Array]:
    """``chance`` with and/or without the financing lift, one for each of ``financing``: what
    does not depend on the lift (running, partners, readiness) is computed once for all."""
    run, seen = running(s), _seen(s)
    # a non-adopter sees every municipality running the type but itself: in a cell of one, that cell
    # (it may host the alliance's initiative); in the grouped rest, all of them, its neighbours too
    own = np.where(SIZES == 1, run, 0)
    elsewhere = (run.sum(axis=2, keepdims=True) - own) / DENMARK
    seen_elsewhere = p.adoption.imitation[:, :, None] * elsewhere * seen[:, None, None]
    switch = p.mechanisms.adoption_diffusion[:, :, None]
    return [np.clip(seen_elsewhere * lift[:, None, :] * switch, 0.0, 1.0)
            for lift in _lifts(s, p, m, local_alliances_fte, financing)]


def _seen(s: State) -> Array:
    """(R,) the share of the alliance's results that are visible (0 before any)."""
    shown = s.visible + s.unshown
    return np.divide(s.visible, shown, out=np.zeros(len(s.visible)), where=shown > 0)


def _lifts(s: State, p: Params, m: MonthContext, local_alliances_fte: Array,
           financing: tuple[bool, ...]) -> list[Array]:
    """(R, M) what multiplies imitation, one for each of ``financing``: financing help (if
    counted), local-alliance work, barriers, partners and the municipality's readiness."""
    q = p.adoption
    readiness = np.concatenate([c.readiness for c in each_municipality(p)], axis=1)  # (R, M)
    help_on = financed(s, p, m)[:, None]
    local = 1.0 + q.local_alliance_boost * local_alliances_fte[:, None]
    barrier = 1.0 - q.barrier_weight * s.barrier[:, None]
    partners = 1.0 + q.partner_boost * partner_share(s)
    # each product in the order of the one formula, for its bits
    return [(1.0 + q.financing_boost * help_on * with_financing) * local * barrier * partners * readiness
            for with_financing in financing]


def adopt(s: State, p: Params, m: MonthContext, local_alliances_fte: Array) -> None:
    """The month's adoptions, funding that ends and stops, whole municipalities (solutions' stream).

    Only adopters whose funding has ended stop; a funded start (a pool grant or a dated programme)
    runs for ``funded_months`` on average, then the municipality carries the solution alone.
    """
    if m.solutions is None:
        return
    u = m.solutions.reshape(len(s.stage), len(SOLUTION_PURPOSES), len(MUNICIPALITIES), len(BANDS))
    switch = p.mechanisms.adoption_diffusion
    eligible, draws = SIZES - s.adopters, _draws(u, "adopt")
    stopping, ending = p.adoption.stop_rate * switch, switch / p.adoption.funded_months
    if _accel.use(len(s.stage)):
        own, lifted, stops, ends = _draws_compiled(s, p, m, local_alliances_fte, u, eligible,
                                                   (stopping, ending))
    else:
        # the same uniforms with and without the financing lift (inversion: own <= lifted): the
        # lift's extra adopters are those financing brings, and only as many as are paid for adopt
        alone, helped = chances(s, p, m, local_alliances_fte, (False, True))
        own = binomial(draws, eligible, alone)
        lifted = binomial(draws, eligible, helped)
        stops = binomial(_draws(u, "stop"), s.adopters - s.funded_adopters, stopping[:, :, None])
        ends = binomial(_draws(u, "expire"), s.funded_adopters, ending[:, :, None])
    funded = _pay_grants(s, p, m, lifted - own, draws)
    s.funded_adopters += funded - ends
    s.adopters += own + funded - stops
    s.municipal_places[:] = s.adopters * adopter_places(p)


def _draws_compiled(s: State, p: Params, m: MonthContext, local_alliances_fte: Array, u: Array,
                    eligible: Codes, chances: tuple[Array, Array]) -> tuple[Codes, ...]:
    """``adopt``'s four draws and the chances behind them in one compiled pass a replicate at a time
    (``world.compiled.adoption_draws``), with ``chances``' arithmetic: the same counts."""
    out = tuple(np.empty_like(eligible) for _ in range(4))
    by_type = eligible.shape[:2]  # (R, types): a parameter may be one for all types

    def each(x: Array) -> Array:
        return np.ascontiguousarray(np.broadcast_to(x, by_type))

    lifts = np.stack(_lifts(s, p, m, local_alliances_fte, (False, True)), axis=1)
    compiled.adoption_draws()(running(s), SIZES, DENMARK, each(p.adoption.imitation), _seen(s), lifts,
                              each(p.mechanisms.adoption_diffusion), eligible, s.adopters,
                              s.funded_adopters, u, _AT, np.stack([each(c) for c in chances], axis=1),
                              EXACT_MEAN, compiled.ndtri_address(), *out)
    return out


#: Where the compiled draws find their uniforms: the first type's adopt, stop and expire purposes.
_AT = np.array([_U[f"{kind}_{SOLUTIONS[0]}"] for kind in ("adopt", "stop", "expire")], dtype=np.int64)


def _draws(u: Array, kind: str) -> Array:
    first = _U[f"{kind}_{SOLUTIONS[0]}"]
    return u[:, first : first + len(SOLUTIONS), :, 0]


def _pay_grants(s: State, p: Params, m: MonthContext, new: Codes, tie: Array) -> Codes:
    """(R, types, M) the adopters financing brings whose start is paid: under a dated programme all
    of them (outside money); else as many as the pool's budget pays a start-up grant, shared pro
    rata over types and municipalities, in whole grants. Money is counted: each grant leaves the
    pool's budget. ``tie`` (R, types, M) uniforms break ties between equal remainders, so that no
    type or municipality is first by its place in a list."""
    grant = p.adoption.startup_grant_mdkk[:, 0]
    affordable = np.floor(s.pool_budget / grant + 1e-9)
    flat = new.reshape(len(new), -1)
    wanted = flat.sum(axis=1)
    share = np.minimum(1.0, np.divide(affordable, wanted, out=np.ones(len(new)), where=wanted > 0))
    exact = flat * share[:, None]
    paid = np.floor(exact + 1e-9).astype(np.int64)  # pro rata in whole grants, then the remainders
    left = np.minimum(affordable, wanted).astype(np.int64) - paid.sum(axis=1)
    short = np.flatnonzero(left > 0)  # rows where a remainder gets a grant: most months, none
    if short.size:
        key = -(exact[short] - paid[short]) - 1e-9 * tie.reshape(len(new), -1)[short]
        rank = np.argsort(np.argsort(key, axis=1, kind="stable"), axis=1, kind="stable")
        paid[short] += rank < left[short, None]
    paid = paid.reshape(new.shape)
    outside = programme(p, m)
    s.pool_budget -= np.where(outside, 0, paid.sum(axis=(1, 2))) * grant
    return np.where(outside[:, None, None], new, paid)

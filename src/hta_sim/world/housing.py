"""The alliance's solutions in the world: stays, cheap flats and who is housed, in whole young people.

Each month, in each municipality and age band: the young people in a solution age; stays end (and a
solution over its places, after a pilot failed, lets the excess go); the month's cheap-flat vacancies
go first to ordinary exits from homelessness and the rest to the alliance (seed §1: cheap housing
is the binding constraint); a host home's leavers need a flat of their own, and without one they are
homeless again; then each type fills free places from the municipality's homeless, Housing First only
as far as flats allow. Every count moves from one compartment to another, never created or lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _accel, solutions
from ..arrays import Array, Codes, Mask
from ..month import MonthContext
from ..parameters import Params
from ..state import State
from ..streams import SOLUTION_PURPOSES
from ..vocabulary import BANDS, MUNICIPALITIES, SOLUTIONS, YOUTH_STATES
from . import compiled, evidence
from .population import AGEING, HOUSED, LONG, NEW, OLDER, YOUNGER, MonthFlows, _older
from .sampling import EXACT_MEAN, binomial, poisson

PLACED = [YOUTH_STATES.index(t) for t in SOLUTIONS]  # the youth states of the solutions, in order
DORMITORY, HOST_HOME, HOUSING_FIRST = range(len(SOLUTIONS))
_U = {name: k for k, name in enumerate(SOLUTION_PURPOSES)}
#: Flows of the solutions each month, (replicate, flow, municipality, band).
FLOWS = (*(f"entered_{t}" for t in SOLUTIONS), *(f"moved_on_{t}" for t in SOLUTIONS),
         *(f"aged_up_{t}" for t in SOLUTIONS), *(f"aged_out_{t}" for t in SOLUTIONS), "host_unhoused")
#: Where each type takes young people from first (state, band): the dormitory and host homes take
#: the newly homeless and the younger first; Housing First the long-term homeless and older first.
PRIORITY = {DORMITORY: ((NEW, YOUNGER), (NEW, OLDER), (LONG, YOUNGER), (LONG, OLDER)),
            HOST_HOME: ((NEW, YOUNGER), (NEW, OLDER), (LONG, YOUNGER), (LONG, OLDER)),
            HOUSING_FIRST: ((LONG, OLDER), (LONG, YOUNGER), (NEW, OLDER), (NEW, YOUNGER))}


@dataclass(frozen=True)
class HousingFlows:
    """One month's flows of the solutions, each (R, types, municipality, band) but ``unhoused``."""

    entered: Codes  # from homelessness into a solution
    moved_on: Codes  # out of a solution into a home of one's own (housed)
    aged_up: Codes  # 18-24 -> 25-29, in the solution
    aged_out: Codes  # 25-29 -> 30: leaves the count, from the solution
    unhoused: Codes  # (R, municipality, band) host-home leavers with no flat: homeless again
    flats_used: Codes  # (R, municipality) cheap flats let through the solutions
    whole: Codes | None = None  # (R, FLOWS, municipality, band): the fields' memory, where one array

    def stacked(self) -> Codes:
        if self.whole is not None:  # the compiled month wrote its flows in place: no copy to make
            return self.whole
        per_type = [getattr(self, f)[:, k] for f in ("entered", "moved_on", "aged_up", "aged_out")
                    for k in range(len(SOLUTIONS))]
        return np.stack([*per_type, self.unhoused], axis=1)


def initial_flats(p: Params) -> Codes:
    """(R, municipalities) the stock of cheap youth flats, split as the homeless are, whole."""
    return split(p.flats.stock[:, 0], evidence.municipality_shares())


def split(total: Array, shares: Array) -> Codes:
    """Whole parts of each row's ``total`` in proportion to ``shares``; the last part takes the rest."""
    whole = np.rint(total).astype(np.int64)
    parts = np.floor(whole[:, None] * shares[None, :] + 1e-9).astype(np.int64)
    parts[:, -1] += whole - parts.sum(axis=1)
    return parts


def widen(s: State, p: Params, m: MonthContext, public_affairs_fte: Array) -> None:
    """Public-affairs work wins cheap flats (whole, a Poisson number a month), and a dated housing
    programme adds its flats on its date (seed §4: public affairs; §1: more cheap housing)."""
    if m.solutions is None:
        return
    u = _uniforms(m)[:, _U["widened"], :, YOUNGER]
    rate = p.flats.public_affairs_flats_per_fte_year[:, 0] * public_affairs_fte / 12.0
    s.flats += poisson(u, rate[:, None] * evidence.municipality_shares()[None, :])
    due: Mask = np.asarray(m.step == p.flats.programme_date[:, 0])
    if due.any():
        s.flats += split(np.where(due, p.flats.programme_flats[:, 0], 0.0), evidence.municipality_shares())


def month(youth: Codes, s: State, p: Params, m: MonthContext, ordinary: MonthFlows) -> HousingFlows:
    """The solutions' month in place on ``youth``; ``ordinary``: the month's ordinary flows."""
    u = _uniforms(m)
    cap = solutions.capacity(s, p)  # the places the month starts with: nothing here changes them
    if _accel.use(len(youth)):
        return _month_compiled(youth, s, p, u, cap, ordinary)
    placed = youth[:, PLACED].copy()  # (R, types, M, B)
    aged = binomial(u[:, _slice("age")], placed, AGEING[None, None, None, :])
    placed += _older(aged) - aged
    leaving = _leavers(u, placed, cap, p)
    placed -= leaving
    free = _vacancies(s, p, u, ordinary)
    s.flats_free[:] = free
    to_flat = _by_band(np.minimum(leaving[:, HOST_HOME].sum(axis=-1), free), leaving[:, HOST_HOME])
    free = free - to_flat.sum(axis=-1)
    moved_on = leaving.copy()
    moved_on[:, HOST_HOME] = to_flat
    unhoused = leaving[:, HOST_HOME] - to_flat
    youth[:, NEW] += unhoused
    entered, used = _enter(youth, placed, cap, free, u, p)
    youth[:, PLACED] = placed + entered
    youth[:, HOUSED] += moved_on.sum(axis=1)
    s.housed_by += entered.sum(axis=(2, 3))
    s.homes += entered.sum(axis=(1, 2, 3))
    s.flats_let += (to_flat.sum(axis=-1) + used).sum(axis=-1)
    aged_up = np.zeros_like(aged)
    aged_up[..., YOUNGER] = aged[..., YOUNGER]
    aged_out = np.zeros_like(aged)
    aged_out[..., OLDER] = aged[..., OLDER]
    return HousingFlows(entered=entered, moved_on=moved_on, aged_up=aged_up, aged_out=aged_out,
                        unhoused=unhoused, flats_used=to_flat.sum(axis=-1) + used)


def _month_compiled(youth: Codes, s: State, p: Params, u: Array, cap: Codes,
                    ordinary: MonthFlows) -> HousingFlows:
    """As ``month``, in one compiled pass (``compiled.housing_month``) a replicate at a time: the
    same draws in the same order on each cell, and the same whole-number steps, so the same counts.
    Wide batches otherwise spend their time on many small (type, municipality, band) arrays."""
    R, M, B = len(youth), len(MUNICIPALITIES), len(BANDS)
    flows = np.zeros((R, len(FLOWS), M, B), dtype=np.int64)
    kinds = solutions.types(p)
    stay = np.concatenate([t.stay_months for t in kinds], axis=1)
    chances = np.stack([1.0 / stay, np.concatenate([t.fill_rate for t in kinds], axis=1)], axis=1)
    q = p.flats
    vacancy = np.concatenate([q.turnover, q.ordinary_share, p.mechanisms.housing_constraint], axis=1)
    bound = solutions.capacity_switches(p) > 0
    free, used = np.empty((R, M), dtype=np.int64), np.empty((R, M), dtype=np.int64)
    assert ordinary.whole is not None  # the compiled ordinary month's flows, (R, FLOWS, M, B)
    compiled.housing_month()(youth, u, _AT, chances, AGEING, bound, cap, s.flats, vacancy, ordinary.whole,
                             _ORDER, _STATES, _ROLES, compiled.ndtri_address(), solutions.UNBOUNDED,
                             EXACT_MEAN, flows, free, used, s.housed_by, s.homes, s.flats_let)
    s.flats_free[:] = free
    T = len(SOLUTIONS)
    return HousingFlows(entered=flows[:, :T], moved_on=flows[:, T:2 * T], aged_up=flows[:, 2 * T:3 * T],
                        aged_out=flows[:, 3 * T:4 * T], unhoused=flows[:, 4 * T], flats_used=used,
                        whole=flows)


#: PRIORITY and PLACED as the compiled passes take them: (types, 4 compartments, (state, band)).
_ORDER = np.array([PRIORITY[k] for k in range(len(SOLUTIONS))], dtype=np.int64)
_STATES = np.array([*PLACED, NEW, LONG, HOUSED], dtype=np.int64)
_ROLES = np.array([HOST_HOME, HOUSING_FIRST], dtype=np.int64)  # leavers need a flat; entrants do
#: Where the compiled month finds its uniforms: the first type's ageing, leaving and filling, then
#: the vacancies and the ordinary exits' flats.
_AT = np.array([_U[f"{kind}_{SOLUTIONS[0]}"] for kind in ("age", "leave", "fill")] + [_U["vacancies"],
               _U["ordinary"]], dtype=np.int64)


def _uniforms(m: MonthContext) -> Array:
    assert m.solutions is not None
    return m.solutions.reshape(len(m.solutions), len(SOLUTION_PURPOSES), len(MUNICIPALITIES), len(BANDS))


def _slice(kind: str) -> slice:
    first = _U[f"{kind}_{SOLUTIONS[0]}"]
    return slice(first, first + len(SOLUTIONS))


def _leavers(u: Array, placed: Codes, cap: Codes, p: Params) -> Codes:
    """(R, types, M, B) stays that end: by chance, and any excess over the places (a pilot failed)."""
    stay = np.concatenate([t.stay_months for t in solutions.types(p)], axis=1)[:, :, None, None]
    leaving = binomial(u[:, _slice("leave")], placed, 1.0 / stay)
    over = np.maximum(placed.sum(axis=-1) - leaving.sum(axis=-1) - cap, 0)
    return leaving + _by_band(over, placed - leaving)


def _vacancies(s: State, p: Params, u: Array, ordinary: MonthFlows) -> Codes:
    """(R, M) the month's cheap-flat vacancies left to the alliance after ordinary exits took theirs.

    Both are the expected number, rounded up or down by chance (so that more flats never means
    fewer vacancies). With the housing constraint off, flats never run short.
    """
    q = p.flats
    vacant = np.floor(s.flats * q.turnover + u[:, _U["vacancies"], :, YOUNGER]).astype(np.int64)
    exits = (ordinary.exit_new + ordinary.exit_long).sum(axis=-1)
    taken = np.floor(exits * q.ordinary_share + u[:, _U["ordinary"], :, YOUNGER]).astype(np.int64)
    left = np.maximum(vacant - taken, 0)
    return np.where(p.mechanisms.housing_constraint > 0, left, solutions.UNBOUNDED)


def _enter(youth: Codes, placed: Codes, cap: Codes, free: Codes, u: Array,
           p: Params) -> tuple[Codes, Codes]:
    """Each type in turn fills free places from the municipality's homeless; Housing First needs a
    flat for each. Returns who entered (R, types, M, B) and the flats it used (R, M)."""
    entered = np.zeros_like(placed)
    used = np.zeros_like(free)
    for k, t in enumerate(solutions.types(p)):
        available = youth[:, NEW].sum(axis=-1) + youth[:, LONG].sum(axis=-1)
        bound = solutions.capacity_switches(p)[:, k, None] > 0
        room = np.where(bound, np.maximum(cap[:, k] - placed[:, k].sum(axis=-1), 0), available)
        wanted = binomial(u[:, _U[f"fill_{SOLUTIONS[k]}"], :, YOUNGER], room, t.fill_rate)
        if k == HOUSING_FIRST:
            wanted = np.minimum(wanted, free - used)
        n = np.minimum(wanted, available)
        taken = _take(n, youth, PRIORITY[k])
        youth -= taken
        entered[:, k] = taken[:, NEW] + taken[:, LONG]
        if k == HOUSING_FIRST:
            used += n
    return entered, used


def _by_band(n: Codes, pools: Codes) -> Codes:
    """Take ``n`` (...) from ``pools`` (..., bands), the younger band first; shaped as ``pools``."""
    young = np.minimum(n, pools[..., YOUNGER])
    return np.stack([young, np.minimum(n - young, pools[..., OLDER])], axis=-1)


def _take(n: Codes, pools: Codes, order: tuple[tuple[int, int], ...]) -> Codes:
    """Take ``n`` (R, M) from ``pools`` (R, states, M, B), compartment by compartment in ``order``
    (state, band) until taken; returns what was taken from each, shaped as ``pools``.

    Deterministic and exact: never more than a compartment holds, never more than n in all.
    """
    taken = np.zeros_like(pools)
    rest = n.copy()
    for state, band in order:
        k = np.minimum(rest, pools[:, state, :, band])
        taken[:, state, :, band] = k
        rest -= k
    return taken

"""The alliance's solution types (seed §8): what an initiative is an instance of, and its places.

An initiative of a type recruits *units* (dormitories, hosts, support workers) up to the number its
stage calls for; its places are its units' places, whole. Capacity is counted by type and by the
municipality the initiative runs in (its site), and the world's young people fill it
(``world.housing``). Places cost money each month, whether filled or not.
"""

from __future__ import annotations

import numpy as np

from . import _accel
from .arrays import Array, Codes
from .parameters import MunicipalityValues, Params, SolutionValues
from .state import State
from .vocabulary import MUNICIPALITIES, MUNICIPALITY_SIZES, SOLUTIONS, STAGE, STAGES

DORMITORY, HOST_HOME, HOUSING_FIRST = range(len(SOLUTIONS))
PILOT, RUNNING, SCALED = STAGE["pilot"], STAGE["running"], STAGE["scaled"]
#: Places nobody could fill: the capacity of a solution whose capacity mechanism is off.
UNBOUNDED = 10**9
SIZES = np.array(MUNICIPALITY_SIZES, dtype=np.int64)  # municipalities in each world cell


def types(p: Params) -> tuple[SolutionValues, ...]:
    """Each type's parameters, in the order of vocabulary.SOLUTIONS."""
    q = p.solutions
    return q.dormitory, q.host_home, q.housing_first


def each_municipality(p: Params) -> tuple[MunicipalityValues, ...]:
    """Each world cell's parameters, in the order of vocabulary.MUNICIPALITIES."""
    return tuple(getattr(p.municipalities, name) for name in MUNICIPALITIES)


def capacity_switches(p: Params) -> Array:
    """(R, types): 1.0 where the type's places bind (its capacity mechanism on)."""
    m = p.mechanisms
    return np.concatenate([m.dormitory_capacity, m.host_home_capacity, m.housing_first_capacity], axis=1)


def places_per_unit(p: Params) -> Array:
    """(R, types): a dormitory's reserved rooms, one place a host, a support worker's caseload."""
    d, h = p.solutions.dormitory, p.solutions.housing_first
    return np.concatenate([d.rooms_per_dormitory * d.reserved_share, np.ones_like(d.weight),
                           h.caseload], axis=1)


def cost_per_place_month(p: Params) -> Array:
    """(R, types) DKK a place costs a month (stated assumptions, docs/ODD.md)."""
    q = p.solutions
    worker = q.housing_first.worker_cost_dkk_per_year / 12.0 / q.housing_first.caseload
    return np.concatenate([q.dormitory.cost_dkk_per_place_month, q.host_home.cost_dkk_per_place_month,
                           worker], axis=1)


def choose(p: Params, u: Array, municipality_shares: Array) -> tuple[Codes, Codes, Array]:
    """An idea's type (by the types' weights) and site (by the homeless's shares), from one uniform.

    The uniform picks the type; where it fell inside the type's interval, rescaled, it is again
    uniform and picks the site, and what is left, rescaled again, is a uniform for the next choice
    (a pooled proposal's), so one draw a month serves all and no stream changes layout.
    """
    weights = np.concatenate([t.weight for t in types(p)], axis=1)
    kind, rest = _pick(u, weights / weights.sum(axis=1, keepdims=True))
    site, left = _pick(rest, np.broadcast_to(municipality_shares, (len(u), len(MUNICIPALITIES))))
    return kind, site, left


def _pick(u: Array, shares: Array) -> tuple[Codes, Array]:
    """The category whose cumulative interval holds u (R,), and u's place inside it, rescaled."""
    if _accel.use(len(u)):  # one compiled pass: the same running sums and divisions
        kind, rest = np.empty(len(u), dtype=np.int64), np.empty(len(u))
        _accel.slots()[0](u, shares[:1] if _same_rows(shares) else shares, kind, rest)
        return kind, rest
    edges = np.cumsum(shares, axis=1)
    k = np.minimum(np.sum(edges <= u[:, None], axis=1), shares.shape[1] - 1)
    low = np.take_along_axis(edges, k[:, None], axis=1)[:, 0] - np.take_along_axis(shares, k[:, None],
                                                                                   axis=1)[:, 0]
    width = np.take_along_axis(shares, k[:, None], axis=1)[:, 0]
    rest = np.clip(np.divide(u - low, width, out=np.full(u.shape, 0.5), where=width > 0), 1e-12,
                   1.0 - 1e-12)
    return k.astype(np.int64), rest


def stage_units(s: State, p: Params) -> Array:
    """(R, K) the units each initiative's stage calls for: none as an idea, failed or empty.

    Looked up in a (R, type, stage) table by each slot's type and stage (every slot has a type):
    one gather instead of a pass over the slots for each type and stage, the same numbers.
    """
    out: Array = _stage_table(s, p)[np.arange(len(s.stage))[:, None], s.solution, s.stage]
    return out


def _stage_table(s: State, p: Params) -> Array:
    """(R, types, stages) the units each type's stage calls for."""
    table = np.zeros((len(s.stage), len(SOLUTIONS), len(STAGES)))
    for k, t in enumerate(types(p)):
        for stage, units in ((PILOT, t.units_pilot), (RUNNING, t.units_running), (SCALED, t.units_scaled)):
            table[:, k, stage] = units[:, 0]
    return table


def _same_rows(x: Array) -> bool:
    """Whether every row of ``x`` is its first (a broadcast row, as the municipalities' shares)."""
    return x.ndim == 2 and x.strides[0] == 0  # noqa: PLR2004 - (rows, columns)


def recruit(s: State, p: Params, pace: Array) -> None:
    """Initiatives recruit units towards their stage's number, as fast as resources allow (pace)."""
    per_month = np.concatenate([t.units_per_month for t in types(p)], axis=1)  # (R, types)
    if _accel.use(len(s.stage)):  # slot by slot, compiled: the same arithmetic
        _accel.slots()[1](per_month, _stage_table(s, p), places_per_unit(p), s.solution, s.stage,
                          np.ascontiguousarray(np.broadcast_to(pace, s.stage.shape)), s.units, s.places)
        return
    rate = np.take_along_axis(per_month, s.solution, axis=1)
    wanted = stage_units(s, p)
    s.units[:] = np.where(wanted > 0, np.minimum(wanted, s.units + rate * pace), 0.0)
    per = np.take_along_axis(places_per_unit(p), s.solution, axis=1)
    s.places[:] = np.floor(s.units * per + 1e-9).astype(np.int64)


def adopter_places(p: Params) -> Array:
    """(R, types, M) the places one adopting municipality runs: a running initiative's units' places;
    for Housing First, its own support workers' caseloads."""
    running = np.concatenate([t.units_running for t in types(p)], axis=1) * places_per_unit(p)
    per = np.floor(running + 1e-9)[:, :, None] * np.ones(len(MUNICIPALITIES))
    workers = np.concatenate([c.support_workers for c in each_municipality(p)], axis=1)  # (R, M)
    per[:, HOUSING_FIRST] = np.floor(workers * p.solutions.housing_first.caseload + 1e-9)
    return per


def capacity(s: State, p: Params) -> Codes:
    """(R, types, municipalities) places by type and municipality: the alliance's initiatives'
    and the adopting municipalities' own; UNBOUNDED where capacity is off."""
    return np.where(capacity_switches(p)[:, :, None] > 0, places_in_use(s), UNBOUNDED)


def places_in_use(s: State) -> Codes:
    """(R, types, municipalities) every place that runs: the initiatives' and the adopters' own."""
    return counted(s) + s.municipal_places


def counted(s: State) -> Codes:
    """(R, types, municipalities) the initiatives' places (``State.places``), by type and site."""
    R, T, M = len(s.stage), len(SOLUTIONS), len(MUNICIPALITIES)
    if _accel.use(R):  # a compiled pass over the slots: the same whole numbers, without the floats
        out = np.empty((R, T, M), dtype=np.int64)
        _accel.tallies()(s.solution, s.site, s.places, out)
        return out
    cell = (np.arange(R)[:, None] * T + s.solution) * M + s.site
    # whole places summed as floats: exact far beyond any count here, and bincount is one pass
    summed = np.bincount(cell.ravel(), weights=s.places.ravel(), minlength=R * T * M)
    return summed.reshape(R, T, M).astype(np.int64)


def monthly_cost(s: State, p: Params) -> Array:
    """(R,) MDKK the month's places cost: every place, filled or not."""
    per_type = np.sum(places_in_use(s), axis=2) * cost_per_place_month(p)
    return np.sum(per_type, axis=1) / 1e6

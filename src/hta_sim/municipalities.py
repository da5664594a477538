"""Municipalities as actors (seed §7): they hold the legal authority, and they adopt solutions.

Each cell of the world is one municipality or a group of them (``vocabulary.MUNICIPALITY_SIZES``).
For each solution type, some of a cell's municipalities have adopted it: they run it themselves,
with places of their own (a running initiative's units; Housing First with the municipality's own
support workers). A municipality that has not adopts with a monthly chance that reads state, a
diffusion (Rogers; Bass 1969): it imitates the share of Denmark's municipalities that run the type
elsewhere, seen as far as the alliance makes its results visible (seed §7: "other municipalities
join when they see a solution work elsewhere and financing help is offered"). Financing help (the
development pool while its budget lasts, or a dated financing programme), the secretariat's
local-alliance work and being a partner raise the chance; regulatory barriers lower it. Without
financing help an adopter stops the solution at ``stop_rate`` a month.
"""

from __future__ import annotations

import numpy as np

from .arrays import Array, Codes, Mask
from .month import MonthContext
from .parameters import Params
from .solutions import SIZES, adopter_places, counted, each_municipality
from .state import State
from .streams import SOLUTION_PURPOSES
from .vocabulary import BANDS, MUNICIPALITIES, SOLUTIONS
from .world.sampling import binomial

DENMARK = int(SIZES.sum())  # 98
_U = {name: k for k, name in enumerate(SOLUTION_PURPOSES)}


def running(s: State) -> Codes:
    """(R, types, M) municipalities running each type: adopters, and an initiative's site (which
    counts once, and not beyond the cell's size)."""
    sites = (counted(s) > 0).astype(np.int64)
    return np.minimum(s.adopters + np.where(s.adopters > 0, 0, sites), SIZES)


def financed(s: State, p: Params, m: MonthContext) -> Mask:
    """(R,) financing help is offered: the development pool has money left, or a dated financing
    programme is in force."""
    q = p.adoption
    window = m.reached(q.financing_start) & ~m.reached(q.financing_end)
    return np.asarray((s.pool_budget > 0.0) | window[:, 0])


def partner_share(s: State) -> Array:
    """(R, M) the share of each cell's municipalities that are active partners of the alliance."""
    R, M = len(s.stage), len(MUNICIPALITIES)
    mine = s.active & (s.partner_cell >= 0)
    cell = np.arange(R)[:, None] * M + np.maximum(s.partner_cell, 0)
    n = np.bincount(cell[mine], minlength=R * M).reshape(R, M)
    return np.minimum(n / SIZES, 1.0)


def chance(s: State, p: Params, m: MonthContext, local_alliances_fte: Array) -> Array:
    """(R, types, M) a non-adopting municipality's chance to adopt each type this month."""
    q = p.adoption
    run = running(s)
    # a non-adopter sees every municipality running the type but itself: in a cell of one, that cell
    # (it may host the alliance's initiative); in the grouped rest, all of them, its neighbours too
    own = np.where(SIZES == 1, run, 0)
    elsewhere = (run.sum(axis=2, keepdims=True) - own) / DENMARK
    seen = np.divide(s.visible, s.visible + s.unshown, out=np.zeros(len(s.visible)),
                     where=(s.visible + s.unshown) > 0)
    readiness = np.concatenate([c.readiness for c in each_municipality(p)], axis=1)  # (R, M)
    lift = (1.0 + q.financing_boost * financed(s, p, m)[:, None]) \
        * (1.0 + q.local_alliance_boost * local_alliances_fte[:, None]) \
        * (1.0 - q.barrier_weight * s.barrier[:, None]) \
        * (1.0 + q.partner_boost * partner_share(s)) * readiness  # (R, M)
    h = q.imitation[:, :, None] * elsewhere * seen[:, None, None] * lift[:, None, :]
    out: Array = np.clip(h * p.mechanisms.adoption_diffusion[:, :, None], 0.0, 1.0)
    return out


def adopt(s: State, p: Params, m: MonthContext, local_alliances_fte: Array) -> None:
    """The month's adoptions and stops, whole municipalities, from the solutions' stream."""
    if m.solutions is None:
        return
    u = m.solutions.reshape(len(s.stage), len(SOLUTION_PURPOSES), len(MUNICIPALITIES), len(BANDS))
    first = _U[f"adopt_{SOLUTIONS[0]}"]
    new = binomial(u[:, first : first + len(SOLUTIONS), :, 0], SIZES - s.adopters,
                   chance(s, p, m, local_alliances_fte))
    first = _U[f"stop_{SOLUTIONS[0]}"]
    unfunded = (~financed(s, p, m)).astype(float)[:, None, None]
    stop = p.adoption.stop_rate * p.mechanisms.adoption_diffusion
    stops = binomial(u[:, first : first + len(SOLUTIONS), :, 0], s.adopters, stop[:, :, None] * unfunded)
    s.adopters += new - stops
    s.municipal_places[:] = s.adopters * adopter_places(p)

"""Young people in the world, month by month: new spells, exits, the year mark, ageing and returns.

The stock is whole young people in compartments (replicate, state, municipality, band) with the
states of ``vocabulary.YOUTH_STATES``; every flow is a whole-number draw (``sampling``) out of the
compartment it leaves, so that no arithmetic creates or loses anyone. The order within a month is
fixed: each compartment's leavers are drawn one cause after another from those still there (exits,
then ageing, then the year mark), the joint draw of a multinomial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _accel
from ..arrays import Array, Codes
from ..calendar import MONTHS_A_YEAR
from ..month import MonthContext
from ..parameters import Params, choice_code
from ..scenario import World
from ..streams import WORLD_PURPOSES
from ..vocabulary import BAND_YEARS, BANDS, HOMELESS_STATES, MUNICIPALITIES, YOUTH_STATES
from . import compiled, evidence
from .sampling import EXACT_MEAN, binomial, poisson

NEW, LONG, HOUSED = (YOUTH_STATES.index(s) for s in ("new", "long", "housed"))
HOMELESS = [YOUTH_STATES.index(s) for s in HOMELESS_STATES]
YOUNGER, OLDER = range(len(BANDS))
FLAT = choice_code(World, "inflow_path", "flat")
LINEAR = choice_code(World, "inflow_form", "linear")
#: A month's chance of leaving each band by age: one over the band's width in months.
AGEING = np.array([1.0 / (years * MONTHS_A_YEAR) for years in BAND_YEARS])
#: Flows of the ordinary world each month, (replicate, flow, municipality, band).
FLOWS = ("inflow", "exit_new", "exit_long", "to_long", "aged_up", "aged_out", "returns")
CELLS = len(MUNICIPALITIES) * len(BANDS)
_U = {name: k for k, name in enumerate(WORLD_PURPOSES)}


@dataclass(frozen=True)
class MonthFlows:
    """One month's ordinary flows, whole young people, each (R, municipality, band)."""

    inflow: Codes
    exit_new: Codes
    exit_long: Codes
    to_long: Codes
    aged_up: Codes  # 18-24 -> 25-29, homeless
    aged_out: Codes  # 25-29 -> 30: leaves the count, homeless
    returns: Codes  # housed by the alliance, back to homelessness
    whole: Codes | None = None  # (R, FLOWS, municipality, band): the fields' memory, where one array

    def stacked(self) -> Codes:
        if self.whole is not None:  # the compiled month's end wrote its flows in place: no copy
            return self.whole
        return np.stack([getattr(self, f) for f in FLOWS], axis=1)


def initial_youth(replicates: int) -> Codes:
    """(R, states, municipalities, bands): the first count (week 6, 2007) as the world's start.

    Split over municipalities by their shares and over new and long spells by the spell evidence's
    steady state, each by largest remainders, so the totals are the count exactly.
    """
    first = evidence.counts().by_band[0]
    rates = evidence.spell_rates()
    new_share = rates["exit_long"] / (rates["exit_long"] + rates["to_long"])
    stock = np.zeros((len(YOUTH_STATES), len(MUNICIPALITIES), len(BANDS)), dtype=np.int64)
    shares = evidence.municipality_shares()
    for b, total in enumerate(first):
        by_place = _apportion(int(total), shares)
        for m, n in enumerate(by_place):
            stock[NEW, m, b], stock[LONG, m, b] = _apportion(int(n), np.array([new_share, 1 - new_share]))
    return np.tile(stock, (replicates, 1, 1, 1))


def _apportion(total: int, shares: Array) -> Codes:
    """Whole parts of ``total`` in proportion to ``shares``, by largest remainders (they sum to total)."""
    exact = total * shares / shares.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - parts.sum()
    parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return parts


def inflow_rate(p: Params, m: MonthContext) -> Array:
    """New spells a month nationally (R, 1): ``inflow_level`` at ``inflow_since``, grown by
    ``inflow_growth`` a year up to the last count (linearly: by that share of the level each year;
    exponentially: compounded); after it ``flat`` holds the level reached and ``trend`` grows on."""
    q = p.world
    grown_until = np.where(q.inflow_path == FLAT, np.minimum(m.step, q.data_end), m.step)
    years = (grown_until - q.inflow_since) / MONTHS_A_YEAR
    linear = q.inflow_level * np.maximum(1.0 + q.inflow_growth * years, 0.0)
    return np.where(q.inflow_form == LINEAR, linear, q.inflow_level * (1.0 + q.inflow_growth) ** years)


def advance(youth: Codes, p: Params, m: MonthContext) -> MonthFlows:
    """One month of the world in place on ``youth`` (R, states, municipalities, bands)."""
    assert m.world is not None
    u = m.world.reshape(len(youth), len(WORLD_PURPOSES), len(MUNICIPALITIES), len(BANDS))
    q = p.world
    cell = inflow_rate(p, m)[:, :, None] * evidence.municipality_shares()[None, :, None] \
        * np.stack([q.share_18_24, 1.0 - q.share_18_24], axis=-1)  # (R, M, B)
    back_chance = q.return_rate * p.mechanisms.returns_to_homelessness
    if _accel.use(len(youth)):
        return _month_compiled(youth, u, cell, np.concatenate([q.exit_new, q.exit_long, back_chance,
                                                               q.to_long], axis=1))
    age = AGEING[None, None, :]
    new, long, housed = youth[:, NEW], youth[:, LONG], youth[:, HOUSED]
    x_new, x_long = q.exit_new[:, :, None], q.exit_long[:, :, None]
    x_back = back_chance[:, :, None]
    inflow = poisson(u[:, _U["inflow"]], cell)
    exit_new = binomial(u[:, _U["exit_new"]], new, x_new)
    age_new = binomial(u[:, _U["age_new"]], new - exit_new, _given(age, x_new))
    to_long = binomial(u[:, _U["to_long"]], new - exit_new - age_new,
                       _given(q.to_long[:, :, None], x_new + age))
    exit_long = binomial(u[:, _U["exit_long"]], long, x_long)
    age_long = binomial(u[:, _U["age_long"]], long - exit_long, _given(age, x_long))
    back = binomial(u[:, _U["returns"]], housed, x_back)
    age_housed = binomial(u[:, _U["age_housed"]], housed - back, _given(age, x_back))
    youth[:, NEW] += inflow + back - exit_new - age_new - to_long + _older(age_new)
    youth[:, LONG] += to_long - exit_long - age_long + _older(age_long)
    youth[:, HOUSED] += _older(age_housed) - back - age_housed
    aged_out = np.zeros_like(inflow)
    aged_out[..., OLDER] = age_new[..., OLDER] + age_long[..., OLDER]
    aged_up = np.zeros_like(inflow)
    aged_up[..., YOUNGER] = age_new[..., YOUNGER] + age_long[..., YOUNGER]
    return MonthFlows(inflow=inflow, exit_new=exit_new, exit_long=exit_long, to_long=to_long,
                      aged_up=aged_up, aged_out=aged_out, returns=back)


def _month_compiled(youth: Codes, u: Array, cell: Array, chances: Array) -> MonthFlows:
    """As ``advance`` from the draws on, in one compiled pass (``_accel.population_month``): each
    cell's draws one after another, with the same arithmetic, so the same counts. The Poisson's
    P(X = 0) is numpy's exp, as ``sampling.poisson`` takes it."""
    lam = np.maximum(cell, 0.0)
    flows = np.empty((len(youth), len(FLOWS), *youth.shape[2:]), dtype=np.int64)
    compiled.population_month()(youth, u, lam, np.exp(-lam), chances, AGEING, EXACT_MEAN,
                              compiled.ndtri_address(), _STATES, flows)
    return MonthFlows(**{name: flows[:, k] for k, name in enumerate(FLOWS)}, whole=flows)


_STATES = np.array([NEW, LONG, HOUSED], dtype=np.int64)


def _given(p: Array, taken: Array) -> Array:
    """A cause's chance among those still there after causes with chance ``taken`` drew theirs."""
    rest = np.broadcast_to(1.0 - taken, np.broadcast_shapes(np.shape(p), np.shape(taken)))
    share = np.divide(p, rest, out=np.ones(rest.shape), where=rest > 0.0)
    return np.clip(share, 0.0, 1.0)


def _older(ageing: Codes) -> Codes:
    """Who arrives in each band by ageing: the younger band's leavers, into the older band."""
    arrivals = np.zeros_like(ageing)
    arrivals[..., OLDER] = ageing[..., YOUNGER]
    return arrivals


def homeless(youth: Codes) -> Codes:
    """(R, municipalities, bands): young people the national count counts as homeless: in new and
    long spells, and in a host home's temporary stay."""
    total: Codes = np.sum(youth[:, HOMELESS], axis=1)
    return total

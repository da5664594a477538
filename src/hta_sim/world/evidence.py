"""The national evidence on homeless young people (src/hta_sim/data/homelessness.toml), as arrays.

Everything here is read or derived from figures dated 2018 or earlier; each derivation is stated
where it is made, and docs/ODD.md lists them as assumptions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from ..arrays import Array, Codes
from ..vocabulary import BANDS, MUNICIPALITIES, MUNICIPALITY_SIZES


@dataclass(frozen=True)
class Counts:
    """The week-6 national counts by age band."""

    years: tuple[int, ...]
    by_band: Codes  # (years, bands)

    @property
    def total(self) -> Codes:
        total: Codes = self.by_band.sum(axis=1)
        return total

    def year(self, year: int) -> Codes:
        row: Codes = self.by_band[self.years.index(year)]
        return row


@cache
def _raw() -> dict[str, Any]:  # a TOML table of tables, as read
    text = resources.files("hta_sim.data").joinpath("homelessness.toml").read_text("utf-8")
    return tomllib.loads(text)


def counts() -> Counts:
    c = _raw()["counts"]
    by_band = np.array([c[band] for band in BANDS], dtype=np.int64).T
    return Counts(years=tuple(c["years"]), by_band=by_band)


#: The last national count before the evaluation: the count the goal (none homeless by 2027) starts from.
GOAL_YEAR = 2017


def goal_count() -> int:
    """The GOAL_YEAR national count of homeless 18-29-year-olds (week 6): 2,292."""
    return int(counts().year(GOAL_YEAR).sum())


def municipality_shares() -> Array:
    """Each municipality's share of the national 18-29 count: the mean of its 2015 and 2017 shares.

    The five named municipalities are read from the data; the other 93 share the remainder equally
    (an assumption: the data give no count for them), so Høje-Taastrup and Herlev each hold 1/93 of
    it and "rest" the other 91/93. An assumption (docs/ODD.md): a municipality's share of new
    spells, and of the 2007 stock, is its share of the 2015-17 counts.
    """
    m = _raw()["municipalities"]
    named = list(m["names"])
    national = counts()
    shares = np.zeros(len(MUNICIPALITIES))
    for year in (2015, 2017):
        values = np.array(m[f"count_{year}"], dtype=float)
        shares[[MUNICIPALITIES.index(n) for n in named]] += values / national.year(year).sum() / 2
    others = [MUNICIPALITIES.index(n) for n in MUNICIPALITIES if n not in named]
    sizes = np.array([MUNICIPALITY_SIZES[k] for k in others], dtype=float)
    shares[others] = (1.0 - shares.sum()) * sizes / sizes.sum()
    return shares


def share_18_24() -> float:
    """The 18-24-year-olds' share of the 2009-2017 counts (read as their share of new spells)."""
    c = counts()
    rows = [c.years.index(y) for y in c.years if y >= 2009]  # noqa: PLR2004 (the fit's first count)
    return float(c.by_band[rows, 0].sum() / c.by_band[rows].sum())


def spell_rates() -> dict[str, float]:
    """Monthly exit and progression rates from SFI's spell evidence, in a steady state.

    A spell is new for about a year, then long: to_long = 1/12 a month. In a steady state with a
    share s of those counted in new spells and a year's prevalence a times the point count, a
    year's new spells are (a - 1) times the count, so a month's leave the new stage at
    exit_new + to_long = (a - 1) / (12 s), and the long stage balances at exit_long = to_long s / (1 - s).
    """
    sp = _raw()["spells"]
    s = float(sp["share_under_a_year_2015"])
    a = float(sp["prevalence_to_count_2015"])
    to_long = 1.0 / 12.0
    leave_new = (a - 1.0) / 12.0 / s  # new spells a month per person counted, over those in new spells
    return {"to_long": to_long, "exit_long": to_long * s / (1.0 - s), "exit_new": leave_new - to_long}


def return_rate() -> float:
    """A month's chance that a young person housed returns to homelessness: 90 % kept their home
    in Copenhagen's youth housing project, read as over a year."""
    r = _raw()["returns"]
    return float(1.0 - float(r["kept_share"]) ** (1.0 / 12.0))

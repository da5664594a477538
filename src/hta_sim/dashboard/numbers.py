"""The numbers the docs quote for the lessons, measured on the lessons' own ensembles.

Each lesson's text claims a direction or a threshold (tests/test_dashboard_lessons.py asserts them);
docs/dashboard.md and docs/limitations.md also quote what the ensembles measure. Those quotes are
written by ``python scripts/doc_numbers.py`` between ``<!-- numbers:NAME -->`` markers and checked
by tests/test_doc_numbers.py, so they cannot go stale: recalibrate, rerun the script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..outcomes import at_date, ensemble_dip
from .lessons import BY_KEY
from .runs import ensemble
from .settings import pool_available

SEED = 2018
BASELINE_REPLICATES = 200  # the committed results/baseline (python experiments/baseline.py)


def pair(key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lesson's trajectories as loaded, and with the switch its text asks to flip."""
    lesson = BY_KEY[key]
    return (ensemble(lesson.settings(SEED)).trajectories,
            ensemble(lesson.contrasted(SEED)).trajectories)


def monthly(traj: pd.DataFrame, column: str, first: str, last: str) -> pd.Series:
    """The replicate-mean of a column for each month from ``first`` to ``last`` ('YYYY-MM')."""
    when = traj["date"]
    rows = traj[(when >= np.datetime64(f"{first}-01")) & (when <= np.datetime64(f"{last}-01"))]
    return rows.groupby("date")[column].mean()


def board_minus_ab(traj: pd.DataFrame) -> pd.Series:
    """Board minus AB engagement, replicate means, each month of 2018-19."""
    return (monthly(traj, "engagement_board", "2018-01", "2019-12")
            - monthly(traj, "engagement_ab", "2018-01", "2019-12"))


def other_money(traj: pd.DataFrame) -> pd.Series:
    """Per replicate, MDKK put in by partners other than the month's dominant funder, whole run."""
    return (traj["money_contributed"] * (1.0 - traj["dominance"])).groupby(traj["replicate"]).sum()


def homes_2027(traj: pd.DataFrame) -> float:
    """Young people housed through the solutions by December 2027 (entries), median."""
    return float(at_date(traj, "homes_created", "2027-12").median())


def homeless_2027(traj: pd.DataFrame) -> float:
    """The national count in February 2027 (the count's own month), median."""
    return float(at_date(traj, "homeless_youth", "2027-02").median())


@dataclass(frozen=True)
class Quote:
    """One measured quantity of a lesson: as loaded and with its switch flipped."""

    lesson: str
    quantity: str
    measure: Callable[[pd.DataFrame], float]
    fmt: str  # how the docs write it; the check allows one unit of its last digit

    def values(self) -> tuple[float, float]:
        loaded, flipped = pair(self.lesson)
        return self.measure(loaded), self.measure(flipped)


QUOTES: tuple[Quote, ...] = (
    Quote("dip", "dip depth, % below the 2016-17 peak", lambda t: 100 * ensemble_dip(t).depth, ".1f"),
    Quote("board_ab", "board minus AB engagement, mean over 2018-19",
          lambda t: float(board_minus_ab(t).mean()), ".3f"),
    Quote("board_ab", "months of 2018-19 with the AB below the board (of 24)",
          lambda t: float((board_minus_ab(t) > 0).sum()), ".0f"),
    Quote("crowding_out", "money from the other partners by 2027, MDKK (median)",
          lambda t: float(other_money(t).median()), ",.1f"),
    Quote("crowding_out", "mean engagement, all partners and months",
          lambda t: float(t["engagement_mean"].mean()), ".3f"),
    Quote("pool", "young people housed through the solutions by Dec 2027 (median)", homes_2027, ",.0f"),
    Quote("funding_ends", "young people housed through the solutions by Dec 2027 (median)", homes_2027,
          ",.0f"),
    Quote("pool", "homeless young people, February 2027 (median)", homeless_2027, ",.0f"),
    Quote("funding_ends", "homeless young people, February 2027 (median)", homeless_2027, ",.0f"),
    Quote("funding_ends", "coordination over 2022-27 (mean)",
          lambda t: float(monthly(t, "coordination", "2022-01", "2027-12").mean()), ".3f"),
    Quote("funding_ends", "mean engagement over 2022-27",
          lambda t: float(monthly(t, "engagement_mean", "2022-01", "2027-12").mean()), ".3f"),
    Quote("fatigue", "mean engagement over 2024-27",
          lambda t: float(monthly(t, "engagement_mean", "2024-01", "2027-12").mean()), ".3f"),
    Quote("fatigue", "key people who left their organisation by 2027 (mean)",
          lambda t: float(at_date(t, "key_person_changes", "2027-12").mean()), ".1f"),
    Quote("fatigue", "partners who left by 2027 (mean)",
          lambda t: float(at_date(t, "partners_left", "2027-12").mean()), ".1f"),
)


def lesson_table() -> str:
    """The markdown table docs/dashboard.md carries between its ``lessons`` markers."""
    rows = ["| lesson | quantity | as loaded | switch flipped |", "| --- | --- | ---: | ---: |"]
    for quote in QUOTES:
        if quote.lesson == "pool" and not pool_available():
            continue
        loaded, flipped = quote.values()
        rows.append(f"| {BY_KEY[quote.lesson].title} | {quote.quantity} | {loaded:{quote.fmt}} | "
                    f"{flipped:{quote.fmt}} |")
    return "\n".join(rows)


def baseline_homes() -> tuple[float, float, float]:
    """Homes by Dec 2027 in the committed baseline: 5 %, median and 95 % of its replicates."""
    import hta_sim

    res = hta_sim.simulate("baseline", replicates=BASELINE_REPLICATES, seed=SEED)
    homes = at_date(res.trajectories, "homes_created", "2027-12")
    return float(homes.quantile(0.05)), float(homes.median()), float(homes.quantile(0.95))


def homes_sentence() -> str:
    """The sentence docs/limitations.md carries between its ``homes`` markers."""
    lo, mid, hi = baseline_homes()
    return (f"from {lo:,.0f} to {hi:,.0f} homes by December 2027 in 90 % of the baseline's "
            f"{BASELINE_REPLICATES} replicates at its fitted values, chance alone "
            f"(median {mid:,.0f}; seed {SEED})")


BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "lessons": ("docs/dashboard.md", lesson_table),
    "homes": ("docs/limitations.md", homes_sentence),
}


def marked(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- numbers:{name} -->)(.*?)(<!-- /numbers:{name} -->)", re.S)


def rewrite(root: Path) -> list[str]:
    """Write every block into its document; returns the documents changed."""
    changed = []
    for name, (doc, make) in BLOCKS.items():
        path = root / doc
        text = path.read_text()
        pattern = marked(name)
        if not pattern.search(text):
            raise ValueError(f"{doc} has no <!-- numbers:{name} --> ... <!-- /numbers:{name} --> block")
        block = make()
        sep = "\n" if "\n" in block else ""

        def fill(m: re.Match[str], block: str = block, sep: str = sep) -> str:
            return f"{m.group(1)}{sep}{block}{sep}{m.group(3)}"

        new = pattern.sub(fill, text)
        if new != text:
            path.write_text(new)
            changed.append(doc)
    return changed


def quoted(root: Path, name: str) -> str:
    """What a document carries between a block's markers now."""
    doc = BLOCKS[name][0]
    found = marked(name).search((root / doc).read_text())
    if not found:
        raise ValueError(f"{doc} has no numbers:{name} block")
    return found.group(2).strip()


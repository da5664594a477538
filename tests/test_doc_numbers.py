"""The numbers docs quote are what the lessons' ensembles give (python scripts/doc_numbers.py).

Tolerance: one unit of the last digit the docs print (the ensembles are deterministic, so a larger
gap means the model changed and the docs were not regenerated).
"""

import re
from pathlib import Path

import pytest

from hta_sim.dashboard import numbers
from hta_sim.dashboard.lessons import BY_KEY
from hta_sim.dashboard.settings import pool_available

ROOT = Path(__file__).resolve().parents[1]


def _close(printed: str, value: float) -> bool:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed.replace(",", "")) - value) <= 10 ** -decimals


def test_lesson_numbers_in_docs_match_the_ensembles():
    rows = numbers.quoted(ROOT, "lessons").splitlines()[2:]
    quotes = [q for q in numbers.QUOTES if q.lesson != "pool" or pool_available()]
    assert len(rows) == len(quotes)
    for row, quote in zip(rows, quotes, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[:2] == [BY_KEY[quote.lesson].title, quote.quantity]
        loaded, flipped = quote.values()
        assert _close(cells[2], loaded), (quote.quantity, cells[2], loaded)
        assert _close(cells[3], flipped), (quote.quantity, cells[3], flipped)


def test_baseline_homes_range_in_limitations_matches():
    found = re.search(r"from ([\d,]+) to ([\d,]+) homes .* \(median ([\d,]+);", numbers.quoted(ROOT, "homes"))
    assert found, numbers.quoted(ROOT, "homes")
    lo, mid, hi = numbers.baseline_homes()
    assert _close(found.group(1), lo) and _close(found.group(2), hi) and _close(found.group(3), mid)


@pytest.mark.parametrize("name", list(numbers.BLOCKS))
def test_every_block_is_in_its_document(name):
    assert numbers.quoted(ROOT, name)

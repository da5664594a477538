"""Regenerate the numbers docs/dashboard.md and docs/limitations.md quote from the lessons' ensembles.

Usage: python scripts/doc_numbers.py     (tests/test_doc_numbers.py checks the docs against them)
"""

from __future__ import annotations

from pathlib import Path

from hta_sim.dashboard.numbers import rewrite

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    changed = rewrite(ROOT)
    print("updated " + ", ".join(changed) if changed else "docs already current")

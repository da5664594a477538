"""Dated counts observed after the 2018 evaluation, read strictly: later evidence for the posterior.

A counts file is a CSV with columns ``date, quantity, value`` and, optionally, ``municipality`` and
``source``; one row is one observed whole number:

* ``homeless_young_people``: the week-6 count of homeless 18-29-year-olds (a February, YYYY-02),
  national when ``municipality`` is empty, else that municipality's (``vocabulary.MUNICIPALITIES``);
  read from a run's ``census``;
* ``active_partners``: partners in the alliance at that month's end;
* ``housed_dormitory``, ``housed_host_home``, ``housed_housing_first``: young people housed by that
  solution type, cumulative to that month's end;
* ``places_dormitory``: dormitory places at that month's end.

The last five are the trajectory columns of the same names, which the recorder writes at each
month's end; the ``housed_`` columns are cumulative already (``state.housed_by`` counts entries since
the run's start, docs/ODD.md "Outputs"), so a figure is the column's value in its month, never a sum
over months. ``read_observations`` takes either this format or the pulse-score format
(``targets.load_observations``), told apart by the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..calendar import MONTHS_A_YEAR, month_text, parse_month
from ..csvfile import Row, check_columns, read_rows
from ..errors import InputError
from ..params import CENSUS_MONTH
from ..vocabulary import MUNICIPALITIES
from .targets import load_observations

HOMELESS: Final = "homeless_young_people"
#: Quantities read from the trajectory column of the same name, at the month's end.
TRAJECTORY: Final = ("active_partners", "housed_dormitory", "housed_host_home", "housed_housing_first",
                     "places_dormitory")
QUANTITIES: Final = (HOMELESS, *TRAJECTORY)
FIRST_COUNT: Final = "2007-02"  # the first national count of homeless young people (week 6, 2007)
MAX_VALUE: Final = 1_000_000  # a count of young people, partners or places; the schema's Count bound
REQUIRED: Final = ("date", "quantity", "value")
OPTIONAL: Final = ("municipality", "source")
#: The loaded table's columns; ``municipality`` is "" for a national figure.
COLUMNS: Final = ("date", "quantity", "municipality", "value", "source")
_DIGITS = re.compile(r"^[0-9]+$")  # int() would take "+3", "1_000" and other scripts' digits


@dataclass(frozen=True)
class Observations:
    """What a file observed: pulse scores (``targets.load_observations``) and/or dated counts."""

    scores: pd.DataFrame | None = None
    counts: pd.DataFrame | None = None


def load_counts(path: str | Path, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Dated counts from a CSV, validated row by row, in the file's order (columns ``COLUMNS``).

    ``start`` and ``end`` (YYYY-MM), when given, are the run's: the alliance's quantities exist
    from its start, and nothing after the end can be simulated. Bad input raises InputError naming
    the file, the line, the field, the value and what is allowed.
    """
    label = f"observations {path}"
    header, rows = read_rows(path, label)
    check_columns(header, REQUIRED, OPTIONAL, label, f"{label}, line 1")
    if not rows:
        raise InputError(f"{label}: has no rows; give at least one observed count")
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for line, row in rows:
        parsed = _row(row, f"{label}, line {line}", start, end)
        key = (str(parsed["date"]), str(parsed["quantity"]), str(parsed["municipality"]))
        if key in seen:
            raise InputError(f"{label}, line {line}: field 'date' = {row['date'].strip()!r}: repeats "
                             f"line {seen[key]}'s {key[1]} {key[2] or 'national'}; one value each")
        seen[key] = line
        out.append(parsed | {"source": row.get("source", "").strip() or f"observations ({Path(path).name})"})
    table = pd.DataFrame(out, columns=list(COLUMNS))
    table["value"] = table["value"].astype(np.int64)
    return table


def _row(row: Row, where: str, start: str | None, end: str | None) -> dict[str, str | int]:
    quantity = row["quantity"].strip()
    if quantity not in QUANTITIES:
        raise InputError(f"{where}: field 'quantity' = {quantity!r}: must be one of {', '.join(QUANTITIES)}")
    month = _month(row["date"].strip(), quantity, where, start, end)
    municipality = row.get("municipality", "").strip()
    if municipality and quantity != HOMELESS:
        raise InputError(f"{where}: field 'municipality' = {municipality!r}: must be empty for "
                         f"{quantity} (national only; only {HOMELESS} is counted by municipality)")
    if municipality and municipality not in MUNICIPALITIES:
        raise InputError(f"{where}: field 'municipality' = {municipality!r}: must be empty (national) "
                         f"or one of {', '.join(MUNICIPALITIES)}")
    value = row["value"].strip()
    if not _DIGITS.match(value) or int(value) > MAX_VALUE:
        raise InputError(f"{where}: field 'value' = {row['value']!r}: must be a whole number from 0 "
                         f"to {MAX_VALUE:,} (digits only)")
    return {"date": month_text(month), "quantity": quantity, "municipality": municipality,
            "value": int(value)}


def _month(date: str, quantity: str, where: str, start: str | None, end: str | None) -> int:
    """The row's month, checked against the quantity's calendar and the run's window."""
    try:
        month = parse_month(date)
    except ValueError:
        raise InputError(f"{where}: field 'date' = {date!r}: must be a month YYYY-MM or the first day "
                         "of a month YYYY-MM-01") from None
    if month < parse_month(FIRST_COUNT):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or after {FIRST_COUNT}, the "
                         "first national count")
    if quantity == HOMELESS and month % MONTHS_A_YEAR != CENSUS_MONTH:
        raise InputError(f"{where}: field 'date' = {date!r}: must be a February (YYYY-02): "
                         f"{HOMELESS} is the week-6 count")
    if quantity != HOMELESS and start is not None and month < parse_month(start):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or after the start ({start}); "
                         f"{quantity} is the alliance's")
    if end is not None and month > parse_month(end):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or before the end of the "
                         f"run ({end})")
    return month


def read_observations(path: str | Path, start: str, association: str,
                      end: str | None = None) -> Observations:
    """A pulse-score file (a ``body`` column) or a counts file (a ``quantity`` column), loaded.

    The window is the run's, as ``targets.load_observations`` takes it. Any other header is refused
    in one line naming both formats.
    """
    label = f"observations {path}"
    header, _ = read_rows(path, label)
    if "body" in header and "quantity" in header:
        raise InputError(f"{label}: has both a 'body' and a 'quantity' column; a file holds pulse "
                         "scores or counts, not both")
    if "body" in header:
        return Observations(scores=load_observations(path, start, association, end))
    if "quantity" in header:
        return Observations(counts=load_counts(path, start, end))
    raise InputError(f"{label}: columns {', '.join(header)} are neither pulse scores (date, body, "
                     "parameter, score) nor counts (date, quantity, value)")

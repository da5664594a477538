"""Later pulse scores, read strictly: the evaluators recommend a pulse every second year.

An observation file is a CSV in the ``pulse`` table's format; ``calibrate --observations`` reweights
the shipped posterior by its scores (calibration/update.py). The seed's own October 2018 scores are
a fitted target in calibration/evidence.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..calendar import month_text, parse_month
from ..csvfile import check_columns, read_rows
from ..errors import InputError
from ..vocabulary import BODIES, PULSE_PARAMETERS

SCORE_RANGE = (1.0, 5.0)  # the pulse scale (seed §5)


REQUIRED = ("date", "body", "parameter", "score")
OPTIONAL = ("scenario", "replicate", "name")  # the pulse table's other columns


def load_observations(path: str | Path, start: str, association: str,
                      end: str | None = None) -> pd.DataFrame:
    """Observed pulse scores from a CSV in the ``pulse`` table's format, validated.

    Needs columns date, body, parameter, score (scenario, replicate and name may be present;
    name, if given, must agree with the parameter). Several rows for one date, body and parameter
    (e.g. the replicates of a simulated pulse table) are averaged. Bad input raises InputError
    naming the field, the value and what is allowed.
    """
    label = f"observations {path}"
    header, rows = read_rows(path, label)
    check_columns(header, REQUIRED, OPTIONAL, label, label)
    if not rows:
        raise InputError(f"{label}: has no rows; give at least one observed score")
    out = [_row(row, line, label, (start, association, end)) for line, row in rows]
    key = ["date", "body", "parameter"]
    table: pd.DataFrame = pd.DataFrame(out).groupby(key, as_index=False)[["score"]].mean()
    table["name"] = [PULSE_PARAMETERS[k - 1] for k in table["parameter"]]
    table["source"] = f"observations ({Path(path).name})"
    return table


def _row(row: dict[str, str], line: int, label: str,
         window: tuple[str, str, str | None]) -> dict[str, object]:
    where = f"{label}, line {line}"
    start, association, end = window
    date = row["date"].strip()
    try:
        month = parse_month(date.removesuffix("-01") if len(date) == len("YYYY-MM-DD") else date)
    except ValueError:
        raise InputError(f"{where}: field 'date' = {date!r}: must be a month YYYY-MM or the first day "
                         "of a month YYYY-MM-01") from None
    if month < parse_month(association):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or after the association "
                         f"({association}), when the board and AB exist")
    if month < parse_month(start):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or after the start ({start})")
    if end is not None and month > parse_month(end):
        raise InputError(f"{where}: field 'date' = {date!r}: must be on or before the end of the "
                         f"run ({end})")
    body = row["body"].strip()
    if body not in BODIES:
        raise InputError(f"{where}: field 'body' = {body!r}: must be one of {', '.join(BODIES)}")
    try:
        parameter = int(row["parameter"])
    except ValueError:
        parameter = -1
    if not 1 <= parameter <= len(PULSE_PARAMETERS):
        raise InputError(f"{where}: field 'parameter' = {row['parameter']!r}: must be a whole number 1-8")
    name = row.get("name", "").strip()
    if name and name != PULSE_PARAMETERS[parameter - 1]:
        raise InputError(f"{where}: field 'name' = {name!r}: parameter {parameter} is "
                         f"{PULSE_PARAMETERS[parameter - 1]!r}")
    try:
        score = float(row["score"])
    except ValueError:
        score = float("nan")  # refused just below, with the text as given
    if not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
        raise InputError(f"{where}: field 'score' = {row['score']!r}: must be a number from 1 to 5")
    return {"date": month_text(month), "body": body, "parameter": parameter, "score": score}

"""What the calibration fits: the seed's October 2018 pulse, homes by December 2018 and the dip.

Targets (seed digest §5, §6, §8):

* the 16 state scores of October 2018, board and advisory board (AB), parameters 1-8;
* about 20 of the seed's programme figures by December 2018: 18 dormitory places and 2 young people
  housed in host homes (``programme_count``: places_dormitory + housed_host_home);
* the dip: the ensemble depth within 5-30 % and each replicate's own smoothed depth >= 5 % in at
  least 80 % of replicates (the window is our assumption for the seed's "small dip").

Later pulse measurements (the evaluators recommend one every second year) come as a CSV in the
``pulse`` table's format; their scores are added as targets, replacing the seed's where they name
the same date, body and parameter. The seed's "priority" columns are not targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..calendar import month_text, parse_month
from ..csvfile import read_rows
from ..errors import InputError
from ..vocabulary import BODIES, PULSE_PARAMETERS, SEED_SCORES_2018

SEED_DATE = "2018-10"
HOMES_DATE = "2018-12"
SCORE_RANGE = (1.0, 5.0)  # the pulse scale (seed §5)
HOMES_SEED = 20.0  # 18 dorm places + 2 host homes (seed §8)
#: The trajectory columns whose sum the seed's "18 dorm places and 2 host homes" measures.
PROGRAMME_COLUMNS = ("places_dormitory", "housed_host_home")
#: Observation error of one score: the evaluators score in whole steps from 15 interviews, so a seed
#: score of 3 stands for anything from about 2.5 to 3.5 (one sd = half a step).
SCORE_SD = 0.5
#: Homes are fitted on a log scale: "about 20"; 10 and 40 lie two sd away (ln 2 = 2 sd).
HOMES_LOG_SD = float(np.log(2.0) / 2.0)
#: The dip's acceptance band (docs/ODD.md, "The dip") and the share of replicates that must dip.
DIP_BAND = (0.05, 0.30)
DIP_REPLICATE_MIN, DIP_REPLICATE_SHARE = 0.05, 0.80


def programme_count(columns: dict[str, np.ndarray] | pd.DataFrame) -> np.ndarray | pd.Series:
    """The seed's programme figure in a run: dormitory places plus young people housed in host homes
    (Housing First and the dormitories' cumulative stays are not what the seed counted)."""
    first, second = PROGRAMME_COLUMNS
    return columns[first] + columns[second]


@dataclass(frozen=True)
class Targets:
    """The observed scores as a tidy table (date YYYY-MM, body, parameter 1-8, score, source)."""

    scores: pd.DataFrame
    homes: float = HOMES_SEED
    homes_date: str = HOMES_DATE

    @property
    def dates(self) -> list[str]:
        return sorted(self.scores["date"].unique())

    def without(self, body: str) -> Targets:
        """The same targets less one body's scores (for the hold-out validation)."""
        return Targets(self.scores[self.scores["body"] != body].reset_index(drop=True), self.homes,
                       self.homes_date)

    def index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions of each target score in a (D, 2, 8) pulse array over ``dates``."""
        d = np.array([self.dates.index(x) for x in self.scores["date"]])
        b = np.array([BODIES.index(x) for x in self.scores["body"]])
        k = self.scores["parameter"].to_numpy() - 1
        return d, b, k


def seed_scores() -> pd.DataFrame:
    rows = [{"date": SEED_DATE, "body": body, "parameter": k + 1, "name": name,
             "score": float(SEED_SCORES_2018[body][k]), "source": "seed 2018 (appendix 9.1, 9.2)"}
            for body in BODIES for k, name in enumerate(PULSE_PARAMETERS)]
    return pd.DataFrame(rows)


def seed_targets() -> Targets:
    return Targets(seed_scores())


def with_observations(targets: Targets, observed: pd.DataFrame) -> Targets:
    """The targets with observed scores added; an observation replaces the seed's at the same key."""
    key = ["date", "body", "parameter"]
    merged = pd.concat([targets.scores, observed]).drop_duplicates(key, keep="last")
    return Targets(merged.sort_values(key, ignore_index=True), targets.homes, targets.homes_date)


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
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{label}: missing column(s) {', '.join(missing)}; needs {', '.join(REQUIRED)}")
    unknown = [c for c in header if c not in (*REQUIRED, *OPTIONAL)]
    if unknown:
        raise InputError(f"{label}: column {unknown[0]!r} is unknown; columns are "
                         f"{', '.join((*REQUIRED, *OPTIONAL))}")
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

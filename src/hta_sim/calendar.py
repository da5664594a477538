"""Months as integers. The model counts steps in months; dates are the first day of a month.

Rules never read the calendar: they see step indices relative to the scenario's start, and dated
events arrive as step indices computed here from the scenario.
"""

import datetime as dt
import re

import numpy as np
import numpy.typing as npt

MONTHS_A_YEAR = 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


def parse_month(text: str) -> int:
    """'2017-08' or '2017-08-01' -> months since year 0 (an absolute month number)."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= MONTHS_A_YEAR:
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_text(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_date(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def dates(start: int, steps: int) -> npt.NDArray[np.datetime64]:
    """The first day of each simulated month, as numpy datetime64[D]."""
    return np.array([np.datetime64(month_date(start + i)) for i in range(steps)])

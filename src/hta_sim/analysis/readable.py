"""Numbers as a reader writes them: '+1,060' and '0.8934', never '+1.06e+03'."""

from __future__ import annotations

import math

import pandas as pd

LARGE = 100.0  # from here on, whole numbers with thousands separators


def number(x: float, signed: bool = False, whole: bool | None = None) -> str:
    """One number: whole with separators (from 100 on, or if ``whole``), else four decimals; ''
    for a missing one.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    sign = "+" if signed else ""
    if whole if whole is not None else abs(x) >= LARGE:
        return f"{x:{sign},.0f}"
    return f"{x:{sign}.4f}"


def table(frame: pd.DataFrame, signed: tuple[str, ...] = ()) -> str:
    """``frame.to_string`` with every float column written by ``number``, one style per column
    (whole numbers if any of its values reaches 100), ``signed`` columns with a sign.
    """
    formatters = {}
    for c in frame.columns:
        if pd.api.types.is_float_dtype(frame[c]):
            whole = bool((frame[c].abs() >= LARGE).any())
            formatters[c] = lambda x, s=c in signed, w=whole: number(x, s, w)
    return frame.to_string(index=False, formatters=formatters, na_rep="")

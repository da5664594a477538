"""Printed numbers read as a person writes them (optimise's table): no scientific notation."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from hta_sim.analysis.readable import number, table


def test_large_numbers_get_separators_and_a_sign():
    assert number(1060.2, signed=True) == "+1,060"
    assert number(-2003.0, signed=True) == "-2,003"
    assert number(3270.4) == "3,270"
    assert number(0.89341) == "0.8934"
    assert number(float("nan")) == ""


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.booleans())
def test_never_scientific(x, signed):
    assert "e" not in number(x, signed).lower()


def test_a_column_keeps_one_style():
    text = table(pd.DataFrame({"diff": [1060.2, 50.673, -3.2]}), signed=("diff",))
    assert text.split() == ["diff", "+1,060", "+51", "-3"]


def test_table_formats_float_columns_only():
    frame = pd.DataFrame({"arm": ["a", "b"], "replicates": [400, 400], "diff": [1060.2, np.nan]})
    text = table(frame, signed=("diff",))
    assert "+1,060" in text and "e+" not in text and "NaN" not in text and " 400" in text

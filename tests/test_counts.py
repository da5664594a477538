"""Counts files (issue 13): a valid file loads exactly; every bad row is refused in one line naming
the file, the line, the field, the value and what is allowed; pulse and counts files are told apart."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hta_sim.calibration.counts import MAX_VALUE, load_counts, read_observations
from hta_sim.errors import InputError

HEADER = "date,quantity,value,municipality,source\n"
GOOD = ("2019-02,homeless_young_people,2515,,VIVE 2019\n"
        "2019-02-01,homeless_young_people,812,copenhagen,\n"
        "2020-12,active_partners,22,,annual report\n"
        "2021-06,housed_host_home,41,,\n"
        "2022-12,places_dormitory,0,,\n")


def _file(tmp_path, text: str, name: str = "counts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_exactly(tmp_path):
    table = load_counts(_file(tmp_path, HEADER + GOOD), start="2016-01", end="2027-12")
    expected = pd.DataFrame({
        "date": ["2019-02", "2019-02", "2020-12", "2021-06", "2022-12"],
        "quantity": ["homeless_young_people", "homeless_young_people", "active_partners",
                     "housed_host_home", "places_dormitory"],
        "municipality": ["", "copenhagen", "", "", ""],
        "value": [2515, 812, 22, 41, 0],
        "source": ["VIVE 2019", "observations (counts.csv)", "annual report", "observations (counts.csv)",
                   "observations (counts.csv)"],
    })
    expected["value"] = expected["value"].astype("int64")
    pd.testing.assert_frame_equal(table, expected)


def test_the_optional_columns_may_be_left_out(tmp_path):
    table = load_counts(_file(tmp_path, "date,quantity,value\n2008-02,homeless_young_people,1003\n"))
    assert table.to_dict("records") == [{"date": "2008-02", "quantity": "homeless_young_people",
                                         "municipality": "", "value": 1003,
                                         "source": "observations (counts.csv)"}]


BAD_ROWS = {
    "unknown quantity": ("2019-02,homeless,2515,,", "'quantity' = 'homeless'", "active_partners"),
    "not a month": ("2019-13,active_partners,20,,", "'date' = '2019-13'", "YYYY-MM"),
    "a day": ("2019-02-14,active_partners,20,,", "'date' = '2019-02-14'", "YYYY-MM-01"),
    "before the first count": ("2007-01,homeless_young_people,900,,", "'date' = '2007-01'", "2007-02"),
    "the count not in February": ("2019-03,homeless_young_people,2515,,", "'date' = '2019-03'",
                                  "February"),
    "partners before the start": ("2015-12,active_partners,5,,", "'date' = '2015-12'", "2016-01"),
    "after the end": ("2028-02,homeless_young_people,2000,,", "'date' = '2028-02'", "2027-12"),
    "a fraction": ("2019-02,homeless_young_people,2515.5,,", "'value' = '2515.5'", "whole number"),
    "a whole float": ("2019-02,homeless_young_people,2515.0,,", "'value' = '2515.0'", "whole number"),
    "negative": ("2020-12,active_partners,-1,,", "'value' = '-1'", "from 0"),
    "a sign": ("2020-12,active_partners,+3,,", "'value' = '+3'", "digits only"),
    "an underscore": ("2020-12,active_partners,1_000,,", "'value' = '1_000'", "digits only"),
    "text": ("2020-12,active_partners,many,,", "'value' = 'many'", "whole number"),
    "empty": ("2020-12,active_partners,,,", "'value' = ''", "whole number"),
    "too large": ("2020-12,active_partners,1000001,,", "'value' = '1000001'", "1,000,000"),
    "unknown municipality": ("2019-02,homeless_young_people,40,Esbjerg,", "'municipality' = 'Esbjerg'",
                             "copenhagen"),
    "municipality for partners": ("2020-12,active_partners,20,aarhus,", "'municipality' = 'aarhus'",
                                  "must be empty"),
    "municipality for places": ("2020-12,places_dormitory,20,aarhus,", "'municipality' = 'aarhus'",
                                "must be empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_refused_naming_file_line_field_value_and_what_is_allowed(tmp_path, case):
    row, named, allowed = BAD_ROWS[case]
    path = _file(tmp_path, HEADER + GOOD + row + "\n")
    with pytest.raises(InputError) as err:
        load_counts(path, start="2016-01", end="2027-12")
    message = str(err.value)
    assert "\n" not in message
    assert f"observations {path}, line 7: field {named}" in message
    assert allowed in message


@pytest.mark.parametrize(("text", "named"), [
    ("date,quantity,value,when\n2020-12,active_partners,20,now\n", "column 'when' is unknown"),
    ("date,quantity\n2020-12,active_partners\n", "missing column(s) value"),
    ("date,quantity,value\n", "has no rows"),
    ("date,quantity,value\n2020-12,active_partners,20,extra\n", "line 2: has 4 fields"),
    (HEADER + "2020-12,active_partners,20,,\n2020-12-01,active_partners,21,,\n",
     "line 3: field 'date' = '2020-12-01': repeats line 2's active_partners"),
])
def test_a_bad_file_is_refused_in_one_line(tmp_path, text, named):
    path = _file(tmp_path, text)
    with pytest.raises(InputError, match=r"^observations ") as err:
        load_counts(path)
    assert named in str(err.value) and "\n" not in str(err.value)


@settings(max_examples=50, deadline=None)
@given(value=st.integers(0, MAX_VALUE))
def test_every_whole_number_in_range_loads_as_itself(tmp_path_factory, value):
    path = _file(tmp_path_factory.mktemp("v"), f"date,quantity,value\n2021-02,housed_dormitory,{value}\n")
    assert load_counts(path)["value"].tolist() == [value]


def test_either_format_is_read_by_its_header(tmp_path):
    counts = read_observations(_file(tmp_path, HEADER + GOOD), "2016-01", "2017-08", "2027-12")
    assert counts.scores is None and counts.counts is not None and len(counts.counts) == 5
    pulse = _file(tmp_path, "date,body,parameter,score\n2020-10,board,1,4\n", "pulse.csv")
    scores = read_observations(pulse, "2016-01", "2017-08", "2027-12")
    assert scores.counts is None and scores.scores is not None
    assert scores.scores[["date", "body", "parameter", "score"]].to_dict("records") == [
        {"date": "2020-10", "body": "board", "parameter": 1, "score": 4.0}]


@pytest.mark.parametrize(("header", "named"), [
    ("date,count,value", "columns date, count, value are neither pulse scores"),
    ("date,body,quantity,value", "both a 'body' and a 'quantity' column"),
])
def test_a_file_of_neither_format_is_refused_in_one_line(tmp_path, header, named):
    path = _file(tmp_path, header + "\n" + ",".join(["x"] * len(header.split(","))) + "\n")
    with pytest.raises(InputError) as err:
        read_observations(path, "2016-01", "2017-08")
    assert str(err.value).startswith(f"observations {path}: ") and named in str(err.value)

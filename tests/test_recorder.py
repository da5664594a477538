"""recorder: each column's rule on a hand-built state, the months and pulses recorded, the tables."""

import numpy as np
import pandas as pd
import pytest
from builders import STAGE, state

from hta_sim.calendar import parse_month
from hta_sim.params import Layout
from hta_sim.recorder import ALL, RULES, Recorder

LAYOUT = Layout(start=parse_month("2016-01"), steps=3, pulse_steps=(1,), grant_partner=np.array([0]),
                grant_secretariat=np.array([True]), pool_funders=np.array([0]))
MIX = [0.25, 0.25, 0.125, 0.125, 0.125, 0.125]
#: (states new, long, dormitory, host home, Housing First, housed; eight municipalities; two bands):
#: in every cell 1 new, 2 long, 3 in a dormitory, 4 in a host home, 6 in Housing First, 5 housed
YOUTH = np.stack([np.full((8, 2), n) for n in (1, 2, 3, 4, 6, 5)])[None]
#: Adopting municipalities: 3 in the grouped rest run Housing First, with 24 places of their own.
ADOPTERS = np.zeros((1, 3, 8), dtype=np.int64)
ADOPTERS[0, 2, 7] = 3


def alliance(**values):
    """Partners 0 and 1 active (0 on the board, 1 on the AB), 2 inactive (on both); three slots."""
    start = {
        "active": [True, True, False], "board": [True, False, True], "ab": [False, True, True],
        "engagement": [0.25, 0.75, 0.5], "rung": [4, 4, 7], "visible": 2.0, "homes": 3.5,
        "money_given": [2.0, 0.5, 0.25], "cofinance_given": [1.0, 0.5, 0.0],
        "staff_given": [1.0, 2.0, 0.0], "knowledge_given": [0.25, 0.5, 0.0], "pool_budget": 0.5,
        "build": 0.625, "barrier": 0.25, "secretariat_staff": 3.0, "dominance": 0.75, "phase": 1,
        "mix": MIX, "stage": [STAGE["idea"], STAGE["running"], STAGE["failed"]], "lead": [0, -1, 1],
        "youth": YOUTH, "solution": [0, 2, 2], "site": [0, 1, 1], "places": [0, 8, 4],
        "housed_by": [[7, 1, 2]], "flats": [[10, 20, 0, 0, 0, 0, 0, 30]],
        "flats_free": [[1, 30, 0, 0, 0, 0, 0, 2]], "flats_let": 9, "solution_cost": 1.25,
        "adopters": ADOPTERS, "municipal_places": ADOPTERS * 8,
        "initiator_mask": [False, True, True], "clipped": 0.5, "fatigue": [0.125, 0.25, 0.5],
        "expectation": [0.5, 1.5, 3.0], "coordination": 0.75, "ab_meets": True, "joins": 2,
        "departures": 1, "rung_falls": 5, "key_changes": 4}
    return state(slots=3, **{**start, **values})


EXPECTED = {
    "engagement_mean": (0.25 + 0.75) / 2, "engagement_board": 0.25, "engagement_ab": 0.75,
    "visible_results": 2.0, "homes_created": 3.5, "money_contributed": 2.0 + 0.5 + 0.25,
    "money_others": (2.0 + 0.5 + 0.25) - 2.0, "money_cofinancing": 1.0 + 0.5,
    "staff_contributed": 3.0, "knowledge_contributed": 0.75, "build_level": 0.625,
    "regulatory_barrier": 0.25, "secretariat_staff": 3.0, "dominance": 0.75, "pool_budget": 0.5,
    "active_partners": 2, "initiatives_partner_led": 1,  # the idea; a failed one led by 2 is not counted
    "rung_skeptical": 0, "rung_curious": 0, "rung_open": 0, "rung_developing": 0,
    "rung_participating": 2, "rung_initiative_taking": 0, "rung_responsibility_taking": 0,
    "rung_co_financing": 0,  # partner 2 sits there, but inactive
    "initiatives_idea": 1, "initiatives_pilot": 0, "initiatives_running": 1, "initiatives_scaled": 0,
    "initiatives_failed": 1,
    "effort_strategy": 0.25, "effort_local_alliances": 0.25, "effort_data_collection": 0.125,
    "effort_campaign": 0.125, "effort_public_affairs": 0.125, "effort_fundraising": 0.125,
    "phase": 1,
    # new and long spells and host-home stays in 8 x 2 cells; the housed and placed are not homeless
    "homeless_youth": 16 * (1 + 2 + 4),
    "flats_stock": 60, "flats_free": 1 + 20 + 2,  # free flats never above the stock
    "flats_let": 9, "solution_cost_mdkk": 1.25,
    "housed_dormitory": 7, "housed_host_home": 1, "housed_housing_first": 2,
    "occupied_dormitory": 16 * 3, "occupied_host_home": 16 * 4, "occupied_housing_first": 16 * 6,
    "places_dormitory": 0, "places_host_home": 0, "places_housing_first": 8 + 4 + 3 * 8,
    # Aarhus (the site of two Housing First initiatives, counted once) and the rest's 3 adopters
    "municipalities_dormitory": 0, "municipalities_host_home": 0, "municipalities_housing_first": 1 + 3,
    # the 2016 partners (initiators) alone: partner 1 (partner 2 is one, but inactive)
    "engagement_mean_incumbents": 0.75, "target_clipped": 0.5, "fatigue_mean": (0.125 + 0.25) / 2,
    "expectation_mean": (0.5 + 1.5) / 2, "coordination": 0.75, "ab_meets": 1, "partners_joined": 2,
    "partners_left": 1, "rung_falls": 5, "key_person_changes": 4,
}


def test_every_column_has_an_expected_value_here():
    assert set(EXPECTED) == set(ALL) == set(RULES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_column_rule(name):
    np.testing.assert_array_equal(RULES[name](alliance()), [EXPECTED[name]])


def test_board_and_ab_means_are_nan_when_the_body_has_no_active_member():
    s = alliance(active=[False, True, False])
    assert np.isnan(RULES["engagement_board"](s)[0])
    assert RULES["engagement_ab"](s)[0] == 0.75


def test_record_writes_each_month_in_its_column_and_the_pulse_on_its_date():
    rec = Recorder(np.array([7]), LAYOUT)
    measured = np.arange(16.0).reshape(1, 2, 8) / 4 + 1
    for t, homes in enumerate([0.5, 1.5, 4.0]):
        s = alliance(homes=homes, scores=measured if t >= 1 else np.nan)
        rec.record(s, t, np.array([t >= 1]))
    np.testing.assert_array_equal(rec.values("homes_created"), [[0.5, 1.5, 4.0]])
    np.testing.assert_array_equal(rec.pulse, measured[:, None])
    np.testing.assert_array_equal(rec.pulse_split, [[True]])


def test_a_narrow_recorder_keeps_only_its_columns_and_months():
    rec = Recorder(np.array([0]), LAYOUT, names=("homes_created",), steps=(2,))
    for t, homes in enumerate([0.5, 1.5, 4.0]):
        rec.record(alliance(homes=homes), t, np.array([False]))
    assert list(rec.columns) == ["homes_created"]
    np.testing.assert_array_equal(rec.values("homes_created"), [[4.0]])
    with pytest.raises(ValueError, match="full recorder"):
        rec.trajectories("x", 0)


def test_unknown_columns_are_refused():
    with pytest.raises(ValueError, match="unknown recorder columns"):
        Recorder(np.array([0]), LAYOUT, names=("homes",))


def test_trajectories_table():
    rec = Recorder(np.array([7]), LAYOUT)
    for t in range(3):
        rec.record(alliance(phase=t), t, np.array([False]))
    df = rec.trajectories("tested", 11)
    assert list(df["step"]) == [0, 1, 2]
    assert list(df["date"]) == list(pd.to_datetime(["2016-01-01", "2016-02-01", "2016-03-01"]))
    assert list(df["phase"]) == ["building", "piloting", "scaling"]
    assert set(df["scenario"]) == {"tested"} and set(df["seed"]) == {11} and set(df["replicate"]) == {7}
    assert df["rung_participating"].dtype == np.int64 and df["active_partners"].dtype == np.int64
    assert list(df["money_others"]) == [0.75] * 3


@pytest.mark.parametrize(("split", "bodies"), [(False, ["steering_group"]), (True, ["ab", "board"])])
def test_pulse_table_names_the_steering_group_once_before_the_split(split, bodies):
    rec = Recorder(np.array([3]), LAYOUT)
    scores = np.arange(16.0).reshape(1, 2, 8) / 4 + 1
    rec.record(alliance(scores=scores), 1, np.array([split]))
    df = rec.pulse_table("tested")
    assert sorted(set(df["body"])) == bodies
    assert len(df) == 8 * len(bodies)
    assert list(df["parameter"][:8]) == list(range(1, 9))
    np.testing.assert_array_equal(df["score"][:8], scores[0, 1 if split else 0])  # "ab" sorts first

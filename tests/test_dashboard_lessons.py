"""Every lesson's claim holds on its ensemble: the page's own 100 runs with seed 2018.

The lessons' texts (hta_sim/dashboard/lessons.py) claim directions and thresholds, not exact
numbers, so that they stay true when the baseline is recalibrated; each claim is asserted here.
"""

import numpy as np

from hta_sim.dashboard.lessons import BY_KEY, LESSONS
from hta_sim.dashboard.runs import ensemble
from hta_sim.dashboard.settings import pool_available
from hta_sim.outcomes import at_date, ensemble_dip


def pair(key: str):
    """The lesson's trajectories as loaded, and with the switch its text asks to flip."""
    lesson = BY_KEY[key]
    return ensemble(lesson.settings()).trajectories, ensemble(lesson.contrasted()).trajectories


def monthly(traj, column, first, last):
    """The replicate-mean of a column for each month from ``first`` to ``last`` ('YYYY-MM')."""
    when = traj["date"]
    rows = traj[(when >= np.datetime64(f"{first}-01")) & (when <= np.datetime64(f"{last}-01"))]
    return rows.groupby("date")[column].mean()


def board_minus_ab(traj):
    return (monthly(traj, "engagement_board", "2018-01", "2019-12")
            - monthly(traj, "engagement_ab", "2018-01", "2019-12"))


def other_money(traj):
    """Per replicate, MDKK put in by partners other than the month's dominant funder."""
    return (traj["money_contributed"] * (1.0 - traj["dominance"])).groupby(traj["replicate"]).sum()


def test_there_are_three_to_five_lessons_each_with_a_switch_to_flip():
    assert 3 <= len(LESSONS) <= 5
    for lesson in LESSONS:
        assert lesson.contrast and lesson.text.strip()
        assert lesson.contrasted() != lesson.settings()


def test_why_the_dip_results_lag_makes_it():
    on, off = pair("dip")
    assert 0.05 <= ensemble_dip(on).depth <= 0.30  # "between 5 % and 30 %"
    assert ensemble_dip(off).depth < 0.05  # "falls below 5 %"


def test_board_and_ab_gap_and_its_closing():
    on, off = pair("board_ab")
    gap_on, gap_off = board_minus_ab(on), board_minus_ab(off)
    assert (gap_on > 0).all()  # AB below the board in every month of 2018-19
    assert gap_off.abs().mean() <= gap_on.mean() / 3  # "a third of its size or less"


def test_crowding_out_holds_back_the_others_money_and_engagement():
    on, off = pair("crowding_out")
    assert other_money(off).median() > other_money(on).median()  # "put in more money"
    assert off["engagement_mean"].mean() > on["engagement_mean"].mean()  # "engagement is higher"


def test_when_funding_ends_the_secretariat_goes_and_homes_and_engagement_fall():
    ends, goes_on = pair("funding_ends")
    after = ends[ends["date"] >= np.datetime64("2021-01-01")]
    assert (after["secretariat_staff"] == 0).all()  # "from 3 to 0 FTE"
    assert (ends[ends["date"] < np.datetime64("2021-01-01")]["secretariat_staff"] == 3).all()
    homes_ends = at_date(ends, "homes_created", "2027-12").median()
    homes_on = at_date(goes_on, "homes_created", "2027-12").median()
    assert homes_ends < homes_on  # "fewer homes by December 2027"
    eng_ends = monthly(ends, "engagement_mean", "2022-01", "2027-12").mean()
    eng_on = monthly(goes_on, "engagement_mean", "2022-01", "2027-12").mean()
    assert eng_ends < eng_on  # "lower engagement over 2022-27"


def test_the_development_pool_brings_more_homes():
    # The schema has the pool lever, so the lesson must be offered: a guard that skipped when the
    # lever was missing could no longer be false, and would have hidden the lesson's loss.
    assert pool_available(BY_KEY["pool"].preset) and BY_KEY["pool"].available
    with_pool, without = pair("pool")
    assert at_date(with_pool, "homes_created", "2027-12").median() > \
        at_date(without, "homes_created", "2027-12").median()

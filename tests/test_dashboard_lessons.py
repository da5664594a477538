"""Every lesson's claim holds on its ensemble: the page's own 100 runs with seed 2018.

The lessons' texts (hta_sim/dashboard/lessons.py) claim directions and thresholds, not exact
numbers, so that they stay true when the baseline is recalibrated; each claim is asserted here.
"""

import numpy as np

from hta_sim.dashboard.lessons import BY_KEY, LESSONS
from hta_sim.dashboard.numbers import board_minus_ab, monthly, other_money, pair
from hta_sim.dashboard.settings import pool_available
from hta_sim.outcomes import at_date, ensemble_dip


def test_there_are_three_to_five_lessons_each_with_a_switch_to_flip():
    assert 3 <= len(LESSONS) <= 6
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
    assert gap_off.abs().mean() <= gap_on.mean() / 2  # "under half its size"


def test_crowding_out_holds_back_the_others_money_and_engagement():
    on, off = pair("crowding_out")
    assert other_money(off).median() > other_money(on).median()  # "put in more money"
    assert off["engagement_mean"].mean() > on["engagement_mean"].mean()  # "engagement is higher"


def test_when_funding_ends_the_network_fades_and_engagement_falls_less_without_coordination():
    ends, no_coordination = pair("funding_ends")
    after = ends[ends["date"] >= np.datetime64("2021-01-01")]
    assert (after["secretariat_staff"] == 0).all()  # "from 3 to 0 FTE"
    assert (ends[ends["date"] < np.datetime64("2021-01-01")]["secretariat_staff"] == 3).all()
    assert monthly(ends, "coordination", "2022-01", "2027-12").mean() < 0.1  # "the network fades"
    late = monthly(ends, "engagement_mean", "2022-01", "2027-12").mean()
    assert late < monthly(ends, "engagement_mean", "2020-01", "2020-12").mean() - 0.1  # "well below"
    assert monthly(no_coordination, "engagement_mean", "2022-01", "2027-12").mean() > late  # "falls less"


def test_without_turnover_engagement_is_higher_and_the_runs_spread_less():
    on, off = pair("fatigue")

    def late(t):
        return t[t["date"] >= np.datetime64("2024-01-01")].groupby("replicate")["engagement_mean"].mean()

    assert late(off).mean() > late(on).mean()  # "higher"
    assert late(off).quantile(0.95) - late(off).quantile(0.05) < \
        late(on).quantile(0.95) - late(on).quantile(0.05)  # "spread less"
    assert at_date(on, "partners_left", "2027-12").mean() > 0  # "some tire and leave"
    assert at_date(on, "partners_joined", "2027-12").mean() > 0  # "candidates join"


def test_the_development_pool_houses_more_young_people():
    # The schema has the pool lever, so the lesson must be offered: a guard that skipped when the
    # lever was missing could no longer be false, and would have hidden the lesson's loss.
    assert pool_available(BY_KEY["pool"].preset) and BY_KEY["pool"].available
    with_pool, without = pair("pool")
    assert at_date(with_pool, "homes_created", "2027-12").median() > \
        at_date(without, "homes_created", "2027-12").median()

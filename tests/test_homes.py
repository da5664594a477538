"""Homes come only from the initiative pipeline, with a municipality taking part (seed §7, §8)."""

from conftest import run

from hta_sim.outcomes import at_date


def test_median_homes_by_december_2018_match_the_seed_order_of_magnitude(baseline):
    """The seed: 18 dorm places and 2 host homes by December 2018."""
    assert 10 <= at_date(baseline.trajectories, "homes_created", "2018-12").median() <= 40


def test_no_municipality_no_homes():
    out = run({"roster.exclude": ["copenhagen", "hoje_taastrup", "aarhus"]}, replicates=20)
    assert out.trajectories["homes_created"].max() == 0
    assert out.trajectories["initiatives_pilot"].max() == 0


def test_no_pipeline_no_homes():
    out = run({"initiatives.enabled": False}, replicates=20)
    assert out.trajectories["homes_created"].max() == 0
    assert out.trajectories[[c for c in out.trajectories if c.startswith("initiatives_")]].max().max() == 0


def test_homes_never_decrease(baseline):
    steps = baseline.trajectories.sort_values(["replicate", "step"]).groupby("replicate")
    assert (steps["homes_created"].diff().dropna() >= 0).all()

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


def test_homes_grow_in_exactly_the_months_an_initiative_houses_young_people(baseline):
    """Pilots, running and scaled solutions house young people each month (initiatives._homes);
    ideas, failed initiatives and empty slots do not. So the count rises in every month that ends
    with one of them under way, and in no other month."""
    traj = baseline.trajectories.sort_values(["replicate", "step"])
    housing = traj[["initiatives_pilot", "initiatives_running", "initiatives_scaled"]].sum(axis=1) > 0
    gained = traj.groupby("replicate")["homes_created"].diff().fillna(traj["homes_created"])
    assert housing.any() and not housing.all()  # both kinds of month occur in the ensemble
    assert ((gained > 0) == housing).all()

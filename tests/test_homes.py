"""Homes come only from the solutions' places, with a municipality taking part (seed §7, §8)."""

from conftest import run

from hta_sim.outcomes import at_date


def test_dorm_places_and_host_home_stays_by_december_2018_are_within_a_factor_2_of_the_seed(baseline):
    """The seed (§8): 18 dormitory places and 2 young people housed in host homes by December 2018."""
    places = at_date(baseline.trajectories, "places_dormitory", "2018-12").median()
    stays = at_date(baseline.trajectories, "housed_host_home", "2018-12").median()
    assert 18 / 2 <= places <= 18 * 2, places
    assert 2 / 2 <= stays <= 2 * 2, stays


def test_no_municipality_no_homes():
    # no named municipality, and no candidate organisation (some are municipalities) joining
    out = run({"roster.exclude": ["copenhagen", "hoje_taastrup", "aarhus"],
               "mechanisms.recruitment": False}, replicates=20)
    assert out.trajectories["homes_created"].max() == 0
    assert out.trajectories["initiatives_pilot"].max() == 0


def test_no_pipeline_no_homes():
    out = run({"initiatives.enabled": False}, replicates=20)
    assert out.trajectories["homes_created"].max() == 0
    assert out.trajectories[[c for c in out.trajectories if c.startswith("initiatives_")]].max().max() == 0


def test_homes_grow_only_in_months_that_start_with_places(baseline):
    """Young people enter a solution only where it has a place (world.housing reads the places the
    month starts with): no month after one without places adds a home."""
    traj = baseline.trajectories.sort_values(["replicate", "step"])
    places = traj[["places_dormitory", "places_host_home", "places_housing_first"]].sum(axis=1)
    had = places.groupby(traj["replicate"]).shift(1).fillna(0) > 0
    gained = traj.groupby("replicate")["homes_created"].diff().fillna(traj["homes_created"])
    assert had.any() and not had.all() and (gained > 0).any()
    assert not ((gained > 0) & ~had).any()
    assert (traj["homes_created"] == traj[["housed_dormitory", "housed_host_home",
                                           "housed_housing_first"]].sum(axis=1)).all()


def test_the_alliance_s_effect_on_the_count_never_exceeds_the_young_people_it_housed():
    """Paired on common random numbers, the national count without the alliance minus the count with
    it is at most the young people the alliance has housed by then, in every run and both paths."""
    from hta_sim.analysis import compare

    cmp = compare.run(["no-alliance", "baseline"], 16, 9, None)
    out = cmp.outcomes.set_index(["inflow_path", "replicate", "scenario"]).unstack("scenario")
    for year in (2022, 2027):
        effect = out[(f"homeless_{year}", "no-alliance")] - out[(f"homeless_{year}", "baseline")]
        assert (effect > 0).mean() > 0.5  # the alliance does lower the count
        assert (effect <= out[("homes_2027", "baseline")]).all()
    assert (out[("homes_2027", "no-alliance")] == 0).all()

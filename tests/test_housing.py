"""The solutions in the world: places, stays, cheap flats and who is housed, in whole young people."""

import dataclasses

import numpy as np
import pytest
from builders import STAGE, month, params, state
from hypothesis import given, settings
from hypothesis import strategies as st

import hta_sim
from hta_sim import municipalities, solutions
from hta_sim.outcomes import at_date
from hta_sim.scenario import load as load_scenario
from hta_sim.streams import SOLUTION_PURPOSES
from hta_sim.vocabulary import BANDS, MUNICIPALITIES, SOLUTIONS, YOUTH_STATES
from hta_sim.world import housing, population
from hta_sim.world.population import MonthFlows

M, B = len(MUNICIPALITIES), len(BANDS)
NEW, LONG, HOUSED = (YOUTH_STATES.index(n) for n in ("new", "long", "housed"))
DORM, HOST, HF = (YOUTH_STATES.index(t) for t in SOLUTIONS)
CPH, AARHUS = MUNICIPALITIES.index("copenhagen"), MUNICIPALITIES.index("aarhus")
YOUNG, OLD = 0, 1
TINY = 2.0**-1000  # a uniform below every chance: nothing happens by chance
U = {name: k for k, name in enumerate(SOLUTION_PURPOSES)}
#: Every chance certain or impossible as a test sets it: stays of one month end, fills of 1 fill.
RULES = {"flats.turnover": 1.0 / 30.0, "flats.ordinary_share": 0.25,
         **{f"solutions.{t}.{f}": v for t in SOLUTIONS for f, v in
            (("fill_rate", 0.0), ("stay_months", 600.0), ("units_per_month", 0.5))}}


def ctx(reps=1, **uniforms):
    """The month's solution uniforms: TINY, except those named (purpose: value or array (M, B))."""
    u = np.full((reps, len(SOLUTION_PURPOSES), M, B), TINY)
    for name, value in uniforms.items():
        u[:, U[name]] = value
    flat = u.reshape(reps, len(SOLUTION_PURPOSES), -1)
    return dataclasses.replace(month(reps=reps), step=30, solutions=flat)


def quiet_flows(reps=1, exits=0):
    zero = np.zeros((reps, M, B), dtype=np.int64)
    ex = zero.copy()
    ex[:, :, YOUNG] = exits
    return MonthFlows(*(ex if name == "exit_new" else zero for name in population.FLOWS))


def world(youth_cells, reps=1, slots=2, **fields):
    """A state whose youth (state, municipality, band) are set from ``{(state, m, b): n}``."""
    youth = np.zeros((reps, len(YOUTH_STATES), M, B), dtype=np.int64)
    for (k, m, b), n in youth_cells.items():
        youth[:, k, m, b] = n
    return state(reps=reps, slots=slots, youth=youth, **fields)


# --- exact rules on hand-built states --------------------------------------------------------------

def test_take_empties_compartments_in_priority_order_and_never_more_than_there():
    pools = np.zeros((1, len(YOUTH_STATES), M, B), dtype=np.int64)
    pools[0, LONG, CPH] = [2, 3]
    pools[0, NEW, CPH] = [4, 1]
    taken = housing._take(np.array([[7] + [0] * (M - 1)]), pools, housing.PRIORITY[housing.HOUSING_FIRST])
    assert taken[0, LONG, CPH].tolist() == [2, 3]  # long-term, older band first, then younger
    assert taken[0, NEW, CPH].tolist() == [1, 1]  # then the newly homeless, older first
    assert housing._take(np.array([[99] + [0] * (M - 1)]), pools, housing.PRIORITY[0]).sum() == 10


def test_a_host_home_leaver_takes_a_free_flat_and_without_one_is_homeless_again():
    p = params({**RULES, "solutions.host_home.stay_months": 1.0})
    s = world({(HOST, CPH, YOUNG): 3}, solution=[[1, 0]], site=CPH, stage=[[STAGE["pilot"], 0]],
              places=[[3, 0]], flats=[[30] + [0] * (M - 1)])
    flows = housing.month(s.youth, s, p, ctx(), quiet_flows())  # 30 flats / 30 a month: 1 vacancy
    assert flows.moved_on[0, housing.HOST_HOME, CPH].tolist() == [1, 0]
    assert flows.unhoused[0, CPH].tolist() == [2, 0]
    assert s.youth[0, HOUSED, CPH, YOUNG] == 1 and s.youth[0, NEW, CPH, YOUNG] == 2
    assert s.youth[0, HOST].sum() == 0 and s.flats_let.tolist() == [1]


def test_housing_first_houses_only_as_many_as_there_are_free_flats():
    p = params({**RULES, "solutions.housing_first.fill_rate": 1.0})
    s = world({(LONG, AARHUS, OLD): 10}, solution=[[2, 2]], site=AARHUS,
              stage=[[STAGE["running"], STAGE["running"]]], places=[[4, 1]],
              flats=[[0, 60] + [0] * (M - 2)])  # 60 / 30 = 2 vacancies in Aarhus
    flows = housing.month(s.youth, s, p, ctx(), quiet_flows())
    assert flows.entered[0, housing.HOUSING_FIRST, AARHUS].tolist() == [0, 2]
    assert s.youth[0, HF, AARHUS, OLD] == 2 and s.youth[0, LONG, AARHUS, OLD] == 8
    assert s.housed_by.tolist() == [[0, 0, 2]] and s.homes.tolist() == [2.0]
    assert flows.flats_used[0, AARHUS] == 2


def test_ordinary_exits_take_their_share_of_the_vacancies_first():
    p = params(RULES)
    s = world({}, flats=[[45] + [0] * (M - 1)])  # 45 / 30 = 1.5 vacancies a month
    low, high = np.full((M, B), 0.4), np.full((M, B), 0.6)
    assert housing._vacancies(s, p, ctx(vacancies=low).solutions.reshape(1, -1, M, B),
                              quiet_flows())[0, CPH] == 1  # 1.5 rounded down by chance
    assert housing._vacancies(s, p, ctx(vacancies=high).solutions.reshape(1, -1, M, B),
                              quiet_flows())[0, CPH] == 2
    taken = ctx(vacancies=high, ordinary=high).solutions.reshape(1, -1, M, B)
    assert housing._vacancies(s, p, taken, quiet_flows(exits=6))[0, CPH] == 0  # 6 x 0.25 + 0.6 -> 2


def test_a_solution_over_its_places_lets_the_excess_move_on_younger_first():
    p = params(RULES)
    s = world({(DORM, CPH, YOUNG): 3, (DORM, CPH, OLD): 2}, solution=[[0, 0]], site=CPH,
              stage=[[STAGE["running"], STAGE["failed"]]], places=[[3, 0]])
    flows = housing.month(s.youth, s, p, ctx(), quiet_flows())
    assert flows.moved_on[0, housing.DORMITORY, CPH].tolist() == [2, 0]
    assert s.youth[0, DORM, CPH].tolist() == [1, 2] and s.youth[0, HOUSED, CPH].tolist() == [2, 0]


def test_with_the_housing_constraint_off_flats_never_run_short():
    p = params({**RULES, "mechanisms.housing_constraint": False, "solutions.housing_first.fill_rate": 1.0})
    s = world({(LONG, CPH, OLD): 10}, solution=[[2, 0]], site=CPH, stage=[[STAGE["pilot"], 0]],
              places=[[6, 0]])
    housing.month(s.youth, s, p, ctx(), quiet_flows())
    assert s.youth[0, HF, CPH, OLD] == 6


def test_with_a_capacity_off_a_solution_takes_whoever_it_reaches():
    p = params({**RULES, "mechanisms.dormitory_capacity": False, "solutions.dormitory.fill_rate": 1.0})
    s = world({(NEW, CPH, YOUNG): 7}, solution=[[0, 0]], site=CPH)  # no initiative, no places
    housing.month(s.youth, s, p, ctx(), quiet_flows())
    assert s.youth[0, DORM, CPH, YOUNG] == 7


def test_an_idea_s_type_and_site_come_from_one_uniform_rescaled():
    p = params({"solutions.dormitory.weight": 1.0, "solutions.host_home.weight": 1.0,
                "solutions.housing_first.weight": 2.0})
    shares = np.array([0.5, 0.25, 0.25] + [0.0] * (M - 3))
    kind, site, rest = solutions.choose(p, np.array([0.6]), shares)  # type 2 holds [0.5, 1)
    assert kind.tolist() == [2] and site.tolist() == [0]  # (0.6 - 0.5) / 0.5 = 0.2 < 0.5
    assert rest == pytest.approx([0.4])  # 0.2 / 0.5
    assert solutions.choose(p, np.array([0.1]), shares)[0].tolist() == [0]


def test_initiatives_recruit_units_at_their_pace_and_places_are_whole():
    p = params({**RULES, "solutions.dormitory.rooms_per_dormitory": 90.0,
                "solutions.dormitory.reserved_share": 0.1, "solutions.dormitory.units_pilot": 2.0})
    s = state(slots=2, stage=[[STAGE["pilot"], STAGE["failed"]]], solution=0, units=[[1.75, 3.0]])
    solutions.recruit(s, p, np.array([[0.5, 1.0]]))
    assert s.units.tolist() == [[2.0, 0.0]]  # 1.75 + 0.5 x 0.5 = 2 (the pilot's number); failed: none
    assert s.places.tolist() == [[18, 0]]  # two dormitories x 90 rooms x 10 %
    s.units[:] = [[1.5, 0.0]]
    solutions.recruit(s, p, np.array([[0.0, 0.0]]))
    assert s.places.tolist() == [[13, 0]]  # 13.5 places: a half place is no place


def test_capacity_running_municipalities_and_cost_count_places_by_type_and_site():
    p = params({"solutions.host_home.cost_dkk_per_place_month": 6000.0,
                "solutions.housing_first.worker_cost_dkk_per_year": 480_000.0,
                "solutions.housing_first.caseload": 8.0})
    s = state(slots=3, solution=[[1, 2, 2]], site=[[CPH, CPH, AARHUS]], places=[[3, 8, 16]])
    cap = solutions.capacity(s, p)
    assert cap[0, 1, CPH] == 3 and cap[0, 2, CPH] == 8 and cap[0, 2, AARHUS] == 16 and cap[0, 0].sum() == 0
    assert municipalities.running(s).sum(axis=-1).tolist() == [[0, 1, 2]]
    assert solutions.monthly_cost(s, p) == pytest.approx([(3 * 6000 + 24 * 480_000 / 12 / 8) / 1e6])


# --- properties over random states ------------------------------------------------------------------

cells = st.lists(st.integers(0, 30), min_size=M * B, max_size=M * B)
chances = st.floats(0.0, 1.0)


def _random_world(seed, homeless, placed, places, flats):
    rng = np.random.default_rng(seed)
    youth = np.zeros((1, len(YOUTH_STATES), M, B), dtype=np.int64)
    youth[0, NEW] = np.array(homeless).reshape(M, B)
    youth[0, LONG] = rng.integers(0, 20, (M, B))
    youth[0, [DORM, HOST, HF]] = rng.integers(0, placed + 1, (3, M, B))
    youth[0, HOUSED] = rng.integers(0, 10, (M, B))
    s = state(slots=3, youth=youth, solution=[[0, 1, 2]], site=rng.integers(0, M, (1, 3)),
              stage=STAGE["running"], places=[places], flats=rng.integers(0, flats + 1, (1, M)))
    u = rng.random((1, len(SOLUTION_PURPOSES), M * B)) + 2.0**-54
    return s, dataclasses.replace(month(), step=40, solutions=u)


def _params(fill, stay, turnover, constraint):
    return params({**{f"solutions.{t}.fill_rate": fill for t in SOLUTIONS},
                   **{f"solutions.{t}.stay_months": stay for t in SOLUTIONS},
                   "flats.turnover": turnover, "mechanisms.housing_constraint": constraint})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), homeless=cells, placed=st.integers(0, 12),
       places=st.lists(st.integers(0, 15), min_size=3, max_size=3), flats=st.integers(0, 300),
       fill=chances, stay=st.floats(1.0, 30.0), turnover=chances, constraint=st.booleans())
def test_every_young_person_is_counted_and_no_place_or_flat_is_overfilled(
        seed, homeless, placed, places, flats, fill, stay, turnover, constraint):
    p = _params(fill, stay, turnover, constraint)
    s, m = _random_world(seed, homeless, placed, places, flats)
    before = s.youth.copy()
    flows = housing.month(s.youth, s, p, m, quiet_flows())
    assert (s.youth >= 0).all()
    # homeless (new, long, host home): out only by entering a dormitory or Housing First, or by a
    # host-home stay that ends in a flat; ageing moves them up a band and out at 30
    change = population.homeless(s.youth) - population.homeless(before)
    up = flows.aged_up[:, housing.HOST_HOME]
    older = np.stack([-up[..., YOUNG], up[..., YOUNG]], axis=-1)  # a band up, still homeless
    expected = -flows.entered[:, housing.DORMITORY] - flows.entered[:, housing.HOUSING_FIRST] \
        - flows.moved_on[:, housing.HOST_HOME] + older - flows.aged_out[:, housing.HOST_HOME]
    assert np.array_equal(change, expected)
    total = s.youth.sum(axis=1) - before.sum(axis=1)  # everyone: they only age, up a band or out
    up = flows.aged_up.sum(axis=1)
    assert np.array_equal(total, np.stack([-up[..., YOUNG], up[..., YOUNG]], axis=-1)
                          - flows.aged_out.sum(axis=1))
    occupied = s.youth[:, [DORM, HOST, HF]].sum(axis=-1)
    assert (occupied <= np.maximum(solutions.capacity(s, p), before[:, [DORM, HOST, HF]].sum(-1))).all()
    if constraint:
        assert (flows.flats_used <= s.flats_free).all()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), homeless=cells, placed=st.integers(0, 12),
       places=st.lists(st.integers(0, 15), min_size=3, max_size=3), flats=st.integers(0, 300),
       more=st.integers(0, 500), fill=chances, stay=st.floats(1.0, 30.0), turnover=chances)
def test_widening_the_flat_stock_never_lowers_the_number_housed(
        seed, homeless, placed, places, flats, more, fill, stay, turnover):
    p = _params(fill, stay, turnover, True)
    s, m = _random_world(seed, homeless, placed, places, flats)
    wide = s.copy()
    wide.flats += more

    def housed(world):
        f = housing.month(world.youth, world, p, m, quiet_flows())
        return f.entered.sum() + f.moved_on[:, housing.HOST_HOME].sum()

    assert housed(wide) >= housed(s)


def test_no_solution_ever_houses_more_than_its_places_in_a_run():
    from hta_sim.model import AllianceModel

    model = AllianceModel("baseline", seed=11, replicate=0)
    for _ in range(model.layout.steps):
        places = solutions.capacity(model.state, model.params)  # what the world's month fills
        model.step()
        occupied = model.state.youth[:, [DORM, HOST, HF]].sum(axis=-1)
        assert (occupied <= places).all()
        assert (model.state.youth >= 0).all()


def test_the_paired_mean_of_homes_is_at_least_as_high_without_the_housing_constraint():
    on = hta_sim.simulate("baseline", replicates=24, seed=5).trajectories
    free = load_scenario("baseline").with_changes({"mechanisms.housing_constraint": False})
    off = hta_sim.simulate(free, replicates=24, seed=5).trajectories
    with_flats = at_date(on, "homes_created", "2027-12")
    without = at_date(off, "homes_created", "2027-12")
    assert (without - with_flats).mean() >= 0


@pytest.mark.parametrize("preset", hta_sim.preset_names())
def test_no_preset_houses_more_young_people_than_its_places_allow(preset):
    """Young people enter a solution only into a place the month starts with, so by any month the
    young people housed are at most the places summed over the months before (every lever)."""
    traj = hta_sim.simulate(preset, replicates=4, seed=3).trajectories.sort_values(["replicate", "step"])
    places = traj[[f"places_{t}" for t in SOLUTIONS]].sum(axis=1)
    offered = places.groupby(traj["replicate"]).transform(lambda x: x.shift(1, fill_value=0).cumsum())
    assert (traj["homes_created"] <= offered).all()

"""The world's fast paths give the bits of the plain ones: compiled Philox, compiled samplers."""

import numpy as np
import pandas as pd
import pytest

from hta_sim import _accel, streams
from hta_sim.world import sampling

compiled = pytest.mark.skipif(not _accel.ON, reason="numba not installed or HTA_SIM_NUMBA=0")


def _numpy_philox(key, year, n):
    """What numpy's Philox keyed ``key`` at counter (0, 0, year, 0) gives, as WorldStream's doubles."""
    philox = np.random.Philox(0)
    state = philox.state
    state["state"]["counter"] = np.array([0, 0, year, 0], dtype=np.uint64)
    state["state"]["key"] = key
    philox.state = state
    raw = philox.random_raw(n)
    return ((raw >> np.uint64(11)) * (1.0 / 9007199254740992.0)).astype(np.float64) + streams.OPEN


@compiled
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 96, 1151, 1152])
def test_compiled_philox_is_numpys_stream(n):
    """Random keys (and the extremes), years up to 2**64 - 1, lengths inside and across blocks."""
    rng = np.random.default_rng(n)
    keys = np.concatenate([rng.integers(0, 2**64, (12, 2), dtype=np.uint64),
                           np.array([[0, 0], [2**64 - 1, 2**64 - 1], [1, 2**63]], dtype=np.uint64)])
    for year in (0, 1, 11, int(rng.integers(2, 2**62)), 2**64 - 1):
        out = np.empty((len(keys), 1, n))
        _accel.philox()(keys, np.uint64(year), streams.OPEN, out)
        for r, key in enumerate(keys):
            assert out[r, 0].tobytes() == _numpy_philox(key, year, n).tobytes(), (year, r)


@compiled
@pytest.mark.parametrize(("runs", "run"), [(1, 1), (3, 5), (96, 12), (7, 3)])
def test_compiled_philox_fills_any_strided_rows_in_c_order(runs, run):
    """A row (runs, run) is the stream in C order, however the memory behind it is laid out."""
    keys = np.random.default_rng(run).integers(0, 2**64, (5, 2), dtype=np.uint64)
    memory = np.empty((runs, len(keys), run))  # runs first: each row strided, as WorldStream writes
    _accel.philox()(keys, np.uint64(3), streams.OPEN, memory.transpose(1, 0, 2))
    for r, key in enumerate(keys):
        assert memory[:, r].ravel().tobytes() == _numpy_philox(key, 3, runs * run).tobytes()


@compiled
def test_the_world_stream_has_the_same_bits_compiled_or_not(monkeypatch):
    rows = max(_accel.MIN_ROWS, 2)
    for seed, cells in ((5, 12), (2**40 + 7, 3)):
        replicates = np.arange(3, 3 + rows)
        for w in (0, 13, 40):
            fast = streams.WorldStream.of(seed, replicates, cells).month(w)
            with monkeypatch.context() as m:
                m.setattr(_accel, "ON", False)
                plain = streams.WorldStream.of(seed, replicates, cells).month(w)
            assert fast.tobytes() == plain.tobytes()
            assert fast.shape == (rows, len(streams.WORLD_PURPOSES), cells)


@compiled
def test_a_replicate_draws_the_same_world_in_a_narrow_or_a_wide_batch():
    wide = streams.WorldStream.of(9, np.arange(_accel.MIN_ROWS + 1), 12)
    narrow = streams.WorldStream.of(9, np.array([_accel.MIN_ROWS]), 12)
    assert np.array_equal(wide.month(30)[-1], narrow.month(30)[0])


@compiled
def test_compiled_runs_of_the_stream_land_where_numpy_puts_them():
    """Runs anywhere in the stream (inside and across blocks, overlapping, reversed), any stride."""
    keys = np.random.default_rng(4).integers(0, 2**64, (6, 2), dtype=np.uint64)
    runs = np.array([[0, 1, 0, 0, 1], [5, 7, 1, 2, 3], [3, 9, 0, 1, 1], [64, 4, 1, 0, 1],
                     [2, 3, 1, 30, -2], [11, 0, 0, 12, 1]], dtype=np.int64)
    dests = (np.zeros((6, 13)), np.zeros((6, 31)))
    _accel.philox_runs()(keys, np.uint64(7), streams.OPEN, runs, dests)
    for r, key in enumerate(keys):
        stream = _numpy_philox(key, 7, 80)
        want = (np.zeros(13), np.zeros(31))
        for src, n, d, start, stride in runs:
            want[d][start + stride * np.arange(n)] = stream[src:src + n]
        assert dests[0][r].tobytes() == want[0].tobytes() and dests[1][r].tobytes() == want[1].tobytes()


@compiled
@pytest.mark.parametrize(("slots", "partner_slots"), [(20, [*range(18), *range(118, 130)]), (0, []),
                                                      (3, [5, 0, 2, 2])])
def test_the_model_stream_has_the_same_bits_compiled_or_not(monkeypatch, slots, partner_slots):
    """``streams.draw``'s compiled path (every purpose, the lever stream too) is the numpy path's."""
    replicates = np.arange(7, 7 + _accel.MIN_ROWS)[::-1].copy()
    fast = streams.draw(2018, replicates, 13, slots, np.array(partner_slots, dtype=np.int64), levers=True)
    monkeypatch.setattr(_accel, "ON", False)
    plain = streams.draw(2018, replicates, 13, slots, np.array(partner_slots, dtype=np.int64), levers=True)
    for name in (*streams.PURPOSES, *streams.LEVER_PURPOSES):
        assert getattr(fast, name).tobytes() == getattr(plain, name).tobytes(), name
        assert getattr(fast, name).shape == getattr(plain, name).shape, name


# --- the samplers: one compiled pass, the bits of the numpy walks -----------------------------------

def _plain(fn, *args):
    """The same call on the numpy path (the compiled passes switched off)."""
    on, _accel.ON = _accel.ON, False
    try:
        return fn(*args)
    finally:
        _accel.ON = on


@pytest.fixture
def _compiled_for_any_size(monkeypatch):
    """The compiled passes even for the few elements some cases here have (normally MIN_ROWS)."""
    monkeypatch.setattr(_accel, "MIN_ROWS", 1)


def _edgy(rng, shape, scale):
    """Uniforms and chances with the edges mixed in: n = 0 and 1, p = 0, 1 and tiny, u near 0 and 1,
    and large n p (the normal approximation)."""
    u = rng.random(shape) + streams.OPEN
    u.flat[rng.integers(0, u.size, u.size // 20)] = 1.0 - 2.0**-53
    u.flat[rng.integers(0, u.size, u.size // 20)] = 2.0**-54
    n = rng.integers(0, scale, shape)
    n.flat[rng.integers(0, n.size, n.size // 3)] = 0
    n.flat[rng.integers(0, n.size, n.size // 20)] = 1
    n.flat[rng.integers(0, n.size, n.size // 50)] = 5000
    p = rng.random(shape) * rng.choice([0.02, 0.3, 1.0], shape)
    for value in (0.0, 1.0, 1e-300, 1e-17, 0.5, -0.25, 1.5):
        p.flat[rng.integers(0, p.size, p.size // 40)] = value
    return u, n, p


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
@pytest.mark.parametrize("seed", range(4))
def test_compiled_binomial_and_poisson_equal_the_numpy_walks(seed):
    rng = np.random.default_rng(seed)
    for shape, scale in (((400, 6, 2), 300), ((3000,), 40), ((50, 7), 2000), ((), 10), ((0, 3), 5)):
        u, n, p = _edgy(rng, shape, scale)
        assert np.array_equal(sampling.binomial(u, n, p), _plain(sampling.binomial, u, n, p))
        lam = p * rng.choice([1.0, 20.0, 60.0], shape)
        assert np.array_equal(sampling.poisson(u, lam), _plain(sampling.poisson, u, lam))


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
def test_compiled_samplers_read_strided_and_broadcast_arrays_as_numpy_does():
    """A month's purpose sliced out of its block, chances by replicate or band, a scalar chance,
    uniforms sliced four axes deep: the same counts as the numpy walks, and as on copies."""
    rng = np.random.default_rng(7)
    block = rng.random((300, 8, 6, 2)) + streams.OPEN
    n = rng.integers(0, 400, (300, 6, 2))
    for p in (rng.random((300, 1, 1)) * 0.2, rng.random((300, 1, 2)) * 0.2, 0.07, np.float64(0.3),
              rng.random((6, 2)) * 0.5):
        for k in (0, 3, 7):
            u = block[:, k]
            fast = sampling.binomial(u, n, p)
            assert np.array_equal(fast, _plain(sampling.binomial, u, n, p))
            assert np.array_equal(fast, sampling.binomial(u.copy(), n, np.broadcast_to(p, n.shape).copy()))
        lam = np.broadcast_to(p, n.shape) * 40
        assert np.array_equal(sampling.poisson(block[:, 1], lam), _plain(sampling.poisson, block[:, 1], lam))
    deep = rng.random((40, 5, 3, 2)) + streams.OPEN
    m = rng.integers(0, 30, (40, 3, 3))
    u = deep[:, 1:4, :, 0]
    chance = rng.random((40, 3, 1)) * 0.4
    assert np.array_equal(sampling.binomial(u, m, chance), _plain(sampling.binomial, u, m, chance))


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
def test_elements_that_share_sizes_and_chances_draw_what_each_draws_alone():
    """Many elements share (n, q): every count as drawn alone, and as the numpy walks draw it."""
    rng = np.random.default_rng(11)
    n = rng.integers(1, 60, 200_000)
    p = rng.choice(rng.random(300) * 0.3, n.size)  # 300 chances x 59 sizes: about 18,000 pairs
    u = rng.random(n.size) + streams.OPEN
    together = sampling.binomial(u, n, p)
    alone = np.concatenate([sampling.binomial(u[i : i + 1], n[i : i + 1], p[i : i + 1])
                            for i in range(0, n.size, 997)])
    assert np.array_equal(together[::997], alone)
    assert np.array_equal(together, _plain(sampling.binomial, u, n, p))


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_ordinary_month_draws_what_the_numpy_month_draws(seed):
    """Stocks from empty to tens of thousands (the normal approximation, in every draw), exit and
    spell chances from 0 to 1, returns on and off: the same stock and flows, month after month."""
    import dataclasses

    import hta_sim
    from hta_sim import engine
    from hta_sim.month import MonthContext
    from hta_sim.world import population

    rng = np.random.default_rng(seed)
    rows = 12
    changes = [{"world.exit_new": float(rng.choice([0.0, 0.03, 0.5, 1.0])),
                "world.exit_long": float(rng.choice([0.0, 0.02, 0.9])),
                "world.to_long": float(rng.choice([0.0, 0.1, 1.0])),
                "world.return_rate": float(rng.choice([0.0, 0.05, 0.7])),
                "mechanisms.returns_to_homelessness": bool(r % 3)} for r in range(rows)]
    base = hta_sim.load("baseline")
    scenarios = [base.with_changes(c) for c in changes]
    layout, p, draws, _ = engine.start(scenarios, engine.roster_of(base), seed, np.arange(rows))
    youth = population.initial_youth(rows) * rng.integers(0, 40, (rows, 1, 8, 2))
    youth[:, population.HOUSED] = rng.integers(0, 5000, (rows, 8, 2))
    youth[rng.random(youth.shape) < 0.2] = 0
    fast, plain = youth.copy(), youth.copy()
    for t in range(-layout.prehistory, -layout.prehistory + 6):
        m = MonthContext.before_alliance(layout, p, t, draws)
        a = population.advance(fast, p, m)
        b = _plain(population.advance, plain, p, m)
        assert np.array_equal(fast, plain) and np.array_equal(a.stacked(), b.stacked()), t
        assert (fast >= 0).all()
    assert dataclasses.is_dataclass(a) and a.whole is not None  # the compiled pass ran


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_solutions_month_houses_whom_the_numpy_month_houses(seed):
    """Stays from none to thousands, places from none to unbounded, no flats to plenty, stays of
    a month, fills of 0 to 1, each switch on and off: the same stock, flows and counts."""
    import hta_sim
    from hta_sim import engine, world
    from hta_sim.month import MonthContext
    from hta_sim.world import housing, population

    rng = np.random.default_rng(seed)
    rows = 12
    changes = [{"flats.turnover": float(rng.choice([0.0, 0.05, 1.0])),
                "flats.ordinary_share": float(rng.choice([0.0, 0.5, 1.0])),
                "solutions.host_home.stay_months": float(rng.choice([1.0, 4.5])),
                "solutions.dormitory.fill_rate": float(rng.choice([0.0, 0.3, 1.0])),
                "solutions.housing_first.fill_rate": float(rng.choice([0.1, 1.0])),
                "mechanisms.housing_constraint": bool(r % 2),
                "mechanisms.dormitory_capacity": bool(r % 3),
                "mechanisms.housing_first_capacity": bool(r % 4)} for r in range(rows)]
    base = hta_sim.load("baseline")
    scenarios = [base.with_changes(c) for c in changes]
    layout, p, draws, state = engine.start(scenarios, engine.roster_of(base), seed, np.arange(rows))
    state.youth[:] = rng.integers(0, 3000, state.youth.shape) * (rng.random(state.youth.shape) < 0.7)
    state.flats[:] = rng.integers(0, 400, state.flats.shape)
    state.municipal_places[:] = rng.integers(0, 2000, state.municipal_places.shape)
    fast, plain = world.rows_of(state, np.arange(rows)), world.rows_of(state, np.arange(rows))
    for t in range(4):
        m = MonthContext.of(layout, p, t, draws)
        a = housing.month(fast.youth, fast, p, m, population.advance(fast.youth, p, m))
        ordinary = _plain(population.advance, plain.youth, p, m)
        b = _plain(housing.month, plain.youth, plain, p, m, ordinary)
        assert np.array_equal(a.stacked(), b.stacked()) and np.array_equal(a.flats_used, b.flats_used), t
        for name in ("youth", "flats_free", "housed_by", "homes", "flats_let"):
            assert getattr(fast, name).tobytes() == getattr(plain, name).tobytes(), (t, name)
        assert (fast.youth >= 0).all()
    assert a.whole is not None and fast.housed_by.sum() > 0  # the compiled pass ran, and housed


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
@pytest.mark.parametrize("seed", range(3))
def test_compiled_adoption_draws_what_the_numpy_adoption_draws(seed):
    """Adopters from none to every municipality of a cell, funded starts, results seen or not,
    financing on and off, chances up to 1: the same adoptions, stops, grants and places."""
    import hta_sim
    from hta_sim import engine, municipalities, world
    from hta_sim.month import MonthContext

    rng = np.random.default_rng(seed)
    rows = 12
    changes = [{"adoption.imitation": float(rng.choice([0.0, 0.3, 1.0])),
                "adoption.financing_boost": float(rng.choice([0.0, 5.0])),
                "adoption.stop_rate": float(rng.choice([0.0, 0.05, 1.0])),
                "adoption.funded_months": float(rng.choice([1.0, 24.0])),
                "mechanisms.adoption_diffusion": bool(r % 4)} for r in range(rows)]
    base = hta_sim.load("baseline")
    scenarios = [base.with_changes(c) for c in changes]
    layout, p, draws, state = engine.start(scenarios, engine.roster_of(base), seed, np.arange(rows))
    sizes = municipalities.SIZES
    some = rng.random(state.adopters.shape) < 0.5
    state.adopters[:] = rng.integers(0, sizes + 1, state.adopters.shape) * some
    state.funded_adopters[:] = rng.integers(0, state.adopters + 1)
    state.visible[:] = rng.random(rows) * 50
    state.unshown[:] = rng.random(rows) * 50 * (rng.random(rows) < 0.8)
    state.pool_budget[:] = rng.choice([0.0, 0.5, 30.0], rows)
    state.places[:] = rng.integers(0, 40, state.places.shape)
    state.solution[:] = rng.integers(0, 3, state.solution.shape)
    state.site[:] = rng.integers(0, 8, state.site.shape)
    fast, plain = world.rows_of(state, np.arange(rows)), world.rows_of(state, np.arange(rows))
    fte = rng.random(rows) * 2
    for t in (0, 30, 31, 60):
        m = MonthContext.of(layout, p, t, draws)
        municipalities.adopt(fast, p, m, fte)
        _plain(municipalities.adopt, plain, p, m, fte)
        for name in ("adopters", "funded_adopters", "pool_budget", "municipal_places"):
            assert getattr(fast, name).tobytes() == getattr(plain, name).tobytes(), (t, name)
    assert (fast.adopters != state.adopters).any()  # the draws had something to do


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
def test_compiled_picks_and_recruits_equal_the_numpy_ones():
    """Categories of no weight, uniforms on an interval's edge, shares broadcast or by row; slots of
    every type and stage, paces from 0 to 2: the same categories, rescaled uniforms, units, places."""
    from types import SimpleNamespace

    import hta_sim
    from hta_sim import engine, solutions
    from hta_sim.vocabulary import STAGES

    rng = np.random.default_rng(5)
    for width in (3, 8):
        shares = rng.random((300, width)) * (rng.random((300, width)) < 0.7)
        shares[:, -1] += 0.01
        shares /= shares.sum(axis=1, keepdims=True)
        u = rng.random(300)
        u[:40] = np.cumsum(shares, axis=1)[:40, rng.integers(0, width)]  # on an edge
        shares[40:60, -1] = 0.0  # short of 1 and the last of no width: u past every edge lands there
        u[40:60] = 0.999
        for given in (shares, np.broadcast_to(shares[0], shares.shape)):
            fast = solutions._pick(u, given)
            plain = _plain(solutions._pick, u, given)
            assert all(a.tobytes() == b.tobytes() for a, b in zip(fast, plain, strict=True))
    base = hta_sim.load("baseline")
    _, p, _, _ = engine.start([base] * 50, engine.roster_of(base), 1, np.arange(50))
    stage = rng.integers(0, len(STAGES), (50, 32))

    def slots():
        return SimpleNamespace(stage=stage.copy(), solution=rng.integers(0, 3, (50, 32)),
                               units=rng.random((50, 32)) * 5, places=np.zeros((50, 32), dtype=np.int64))

    a = slots()
    per = np.take_along_axis(solutions.places_per_unit(p), a.solution, axis=1)
    whole = rng.integers(1, 9, (50, 32))
    near = rng.random((50, 32)) < 0.3  # units whose places fall just short of a whole number
    a.units[near] = ((whole - 5e-9) / per)[near]
    b = SimpleNamespace(**{k: v.copy() for k, v in vars(a).items()})
    pace = rng.random((50, 32)) * 2 * (rng.random((50, 32)) < 0.8)
    pace[near] = 0.0
    solutions.recruit(a, p, pace)
    _plain(solutions.recruit, b, p, pace)
    assert a.units.tobytes() == b.units.tobytes() and a.places.tobytes() == b.places.tobytes()
    assert a.places.sum() > 0


# --- whole months: the compiled passes of the world and the numpy path, bit for bit ----------------

#: Scenario variants that reach the passes' edges: places off (UNBOUNDED room, the normal
#: approximation's fills), flats never short, one-month stays, full fills, no flats at all, financing.
VARIANTS = [
    {},
    {"mechanisms.dormitory_capacity": False, "mechanisms.housing_first_capacity": False,
     "solutions.dormitory.fill_rate": 0.9, "solutions.housing_first.fill_rate": 1.0},
    {"mechanisms.housing_constraint": False, "solutions.host_home.stay_months": 1.0,
     "solutions.host_home.fill_rate": 1.0, "mechanisms.host_home_capacity": False},
    {"flats.stock": 0, "flats.turnover": 0.0, "adoption.imitation": 0.9,
     "adoption.financing_boost": 5.0, "initiatives.launch_rate": 0.6},
]


def _final_state(compiled_on: bool, monkeypatch, replicates: int = 6):
    """Every field of the state after a short mixed batch, and its trajectories, on one path."""
    import dataclasses

    import hta_sim
    from hta_sim import engine

    base = hta_sim.load("baseline").with_changes({"time.end": "2021-12",
                                                  "time.pulse_dates": ["2018-10", "2020-10"]})
    scenarios = [base.with_changes(VARIANTS[r % len(VARIANTS)]) for r in range(replicates)]
    with monkeypatch.context() as m:
        m.setattr(_accel, "ON", compiled_on and _accel.ON)
        m.setattr(_accel, "MIN_ROWS", 1)
        roster = engine.roster_of(scenarios[0])
        layout, p, draws, state = engine.start(scenarios, roster, 3, np.arange(replicates))
        rec = engine.Recorder(np.arange(replicates), layout)
        engine.simulate_batch(state, p, layout, draws, rec)
    fields = {f.name: np.asarray(getattr(state, f.name)) for f in dataclasses.fields(state)}
    return fields, rec.trajectories("t", 3)


@compiled
def test_a_mixed_batch_ends_in_the_same_state_compiled_or_not(monkeypatch):
    fast, fast_rows = _final_state(True, monkeypatch)
    plain, plain_rows = _final_state(False, monkeypatch)
    assert fast.keys() == plain.keys()
    for name, value in fast.items():
        assert value.dtype == plain[name].dtype and value.tobytes() == plain[name].tobytes(), name
    assert fast_rows.equals(plain_rows)
    assert fast["housed_by"].sum() > 0 and fast["adopters"].sum() > 0  # the passes had work to do


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
@pytest.mark.parametrize("p_shape", [(1, 1, 1, 2), (40, 3, 1, 1), (40, 1, 1, 1), (40, 1, 5, 2), (1, 3, 5, 1),
                                     (40, 3, 1, 2), (3, 5, 2), (2,), (), (40, 3, 5, 2)])
def test_compiled_binomial_reads_any_broadcast_chance_as_its_copy_would(p_shape):
    """Chances by band, by replicate and type, by replicate only, and patterns whose varying axes
    are not consecutive (those are copied): the counts of the numpy walks, and of the copied chance."""
    rng = np.random.default_rng(len(p_shape) * 7 + sum(p_shape))
    u, n, _ = _edgy(rng, (40, 3, 5, 2), 400)
    p = rng.random(p_shape) * rng.choice([0.02, 0.3, 1.0], p_shape)
    fast = sampling.binomial(u, n, p)
    assert np.array_equal(fast, _plain(sampling.binomial, u, n, p))
    assert np.array_equal(fast, sampling.binomial(u, n, np.broadcast_to(p, n.shape).copy()))
    block, inner = sampling._columns(p, n.shape)
    flat = np.broadcast_to(p, n.shape).reshape(len(n), -1)
    j = np.arange(flat.shape[1])
    assert np.array_equal(np.broadcast_to(block[:, (j // inner) % block.shape[1]], flat.shape), flat)


@compiled
@pytest.mark.usefixtures("_compiled_for_any_size")
def test_compiled_places_by_cell_equal_the_bincount():
    """Slots of every type and site, empty and large ones: the initiatives' places by cell."""
    from types import SimpleNamespace

    from hta_sim import solutions
    from hta_sim.vocabulary import MUNICIPALITIES, SOLUTIONS

    rng = np.random.default_rng(3)
    for rows, slots in ((1, 1), (5, 12), (300, 40)):
        s = SimpleNamespace(stage=np.zeros((rows, slots), dtype=np.int64),
                            solution=rng.integers(0, len(SOLUTIONS), (rows, slots)),
                            site=rng.integers(0, len(MUNICIPALITIES), (rows, slots)),
                            places=rng.integers(0, 3, (rows, slots)) * rng.integers(0, 10**6, (rows, slots)))
        fast = solutions.counted(s)
        assert fast.dtype == np.int64 and np.array_equal(fast, _plain(solutions.counted, s))


def test_the_world_before_the_alliance_is_remembered_exactly():
    """A second run of the same world (same seed, replicates, world parameters) reads the months
    before the alliance from the memo: the same bits as running them, and a changed world misses."""
    import hta_sim
    from hta_sim import world

    world.PREHISTORY.clear()
    fresh = hta_sim.simulate("baseline", 3, 5)
    assert len(world.PREHISTORY) == 1
    again = hta_sim.simulate(hta_sim.load("baseline").with_changes({"mechanisms.stake": False}), 3, 5)
    assert len(world.PREHISTORY) == 1  # an alliance change shares the world
    world.PREHISTORY.clear()
    cold = hta_sim.simulate(hta_sim.load("baseline").with_changes({"mechanisms.stake": False}), 3, 5)
    pd.testing.assert_frame_equal(again.trajectories, cold.trajectories, check_exact=True)
    pd.testing.assert_frame_equal(again.census, cold.census, check_exact=True)
    hta_sim.simulate(hta_sim.load("baseline").with_changes({"world.exit_new": 0.2}), 3, 5)
    assert len(world.PREHISTORY) == 2  # another world is run, not read
    assert not fresh.trajectories.equals(cold.trajectories)


@pytest.mark.parametrize("world_change", [{}, {"world.exit_new": [0.05, 0.2, 0.05]}])
def test_rows_that_share_a_world_run_its_months_once_with_the_same_bits(monkeypatch, world_change):
    """Shared draws (common random numbers): the distinct rows' months, copied, are every row's own;
    rows that differ in a world parameter are distinct worlds."""
    import hta_sim
    from hta_sim import engine, world
    from hta_sim.params import compile_columns

    base = hta_sim.load("baseline")
    roster = engine.roster_of(base)
    values = {"engagement.base": [0.4, 0.5, 0.6], **world_change}
    per_run = {name: [v for v in vals for _ in range(2)] for name, vals in values.items()}
    layout, p = compile_columns(base, roster, 6, per_run)
    draws = streams.draw(4, np.arange(2), layout.steps, base.initiatives.slots, roster.slots,
                         world_cells=world.population.CELLS).shared(np.tile(np.arange(2), 3))
    world.PREHISTORY.clear()
    once = engine.begin(roster, layout, p, draws, 6, base.initiatives.slots)
    assert len(world.PREHISTORY) == 1  # the distinct rows' world, remembered
    monkeypatch.setattr(world, "_distinct_rows", lambda *_: None)
    world.PREHISTORY.clear()
    every = engine.begin(roster, layout, p, draws, 6, base.initiatives.slots)
    for name in world.WORLD_FIELDS:
        assert getattr(once, name).tobytes() == getattr(every, name).tobytes(), name
    worlds = 4 if world_change else 2
    assert len({r.tobytes() for r in every.census.reshape(6, -1)}) == worlds

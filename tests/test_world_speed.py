"""The world's fast paths give the bits of the plain ones: compiled Philox, compiled samplers."""

import numpy as np
import pytest

from hta_sim import _accel, streams

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

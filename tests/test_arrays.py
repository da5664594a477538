"""The order-fixed reductions: left-to-right sums, the same bits compiled (numba) or not."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hta_sim import _accel
from hta_sim.arrays import count, masked_mean, ordered_sum, row_argmax, row_max

values = st.floats(allow_nan=True, allow_infinity=True, width=64)
shapes = st.tuples(st.integers(1, 6), st.integers(1, 100))  # beyond arrays.LONG_AXIS too


@pytest.fixture(autouse=True, scope="module")
def _compiled_for_small_batches():
    """Use the compiled reductions even for the few rows drawn here (normally from MIN_ROWS)."""
    rows, _accel.MIN_ROWS = _accel.MIN_ROWS, 1
    yield
    _accel.MIN_ROWS = rows


def _numpy_path(fn, *args):
    """The same call with the compiled reductions switched off."""
    on, _accel.ON = _accel.ON, False
    try:
        return fn(*args)
    finally:
        _accel.ON = on


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes)
def test_ordered_sum_is_left_to_right(data, shape):
    x = data.draw(arrays(np.float64, shape, elements=st.floats(-1e6, 1e6, width=64)))
    expected = np.cumsum(x, axis=-1)[:, -1]
    assert np.array_equal(ordered_sum(x), expected)


@pytest.mark.skipif(not _accel.ON, reason="numba not installed")
@settings(max_examples=80, deadline=None)
@given(data=st.data(), shape=shapes, dtype=st.sampled_from([np.float64, np.int64, np.bool_]))
def test_compiled_sums_equal_numpy_bit_for_bit(data, shape, dtype):
    elements = values if dtype is np.float64 else None
    x = data.draw(arrays(dtype, shape, elements=elements))
    fast = ordered_sum(x)
    slow = _numpy_path(ordered_sum, x)
    assert fast.tobytes() == slow.tobytes()


@pytest.mark.skipif(not _accel.ON, reason="numba not installed")
@settings(max_examples=80, deadline=None)
@given(data=st.data(), shape=shapes)
def test_compiled_masked_mean_equals_numpy_bit_for_bit(data, shape):
    x = data.draw(arrays(np.float64, shape, elements=values))
    mask = data.draw(arrays(np.bool_, shape))
    fast = masked_mean(x, mask)
    slow = _numpy_path(masked_mean, x, mask)
    assert fast.tobytes() == slow.tobytes()


@pytest.mark.skipif(not _accel.ON, reason="numba not installed")
@settings(max_examples=80, deadline=None)
@given(data=st.data(), shape=shapes)
def test_compiled_counts_maxima_and_argmaxima_equal_numpy(data, shape):
    x = data.draw(arrays(np.float64, shape, elements=values | st.sampled_from([0.0, -0.0, 1.0])))
    mask = data.draw(arrays(np.bool_, shape))
    for fn, arg, expected in ((count, mask, np.sum(mask, axis=-1)), (row_max, x, np.max(x, axis=-1)),
                              (row_argmax, x, np.argmax(x, axis=-1)),
                              (row_argmax, mask, np.argmax(mask, axis=-1))):
        # The sign of a zero maximum (a row holding both 0.0 and -0.0) is not checked: numpy's own
        # answer depends on its SIMD blocking, and the rules only compare maxima (-0.0 == 0.0) or
        # divide by a positive total; everything else must match bit for bit.
        zero_sign = fn is not row_max
        assert _same(fn(arg), expected, zero_sign), fn.__name__
        assert _same(_numpy_path(fn, arg), expected, zero_sign), fn.__name__


def _same(a, b, zero_sign=True):
    """Equal values and dtypes, signed zeros told apart; any NaN equals any NaN (no payloads)."""
    signs = np.array_equal(np.signbit(a) & ~np.isnan(a), np.signbit(b) & ~np.isnan(b)) \
        if a.dtype.kind == "f" and zero_sign else True
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f") and signs


def test_masked_mean_of_nothing_is_nan():
    out = masked_mean(np.ones((2, 3)), np.zeros((2, 3), dtype=bool))
    assert np.isnan(out).all()


def test_sums_along_other_axes():
    x = np.arange(24, dtype=float).reshape(2, 3, 4)
    assert np.array_equal(ordered_sum(x, axis=1), x.sum(axis=1))
    assert ordered_sum(np.zeros((3, 0))).shape == (3,)

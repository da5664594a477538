"""Preloaded into the forkserver that local worker processes start from: the batch code, and the
compiled reductions loaded from numba's cache once (a second or more per process otherwise), so
each forked worker starts ready.
"""

import numpy as np

from .. import _accel
from . import batch  # noqa: F401 - imported for its side effect: loaded before workers fork


def _warm() -> None:
    """Call each compiled reduction once per array kind the kernel passes (loads it from cache)."""
    row_sum, row_masked_mean, row_count, row_max, row_argmax = _accel.kernels()
    for x in (np.zeros((2, 3)), np.zeros((2, 6))[:, ::2]):  # contiguous and strided
        row_sum(x), row_max(x), row_argmax(x), row_masked_mean(x, np.ones((2, 3), np.uint8))
    for m in (np.zeros((2, 3), np.uint8), np.zeros((2, 6), np.uint8)[:, ::2]):
        row_sum(m), row_count(m), row_argmax(m)
    row_sum(np.zeros((2, 3), np.int64))


if _accel.ON:
    _warm()

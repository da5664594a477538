"""Compiled versions of the reductions in ``arrays`` (numba), used when numba is installed.

They add in exactly the order the numpy versions do (left to right along the row, no fast-math, so
no reassociation and no fused multiply-add), so a result has the same bits with or without them;
``tests/test_arrays.py`` checks that on random data. They only remove numpy's per-row overhead on
the short partner and slot axes, where it dominates. Set HTA_SIM_NUMBA=0 to switch them off.
"""

from __future__ import annotations

import os

import numpy as np

ON = False
if os.environ.get("HTA_SIM_NUMBA", "1") != "0":
    try:
        import numba
    except ImportError:  # numba is optional (pip install "hta-sim[fast]")
        numba = None
    if numba is not None:
        ON = True

        @numba.njit(cache=True, nogil=True)
        def row_sum(x):  # pragma: no cover - compiled
            """((x0 + x1) + x2) + ... for each row of a 2-D array (bool arrays as uint8 views)."""
            out = np.empty(x.shape[0])
            for r in range(x.shape[0]):
                acc = np.float64(x[r, 0])
                for j in range(1, x.shape[1]):
                    acc += x[r, j]
                out[r] = acc
            return out

        @numba.njit(cache=True, nogil=True)
        def row_masked_mean(x, m):  # pragma: no cover - compiled
            """Mean of each row of x where m (uint8) is set, NaN where none is; the order of row_sum."""
            out = np.empty(x.shape[0])
            for r in range(x.shape[0]):
                acc = x[r, 0] if m[r, 0] else 0.0
                n = np.int64(m[r, 0] != 0)
                for j in range(1, x.shape[1]):
                    acc += x[r, j] if m[r, j] else 0.0
                    n += m[r, j] != 0
                out[r] = acc / n if n > 0 else np.nan
            return out

"""Order-fixed arithmetic helpers, so a replicate's numbers never depend on the batch around it.

numpy's ``sum`` uses pairwise summation whose grouping can change with array shape and memory layout,
and ``@`` calls BLAS; both can change the last bits of a result. A cumulative sum adds strictly left to
right, so ``ordered_sum`` gives the same bits for a row alone or inside any batch.
"""

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _accel

Array = npt.NDArray[np.float64]  # numbers over (replicate,), (replicate, partner) or (replicate, slot)
Mask = npt.NDArray[np.bool_]  # yes/no over the same axes
Codes = npt.NDArray[np.int64]  # whole numbers over the same axes: rungs, stages, partner indices

#: Above this many entries along the summed axis, a running sum beats a Python loop over columns.
LONG_AXIS = 64


def ordered_sum(x: npt.NDArray[Any], axis: int = -1) -> Array:
    """Sum along ``axis`` in a fixed left-to-right order (counts of booleans may use np.sum).

    ((x0 + x1) + x2) + ..., one vector add per element of the axis: the same bits as the last entry
    of ``np.cumsum(x, axis, dtype=float)``, and several times faster on the short axes here
    (partners, initiative slots), since each add runs over all replicates at once.
    """
    x = np.asarray(x)
    if x.ndim == 2 and axis in (-1, 1) and x.shape[1] > 0 and _accel.use(*x.shape[:2]):
        summed: Array = _accel.kernels()[0](x.view(np.uint8) if x.dtype == bool else x)
        return summed
    if axis not in (-1, x.ndim - 1):
        x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    if n == 0:
        return np.zeros(x.shape[:-1])
    if n > LONG_AXIS:  # many partners: numpy's own running sum, the same order, fewer Python steps
        running: Array = np.cumsum(x, axis=-1, dtype=float)
        return running[..., -1]
    total: Array = x[..., 0].astype(float)  # a copy
    for j in range(1, n):
        total += x[..., j]
    return total


def masked_mean(x: Array, mask: Mask, axis: int = -1) -> Array:
    """Mean of x where mask holds; NaN where the mask is empty."""
    if x.ndim == 3 and axis in (1, -2) and _accel.use(*x.shape[:2]):
        return masked_mean_over(x, mask, axis)
    if x.ndim == 2 and axis in (-1, 1) and x.shape[1] > 0 and x.dtype == np.float64 and \
            _accel.use(*x.shape[:2]):
        m = np.ascontiguousarray(np.broadcast_to(mask, x.shape)).view(np.uint8)
        mean: Array = _accel.kernels()[1](x, m)
        return mean
    n = ordered_sum(mask, axis=axis)  # a count, exact in any order; this order is just the fastest
    total = ordered_sum(np.where(mask, x, 0.0), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def masked_mean_over(x: Array, mask: Mask, axis: int) -> Array:
    """masked_mean along an inner axis of a 3-D array, by rows: the same order, so the same bits."""
    xs = np.moveaxis(x, axis, -1)
    ms = np.moveaxis(np.broadcast_to(mask, x.shape), axis, -1)
    flat = masked_mean(np.ascontiguousarray(xs).reshape(-1, xs.shape[-1]),
                       np.ascontiguousarray(ms).reshape(-1, xs.shape[-1]))
    return flat.reshape(xs.shape[:-1])


def masked_std(x: Array, mask: Mask, axis: int = -1) -> Array:
    """Population standard deviation of x where mask holds; NaN where the mask is empty."""
    mean = masked_mean(x, mask, axis)
    dev = np.where(mask, x - np.expand_dims(mean, axis), 0.0)
    return np.sqrt(masked_mean(dev * dev, mask, axis))


def count(mask: Mask) -> Codes:
    """How many entries of each row hold (R, P) -> (R,) int64: ``np.sum(mask, axis=-1)``."""
    if mask.ndim == 2 and mask.shape[1] > 0 and _accel.use(*mask.shape):
        counted: Codes = _accel.kernels()[2](np.asarray(mask, dtype=bool).view(np.uint8))
        return counted
    return np.sum(mask, axis=-1)


def row_max(x: Array) -> Array:
    """Largest entry of each row (R, P) -> (R,): ``np.max(x, axis=-1)`` (exact in any order).

    Compiled or not, the value is the same; only the sign of a zero maximum in a row holding both
    0.0 and -0.0 may differ (numpy's own answer depends on its SIMD blocking), so rules only compare
    maxima or divide by them when positive.
    """
    if x.ndim == 2 and x.shape[1] > 0 and x.dtype == np.float64 and _accel.use(*x.shape[:2]):
        largest: Array = _accel.kernels()[3](x)
        return largest
    return np.max(x, axis=-1)


def row_argmax(x: npt.NDArray[np.float64 | np.bool_]) -> Codes:
    """Index of the first largest entry of each row: ``np.argmax(x, axis=-1)``."""
    if x.ndim == 2 and x.shape[1] > 0 and x.dtype in (np.float64, np.bool_) and _accel.use(*x.shape[:2]):
        first: Codes = _accel.kernels()[4](x.view(np.uint8) if x.dtype == np.bool_ else x)
        return first
    return np.argmax(x, axis=-1)


def squash(z: Array) -> Array:
    """A smooth, odd, saturating response in (-1, 1): z / (1 + |z|), exact in IEEE arithmetic."""
    return z / (1.0 + np.abs(z))


def half_and_half(x: Array) -> Array:
    """0.5 + 0.5 x for x in [0, 1]: half regardless, half in proportion.

    The model's one curve for what partly depends on something: progress reaching a partner half
    whatever its distance (minutes, newsletters) and half with closeness; a pulse level that
    alignment, closeness or shown results raise from half to full.
    """
    return 0.5 + 0.5 * x

"""Designs: which points of parameter space a sweep runs, drawn with SALib (or a full grid).

A design is a table of points, one column per parameter, holding the values a scenario stores
(numbers, switches, policy names, months). SALib samples continuous numbers; a parameter given as
a list of values, or a whole-number range, is sampled on [0, n) and mapped to its n values by
floor, so every design method treats every kind of parameter. The raw SALib sample is kept beside
the values: sensitivity analysis (``hta-sim sensitivity``) needs exactly what SALib drew.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..arrays import Array
from .spec import Parameter, SweepSpec, canonical, kind_of

#: The pandas dtypes a discrete parameter's column takes (nullable, so an unset month stays NA).
Dtype = Literal["boolean", "Int64", "float64", "string"]


@dataclass(frozen=True)
class Design:
    points: pd.DataFrame  # one row per point; columns: the parameters' dotted names
    sample: Array  # (points, parameters): the raw sample, in the problem's bounds
    problem: dict[str, Any]  # SALib's problem: names and bounds

    @property
    def size(self) -> int:
        return len(self.points)


def _bounds(p: Parameter) -> tuple[float, float]:
    """A range's (low, high); the spec's validator gives a parameter either both or values."""
    if p.low is None or p.high is None:
        raise ValueError(f"parameter {p.name!r} is given as values, not a range")
    return p.low, p.high


def choices(spec: SweepSpec, p: Parameter) -> list[Any] | None:
    """The discrete values a parameter takes (canonical), or None for a continuous range."""
    if p.values is not None:
        return [canonical(spec.base, p.name, v, p.name) for v in p.values]
    if kind_of(spec.base, p.name) == "int":
        low, high = _bounds(p)
        return list(range(int(low), int(high) + 1))
    return None


def problem(spec: SweepSpec) -> dict[str, Any]:
    """SALib's problem: a range's own bounds; [0, n] for a parameter with n discrete values."""
    bounds = []
    for p in spec.parameters:
        c = choices(spec, p)
        bounds.append([0.0, float(len(c))] if c is not None else [float(end) for end in _bounds(p)])
    return {"num_vars": len(spec.parameters), "names": [p.name for p in spec.parameters],
            "bounds": bounds}


def size(spec: SweepSpec) -> int:
    """How many points the design has, without drawing it (for checks and progress)."""
    d, D = spec.design, len(spec.parameters)
    if d.method == "grid":
        return math.prod(len(_grid_axis(spec, p)) for p in spec.parameters)
    if d.method == "sobol":
        return d.samples * (2 * D + 2 if d.second_order else D + 2)
    if d.method == "morris":
        return d.samples * (D + 1)
    return d.samples


def build(spec: SweepSpec) -> Design:
    """Draw the design (deterministic: the design's seed, or else the sweep's)."""
    prob = problem(spec)
    d = spec.design
    seed = spec.seed if d.seed is None else d.seed
    if d.method == "grid":
        axes = [_grid_axis(spec, p) for p in spec.parameters]
        rows = list(itertools.product(*axes))
        points = pd.DataFrame({
            p.name: (pd.array([r[j] for r in rows], dtype=_dtype(axes[j])) if choices(spec, p) is not None
                     else np.array([r[j] for r in rows], dtype=float))
            for j, p in enumerate(spec.parameters)})
        return Design(points, _grid_sample(spec, points), prob)
    if d.method == "sobol":
        from SALib.sample import sobol

        sample = sobol.sample(prob, d.samples, calc_second_order=d.second_order, seed=seed)
    elif d.method == "morris":
        from SALib.sample import morris

        sample = morris.sample(prob, d.samples, num_levels=d.levels, seed=seed)
    else:
        from SALib.sample import latin

        sample = latin.sample(prob, d.samples, seed=seed)
    return Design(_values(spec, sample), sample, prob)


def _values(spec: SweepSpec, sample: Array) -> pd.DataFrame:
    """Map a raw sample to the values scenarios store."""
    columns: dict[str, Array | pd.api.extensions.ExtensionArray] = {}
    for j, p in enumerate(spec.parameters):
        c = choices(spec, p)
        if c is None:
            columns[p.name] = sample[:, j].astype(float)
        else:
            idx = np.clip(np.floor(sample[:, j]).astype(np.int64), 0, len(c) - 1)
            columns[p.name] = pd.array([c[i] for i in idx], dtype=_dtype(c))
    return pd.DataFrame(columns)


def _grid_axis(spec: SweepSpec, p: Parameter) -> list[Any]:
    c = choices(spec, p)
    if c is not None:
        return c
    grid: list[Any] = np.linspace(*_bounds(p), p.levels or spec.design.levels).tolist()
    return grid


def _grid_sample(spec: SweepSpec, points: pd.DataFrame) -> Array:
    """A grid's points in the problem's coordinates (value index + 0.5 for discrete parameters)."""
    out = np.empty((len(points), len(spec.parameters)))
    for j, p in enumerate(spec.parameters):
        c = choices(spec, p)
        col = points[p.name]
        out[:, j] = col.to_numpy(float) if c is None else \
            [c.index(None if v is pd.NA else v) + 0.5 for v in col]
    return out


def _dtype(values: list[Any]) -> Dtype:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Int64"
    if all(isinstance(v, float) for v in values):
        return "float64"
    return "string"

"""The alliance's world: the young people it exists for, as a stock of whole people and its flows.

The world starts before the alliance (``world.start``), on its own random stream, so that the
national counts of 2009-2017 come from the model itself; from the alliance's first month on it
runs inside the kernel's step, before the alliance's rules, and its young people also enter and
leave the alliance's solutions (``housing``), on the solutions' own stream.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.typing as npt

from ..arrays import Codes
from ..month import MonthContext
from ..parameters import Params
from ..params import Layout
from ..state import State
from ..streams import Draws, Index
from . import housing, population

#: Every flow recorded each month, (replicate, flow, municipality, band): the ordinary world's,
#: then the solutions'.
FLOWS = (*population.FLOWS, *housing.FLOWS)


def month(s: State, p: Params, m: MonthContext) -> None:
    """One month of the world: its flows, and on the count's date the count."""
    flows = population.advance(s.youth, p, m)
    s.youth_flows[:, : len(population.FLOWS)] = flows.stacked()
    if m.solutions is not None:
        s.youth_flows[:, len(population.FLOWS):] = housing.month(s.youth, s, p, m, flows).stacked()
    if m.census_due:
        s.census[:, m.census_step] = population.homeless(s.youth)


#: The world's state at the alliance's step 0, by everything that decides it (``_key``): the months
#: before the alliance read only the world's parameters, its stream and the calendar, so a batch
#: that repeats them (tests, the Mesa model, scenario variants of one seed) need not run them again.
#: A memo of results, not of random state: a hit gives exactly the arrays the months would give.
PREHISTORY: OrderedDict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
PREHISTORY_SIZE = 8
MEMO_ROWS = 512  # wider batches amortise the months themselves; the memo stays a few MB
WORLD_FIELDS = ("youth", "youth_flows", "census")  # all the months before the alliance write


def before_alliance(s: State, p: Params, layout: Layout, draws: Draws) -> None:
    """The world's months before the alliance's step 0 (``world.start`` to ``time.start``)."""
    distinct = _distinct_rows(s, p, draws)
    if distinct is not None:
        _each_world_once(s, p, layout, draws, *distinct)
        return
    key = _key(s, p, layout, draws)
    if key is not None and key in PREHISTORY:
        PREHISTORY.move_to_end(key)
        for name, saved in zip(WORLD_FIELDS, PREHISTORY[key], strict=True):
            getattr(s, name)[:] = saved
        return
    for t in range(-layout.prehistory, 0):
        month(s, p, MonthContext.before_alliance(layout, p, t, draws))
    if key is not None:
        youth, flows, census = (getattr(s, name).copy() for name in WORLD_FIELDS)
        PREHISTORY[key] = (youth, flows, census)
        while len(PREHISTORY) > PREHISTORY_SIZE:
            PREHISTORY.popitem(last=False)


def _each_world_once(s: State, p: Params, layout: Layout, draws: Draws, first: Index,
                     inverse: Index) -> None:
    """The months before the alliance for the distinct rows ``first`` alone, copied to every row
    (``inverse``: each row's distinct one).

    Batches that share a few replicates' draws (a sweep's common random numbers: its points times
    10 replicates) hold many rows of one world before the alliance, and a row's months depend on its
    own inputs alone. The few distinct rows are also few enough for the memo, so every batch of a
    sweep after a process's first reads them from it.
    """
    assert draws.world is not None and draws.world.rows is not None  # as _distinct_rows found
    few = dataclasses.replace(draws, world=draws.world.shared(np.asarray(draws.world.rows)[first]))
    sub = rows_of(s, first)
    before_alliance(sub, rows_of(p, first), layout, few)
    for name in WORLD_FIELDS:
        getattr(s, name)[:] = getattr(sub, name)[inverse]


def _distinct_rows(s: State, p: Params, draws: Draws) -> tuple[Index, Index] | None:
    """(first row of each distinct world, each row's distinct world) where rows share draws and
    fewer worlds than rows run; None otherwise. Rows are alike when every input of ``_key`` is."""
    w = draws.world
    if w is None or w.rows is None:
        return None  # every replicate its own stream: every row its own world
    inputs = np.concatenate([np.asarray(w.rows, dtype=np.int64)[:, None], _row_inputs(s, p)], axis=1)
    seen: dict[bytes, int] = {}  # a row's bytes -> its world, numbered in order of first sight
    inverse = np.array([seen.setdefault(row.tobytes(), len(seen)) for row in inputs], dtype=np.int64)
    if len(seen) == len(inputs):
        return None
    _, first = np.unique(inverse, return_index=True)
    return first, inverse


def _row_inputs(s: State, p: Params) -> Codes:
    """(R, n) what each row's months before the alliance read of its own, as bits: its starting
    stock, the returns switch and the world's parameters (``_key`` adds what a batch shares)."""
    R = len(s.youth)
    columns = [s.youth.reshape(R, -1), s.census.reshape(R, -1),
               _bits(p.mechanisms.returns_to_homelessness, R)]
    columns += [_bits(getattr(p.world, f.name), R) for f in dataclasses.fields(p.world)]
    return np.concatenate(columns, axis=1)


def _bits(x: npt.NDArray[np.float64], rows: int) -> Codes:
    """(rows, n) a parameter's values as their bits: equal rows are exactly equal numbers."""
    return np.ascontiguousarray(x, dtype=np.float64).reshape(rows, -1).view(np.int64)


def rows_of[T](values: T, rows: Index) -> T:
    """The same dataclass of arrays (State, Params and their sections) with only ``rows`` kept."""
    kept: T = _taken(values, rows)
    return kept


def _taken(values: Any, rows: Index) -> Any:
    if isinstance(values, np.ndarray):
        return np.take(values, rows, axis=0)
    return dataclasses.replace(values, **{f.name: _taken(getattr(values, f.name), rows)
                                          for f in dataclasses.fields(values)})


def _key(s: State, p: Params, layout: Layout, draws: Draws) -> bytes | None:
    """Everything the months before the alliance read: the world's stream (keys and rows), the
    calendar, the world's parameters, the returns switch and the starting stock; None: no stream."""
    w = draws.world
    if w is None or len(s.youth) > MEMO_ROWS:
        return None
    parts = [w.keys.tobytes(), b"-" if w.rows is None else np.asarray(w.rows).tobytes(),
             repr((layout.prehistory, layout.census_steps, s.youth.shape, s.census.shape)).encode(),
             _row_inputs(s, p).tobytes()]
    return b"|".join(parts)

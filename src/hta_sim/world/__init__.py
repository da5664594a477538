"""The alliance's world: the young people it exists for, as a stock of whole people and its flows.

The world starts before the alliance (``world.start``), on its own random stream, so that the
national counts of 2009-2017 come from the model itself; from the alliance's first month on it
runs inside the kernel's step, before the alliance's rules, and its young people also enter and
leave the alliance's solutions (``housing``), on the solutions' own stream.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

import numpy as np

from ..month import MonthContext
from ..parameters import Params
from ..params import Layout
from ..state import State
from ..streams import Draws
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


def _key(s: State, p: Params, layout: Layout, draws: Draws) -> bytes | None:
    """Everything the months before the alliance read: the world's stream (keys and rows), the
    calendar, the world's parameters, the returns switch and the starting stock; None: no stream."""
    w = draws.world
    if w is None or len(s.youth) > MEMO_ROWS:
        return None
    parts = [w.keys.tobytes(), b"-" if w.rows is None else np.asarray(w.rows).tobytes(),
             repr((layout.prehistory, layout.census_steps, s.youth.shape, s.census.shape)).encode(),
             p.mechanisms.returns_to_homelessness.tobytes(), s.youth.tobytes(), s.census.tobytes()]
    parts += [np.ascontiguousarray(getattr(p.world, f.name)).tobytes()
              for f in dataclasses.fields(p.world)]
    return b"|".join(parts)

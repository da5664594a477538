"""The alliance's world: the young people it exists for, as a stock of whole people and its flows.

The world starts before the alliance (``world.start``), on its own random stream, so that the
national counts of 2009-2017 come from the model itself; from the alliance's first month on it
runs inside the kernel's step, before the alliance's rules, and its young people also enter and
leave the alliance's solutions (``housing``), on the solutions' own stream.
"""

from __future__ import annotations

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


def before_alliance(s: State, p: Params, layout: Layout, draws: Draws) -> None:
    """The world's months before the alliance's step 0 (``world.start`` to ``time.start``)."""
    for t in range(-layout.prehistory, 0):
        month(s, p, MonthContext.before_alliance(layout, p, t, draws))

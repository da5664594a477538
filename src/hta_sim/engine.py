"""The vectorised runner: many replicates at once, through the same kernel the Mesa model steps.

Replicates are processed in chunks (arrays over chunk x partners); each replicate's numbers depend
only on the seed, its replicate number and its own parameters, so chunking, batch size and the number
of workers never change a result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from . import kernel, streams, world
from .month import MonthContext
from .parameters import Params
from .params import Layout, check, compile_columns, compile_params, roster_of
from .recorder import MonthSink, Recorder
from .roster import Roster
from .scenario import Scenario
from .state import State, initial_state
from .vocabulary import SOLUTIONS
from .world import housing, population

__all__ = ["DEFAULT_CHUNK", "advance", "begin", "check", "roster_of", "run", "run_chunk",
           "run_columns", "simulate_batch", "start", "uses_lever_stream"]

DEFAULT_CHUNK = 2000
Replicates = npt.NDArray[np.int64]
#: The scenario sections whose rules draw from the lever stream (``streams.draw_levers``).
LEVER_SECTIONS = ("development_pool", "board_ownership")


def uses_lever_stream(scenario: Scenario, varied: Iterable[str] = ()) -> bool:
    """Whether a batch on ``scenario`` may draw from the lever stream: a lever is on in it, or one
    of the ``varied`` dotted names (values that differ per replicate) lies in a lever's section."""
    on = any(getattr(scenario, section).enabled for section in LEVER_SECTIONS)
    return on or any(name.split(".")[0] in LEVER_SECTIONS for name in varied)


def start(scenarios: Sequence[Scenario], roster: Roster, seed: int, replicates: Replicates,
          reuse: streams.Draws | None = None) -> tuple[Layout, Params, streams.Draws, State]:
    """Everything a run needs before month 0: layout, parameters, draws and the initial state.

    ``reuse``: a finished batch's draws, whose memory the new draws may take over.
    """
    layout, p = compile_params(list(scenarios), roster)
    slots = scenarios[0].initiatives.slots
    if any(s.initiatives.slots != slots for s in scenarios):
        raise ValueError("scenarios in one batch must share initiatives.slots")
    levers = any(uses_lever_stream(s) for s in scenarios)
    return _prepared(layout, p, roster, seed, replicates, slots, levers, reuse)


def _prepared(layout: Layout, p: Params, roster: Roster, seed: int, replicates: Replicates, slots: int,
              levers: bool, reuse: streams.Draws | None) -> tuple[Layout, Params, streams.Draws, State]:
    draws = streams.draw(seed, replicates, layout.steps, slots, roster.slots, levers, reuse,
                         world_cells=population.CELLS)
    return layout, p, draws, begin(roster, layout, p, draws, len(replicates), slots)


def begin(roster: Roster, layout: Layout, p: Params, draws: streams.Draws, rows: int,
          slots: int) -> State:
    """The state at the alliance's step 0: everyone inactive, and the world run up to it."""
    state = initial_state(roster, rows, slots, p.secretariat.mix, population.initial_youth(rows),
                          len(world.FLOWS), len(layout.census_steps), housing.initial_flats(p),
                          len(SOLUTIONS))
    world.before_alliance(state, p, layout, draws)
    return state


def run_chunk(scenarios: Sequence[Scenario], roster: Roster, seed: int,
              replicates: Replicates, tick: Callable[[int], object] | None = None,
              reuse: streams.Draws | None = None) -> tuple[Recorder, streams.Draws]:
    """Run one chunk of replicates from month 0 to the end; scenarios[i] drives replicates[i].

    Returns the recorder and the chunk's draws, which the next chunk may reuse.
    """
    layout, p, draws, state = start(scenarios, roster, seed, replicates, reuse)
    rec = Recorder(replicates, layout)
    simulate_batch(state, p, layout, draws, rec)
    if tick:
        tick(len(replicates))
    return rec, draws


def simulate_batch(state: State, p: Params, layout: Layout, draws: streams.Draws,
                   rec: MonthSink) -> None:
    """Months 0 to the end for a prepared batch (sweeps prepare parameters and draws their own way)."""
    for t in range(layout.steps):
        advance(state, p, layout, t, draws, rec)


def advance(state: State, p: Params, layout: Layout, t: int, draws: streams.Draws,
            rec: MonthSink) -> MonthContext:
    """Month t through the kernel, then the month's row into the recorder."""
    m = kernel.step(state, p, layout, t, draws)
    rec.record(state, t, m.split)
    return m


def run(scenario: Scenario | Sequence[Scenario], seed: int, replicates: int | Sequence[int] | Replicates,
        chunk: int = DEFAULT_CHUNK, tick: Callable[[int], object] | None = None) -> list[Recorder]:
    """Run replicates (a count, or explicit replicate numbers) in chunks; one Recorder per chunk.

    ``scenario`` is one scenario for all replicates, or one per replicate (a sweep's design).
    """
    ids = np.arange(replicates) if isinstance(replicates, int) else np.asarray(replicates)
    per_rep = [scenario] * len(ids) if isinstance(scenario, Scenario) else list(scenario)
    if len(per_rep) != len(ids):
        raise ValueError("give one scenario, or one per replicate")
    roster = roster_of(per_rep[0])
    recorders, draws = [], None
    for i in range(0, len(ids), chunk):
        rec, draws = run_chunk(per_rep[i:i + chunk], roster, seed, ids[i:i + chunk], tick, draws)
        recorders.append(rec)
    return recorders


def run_columns(base: Scenario, columns: Mapping[str, Sequence[float]], seed: int, replicates: Replicates,
                chunk: int = DEFAULT_CHUNK) -> list[Recorder]:
    """``run`` of ``base.with_changes({name: columns[name][i]})`` for replicate i, without building a
    Scenario per replicate (``params.compile_columns``): the same numbers, bit for bit.

    For many replicates that each carry their own values of a few plain numbers (a calibration's
    particles): building and compiling a scenario per particle cost as much as running it. The
    values must already be valid (the caller's ranges lie inside the schema's).
    """
    ids = np.asarray(replicates, dtype=np.int64)
    roster = roster_of(base)
    levers = uses_lever_stream(base, columns)
    recorders, draws = [], None
    for i in range(0, len(ids), chunk):
        part_ids = ids[i:i + chunk]
        part = {name: list(values[i:i + chunk]) for name, values in columns.items()}
        layout, p = compile_columns(base, roster, len(part_ids), part)
        layout, p, draws, state = _prepared(layout, p, roster, seed, part_ids, base.initiatives.slots,
                                            levers, draws)
        rec = Recorder(part_ids, layout)
        simulate_batch(state, p, layout, draws, rec)
        recorders.append(rec)
    return recorders

"""The vectorised runner: many replicates at once, through the same kernel the Mesa model steps.

Replicates are processed in chunks (arrays over chunk x partners); each replicate's numbers depend
only on the seed, its replicate number and its own parameters, so chunking, batch size and the number
of workers never change a result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import kernel, streams
from .params import Layout, check, compile_params, roster_of  # noqa: F401  (check: re-exported)
from .recorder import Recorder
from .roster import Roster
from .scenario import Scenario
from .state import State, initial_state

DEFAULT_CHUNK = 2000


def start(scenarios: Sequence[Scenario], roster: Roster, seed: int, replicates: np.ndarray):
    """Everything a run needs before month 0: layout, parameters, noise and the initial state."""
    layout, p = compile_params(list(scenarios), roster)
    slots = scenarios[0].initiatives.slots
    if any(s.initiatives.slots != slots for s in scenarios):
        raise ValueError("scenarios in one batch must share initiatives.slots")
    levers = any(s.development_pool.enabled or s.board_ownership.enabled for s in scenarios)
    noise = streams.draw(seed, replicates, layout.steps, slots, roster.slots, levers)
    state = initial_state(roster, len(replicates), slots, p.secretariat.mix)
    return layout, p, noise, state


def run_chunk(scenarios: Sequence[Scenario], roster: Roster, seed: int,
              replicates: np.ndarray, tick: Callable[[int], None] | None = None) -> Recorder:
    """Run one chunk of replicates from month 0 to the end; scenarios[i] drives replicates[i]."""
    layout, p, noise, state = start(scenarios, roster, seed, replicates)
    rec = Recorder(replicates, layout)
    simulate_batch(state, p, layout, noise, rec)
    if tick:
        tick(len(replicates))
    return rec


def simulate_batch(state: State, p, layout: Layout, noise: streams.Noise, rec: Recorder) -> Recorder:
    """Months 0 to the end for a prepared batch (sweeps prepare parameters and noise their own way)."""
    for t in range(layout.steps):
        advance(state, p, layout, t, noise, rec)
    return rec


def advance(state: State, p, layout, t: int, noise, rec: Recorder) -> None:
    kernel.step(state, p, layout, t, noise)
    rec.record(state, t, (t >= p.time.association)[:, 0])


def run(scenario: Scenario | Sequence[Scenario], seed: int, replicates: int | Sequence[int],
        chunk: int = DEFAULT_CHUNK, tick: Callable[[int], None] | None = None) -> list[Recorder]:
    """Run replicates (a count, or explicit replicate numbers) in chunks; one Recorder per chunk.

    ``scenario`` is one scenario for all replicates, or one per replicate (a sweep's design).
    """
    ids = np.arange(replicates) if isinstance(replicates, int) else np.asarray(replicates)
    per_rep = [scenario] * len(ids) if isinstance(scenario, Scenario) else list(scenario)
    if len(per_rep) != len(ids):
        raise ValueError("give one scenario, or one per replicate")
    roster = roster_of(per_rep[0])
    return [run_chunk(per_rep[i:i + chunk], roster, seed, ids[i:i + chunk], tick)
            for i in range(0, len(ids), chunk)]

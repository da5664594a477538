"""Memory budgets: what a run or a sweep would allocate, estimated before anything is allocated.

The estimate reads the engine's own array shapes rather than restating them: it builds the state,
the noise and the recorder of one replicate (``state.initial_state``, ``streams.draw``,
``recorder.Recorder``: arrays over (R, P), (R, K), (R, T, P), (R, T, K) and (R, T)) and scales
their bytes by the batch sizes, so a kernel that adds an array is counted without a change here.

* a run (``hta-sim run``, ``compare``): one chunk of replicates holds state and noise at a time; the
  recorders of every replicate are kept, and become the trajectories table (about twice again);
* a sweep: each worker holds one chunk's state, noise and narrow recorders; the driver holds the
  design (SALib's sample, the values and the design table, a few copies of points x parameters).

A run over the limit is refused with one line giving the estimate and the limit. The default limit
is the smaller of 8 GiB and 80 % of this machine's memory; ``--max-memory`` raises (or lowers) it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

from .errors import InputError
from .scenario import Scenario

GIB = 2**30
DEFAULT_CAP = 8 * GIB  # the default limit, unless the machine has less memory
MACHINE_SHARE = 0.8  # of physical memory, when that is below DEFAULT_CAP / MACHINE_SHARE
MAX_SEED = 2**63 - 1  # seeds fit int64: the tables' seed column, and SeedSequence takes them
TABLE_COPIES = 2.0  # the trajectories table and its concatenation, per recorded byte
DESIGN_COPIES = 6  # SALib's base and sample, the values, the design table, Parquet's buffers
_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 10**3, "kib": 2**10, "m": 2**20, "mb": 10**6,
          "mib": 2**20, "g": GIB, "gb": 10**9, "gib": GIB, "t": 2**40, "tb": 10**12, "tib": 2**40}


def default_limit() -> int:
    """8 GiB, or 80 % of the machine's physical memory if that is less."""
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return DEFAULT_CAP
    return min(DEFAULT_CAP, int(physical * MACHINE_SHARE))


def parse_size(text: str) -> int:
    """'8GiB', '500MB', '2g' or a number of bytes, as bytes (for --max-memory)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS or float(m.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a memory size; give e.g. 16GiB, 500MB or a number of bytes")
    return int(float(m.group(1)) * _UNITS[unit])


def human(size: float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", GIB), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{int(size)} B"


def _per_row(scenario: Scenario, recorded: tuple[str, ...] | None,
             steps: tuple[int, ...] | None) -> tuple[int, int, int]:
    """Bytes of one replicate's (state, noise, recorder), from the engine's own arrays."""
    return _measured(scenario.model_dump_json(), recorded, steps)


@lru_cache(maxsize=16)
def _measured(scenario_json: str, recorded: tuple[str, ...] | None,
              steps: tuple[int, ...] | None) -> tuple[int, int, int]:
    from . import streams
    from .params import layout_of, roster_of
    from .recorder import ALL, Recorder
    from .state import initial_state
    from .vocabulary import EFFORTS, MUNICIPALITIES, SOLUTIONS
    from .world import FLOWS, population

    scenario = Scenario.model_validate_json(scenario_json, strict=False)
    roster = roster_of(scenario)
    layout = layout_of(scenario, roster)
    slots = scenario.initiatives.slots
    state = initial_state(roster, 1, slots, np.full(len(EFFORTS), 1 / len(EFFORTS)),
                          population.initial_youth(1), len(FLOWS), len(layout.census_steps),
                          np.zeros((1, len(MUNICIPALITIES)), dtype=np.int64), len(SOLUTIONS))
    noise = streams.draw(0, np.arange(1), layout.steps, slots, roster.slots, levers=True,
                         world_cells=population.CELLS)
    rec = Recorder(np.arange(1), layout, recorded or ALL, steps)

    purposes = len(streams.WORLD_PURPOSES) + len(streams.SOLUTION_PURPOSES)
    world_year = 12 * purposes * population.CELLS * 8  # the world's and solutions' year in hand
    return array_bytes(state), array_bytes(noise) + world_year, array_bytes(rec)


def run_bytes(scenario: Scenario, replicates: int, chunk: int = 2000) -> int:
    """What simulating ``replicates`` replicates of a scenario needs, in chunks of ``chunk``."""
    state, noise, rec = _per_row(scenario, None, None)
    batch = min(replicates, chunk)
    return int(batch * (state + noise) + replicates * rec * (1 + TABLE_COPIES))


def sweep_bytes(scenario: Scenario, points: int, parameters: int, chunk_runs: int, workers: int,
                recorder_row: int) -> int:
    """What a sweep needs at once: the driver's design and every worker's chunk in flight.

    ``recorder_row`` is the bytes of one run's narrow recorders (the sweep's own Plan).
    """
    state, noise, _ = _per_row(scenario, None, None)
    design = points * (parameters + 1) * 8 * DESIGN_COPIES
    return int(design + workers * chunk_runs * (state + noise + recorder_row))


def array_bytes(*objects: object) -> int:
    """The bytes of the numpy arrays an object holds in its attributes (recorders, their parts)."""
    total = 0
    for obj in objects:
        for value in vars(obj).values():
            if isinstance(value, np.ndarray):
                total += value.nbytes
            elif isinstance(value, dict):
                total += sum(v.nbytes for v in value.values() if isinstance(v, np.ndarray))
            elif isinstance(value, tuple) and value and hasattr(value[0], "__dict__"):
                total += array_bytes(*value)
    return total


def check(need: int, limit: int | None, what: str) -> None:
    """Refuse, in one line, work whose estimate exceeds the limit (default: default_limit())."""
    cap = default_limit() if limit is None else limit
    if need > cap:
        raise InputError(f"{what} needs about {human(need)} of memory (estimated from the engine's "
                         f"array shapes); the limit is {human(cap)}: give fewer, or raise the limit "
                         "with --max-memory (max_memory= in Python)")

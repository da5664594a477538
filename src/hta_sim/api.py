"""The Python entry point: ``simulate`` a scenario over replicates with either engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pandas as pd
from tqdm.auto import tqdm

from . import budget
from . import engine as vectorized
from .budget import MAX_SEED
from .errors import InputError
from .params import check
from .recorder import Recorder
from .results import Results
from .scenario import Scenario, load

Engine = Literal["vectorized", "mesa"]


def simulate(scenario: str | Path | Scenario = "baseline", replicates: int = 100, seed: int = 0,
             engine: Engine = "vectorized", progress: bool = False,
             chunk: int = vectorized.DEFAULT_CHUNK, max_memory: int | None = None) -> Results:
    """Run ``replicates`` replicates of a scenario (a preset name, a TOML path, or a Scenario).

    The same seed gives the same tables with either engine; replicate r is the same run in any
    batch, chunk or worker. A run whose memory estimate (``budget.run_bytes``) exceeds
    ``max_memory`` (default ``budget.default_limit()``) is refused before anything is allocated.
    """
    if not isinstance(replicates, int) or replicates < 1:
        raise InputError(f"field 'replicates' = {replicates!r}: must be a whole number >= 1")
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError(f"field 'seed' = {seed!r}: must be a whole number from 0 to 2**63 - 1")
    if engine not in ("vectorized", "mesa"):
        raise InputError(f"field 'engine' = {engine!r}: must be vectorized or mesa")
    sc = load(scenario)
    check(sc)
    budget.check(budget.run_bytes(sc, replicates, chunk), max_memory,
                 f"{replicates} replicates of {sc.name!r}")
    with tqdm(total=replicates, unit="run", disable=not progress, desc=sc.name) as bar:
        if engine == "mesa":
            recs = [_mesa_run(sc, seed, r, bar.update) for r in range(replicates)]
        else:
            recs = vectorized.run(sc, seed, replicates, chunk=chunk, tick=bar.update)
    return _results(sc, seed, engine, recs)


def _mesa_run(sc: Scenario, seed: int, replicate: int, tick: Callable[[int], object]) -> Recorder:
    from .model import AllianceModel

    model = AllianceModel(sc, seed=seed, replicate=replicate).run()
    tick(1)
    return model.recorder


def _results(sc: Scenario, seed: int, engine: str, recs: list[Recorder]) -> Results:
    traj = pd.concat([r.trajectories(sc.name, seed) for r in recs], ignore_index=True)
    pulse = pd.concat([r.pulse_table(sc.name) for r in recs], ignore_index=True)
    census = pd.concat([r.census_table(sc.name) for r in recs], ignore_index=True)
    return Results(sc, seed, engine, traj, pulse, census=census)

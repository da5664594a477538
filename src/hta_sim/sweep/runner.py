"""Running a sweep: validate, draw the design, then send the missing chunks to an executor and
write each result as it comes back, with a progress bar and a manifest.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ..analysis.replicate_draws import described, picks, rows
from ..outfolder import check_writable
from ..provenance import manifest
from . import design as design_mod
from . import executors
from .batch import Drawn, Job, run_job
from .outcomes import Plan
from .spec import SweepSpec
from .store import Check, Store


def points_per_chunk(spec: SweepSpec) -> int:
    return max(1, spec.chunk_runs // spec.replicates)


def chunk_count(spec: SweepSpec, points: int) -> int:
    return math.ceil(points / points_per_chunk(spec))


def drawn(spec: SweepSpec) -> Drawn | None:
    """Replicate j's posterior draw for every point: resampled by weight once, with the sweep's seed,
    so it is the same on resume and on any executor. None when the spec has no posterior.
    """
    draws = spec.parameter_draws
    if draws is None:
        return None
    picked = picks(draws, spec.replicates, spec.seed)
    swept = {p.name for p in spec.parameters}
    values = rows(draws, picked)
    return Drawn(picked.tolist(), {c: [v[c] for v in values] for c in map(str, draws.draws.columns)
                                   if c not in swept})


def jobs(spec: SweepSpec, points: pd.DataFrame, chunks: list[int]) -> Iterator[Job]:
    """One job per chunk, made only when the executor asks for it."""
    per = points_per_chunk(spec)
    own = drawn(spec)
    for c in chunks:
        at = points.iloc[c * per:(c + 1) * per]
        yield Job(chunk=c, base=spec.base, seed=spec.seed, replicates=spec.replicates,
                  common_random_numbers=spec.common_random_numbers, first_point=c * per,
                  values={name: at[name].reset_index(drop=True) for name in points.columns},
                  outcomes=spec.outcomes, drawn=own)


def run_sweep(spec: SweepSpec, workers: int | None = None, scheduler: str | None = None,
              dask_local: int | None = None, resume: bool = False, progress: bool = True,
              out: str | Path | None = None, max_memory: int | None = None) -> Path:
    """Run a sweep into ``out`` (default: the spec's ``out``); returns the folder.

    Everything that can be refused is checked before anything is written. Local worker processes
    re-import a calling script's main module: call this under ``if __name__ == "__main__":``.
    """
    store = Store(out or spec.out)
    digest = spec.digest()
    if resume:
        draws = spec.parameter_draws
        store.check_resume(digest, draws.sha256 if draws is not None else None)
    else:
        store.check_new()
    check_writable(store.root)  # a read-only place fails now, not after the design is drawn
    check_memory(spec, workers, scheduler, dask_local, max_memory)
    design = design_mod.build(spec)
    per = points_per_chunk(spec)
    chunks = chunk_count(spec, design.size)

    def runs_in(cs: Iterable[int]) -> int:
        return sum(min(per, design.size - c * per) for c in cs) * spec.replicates

    executor = executors.make(workers, scheduler, dask_local)
    try:
        info = _manifest(spec, design, chunks, digest, executor.describe(), "running")
        found = _open(store, design, chunks, info, resume)
        described = executor.describe()
        if "http" in described:  # a local Dask cluster: say where its (dashboard-less) server is
            print(f"hta-sim: local Dask cluster at {described['scheduler']}; its HTTP server "
                  f"{described['http']}", file=sys.stderr)
        for line in found.report():
            print(f"hta-sim: {store.root}: {line}", file=sys.stderr)
        todo = [c for c in range(chunks) if c not in found.done]
        written: set[int] = set()
        started, worker_cpu = time.perf_counter(), 0.0
        with tqdm(total=runs_in(range(chunks)), initial=runs_in(found.done), unit="run",
                  disable=not progress, desc=spec.name, smoothing=0.1) as bar:
            for result in executor.map_unordered(run_job, jobs(spec, design.points, todo)):
                store.write_chunk(result.chunk, result.runs, result.trajectories)
                written.add(result.chunk)
                worker_cpu += result.cpu_seconds
                bar.update(len(result.runs))
        elapsed = time.perf_counter() - started
    finally:
        executor.close()
    complete = found.done | written >= set(range(chunks))
    info["status"] = "complete" if complete else "incomplete"
    info["sweep"]["this_invocation"] = {
        "chunks_run": len(todo), "runs": runs_in(todo), "seconds": round(elapsed, 3),
        "runs_per_second": round(runs_in(todo) / max(elapsed, 1e-9), 1),
        # CPU the workers spent on chunks: with n workers on n free cores, close to n x seconds
        "worker_cpu_seconds": round(worker_cpu, 3),
        "ignored_files": found.ignored}
    store.write_manifest(info)
    return store.root


def _open(store: Store, design: design_mod.Design, chunks: int, info: dict[str, Any],
          resume: bool) -> Check:
    """A new folder built whole, or an existing one verified: its design and every chunk."""
    if not (resume and store.manifest_path.exists()):
        store.initialise(_design_table(design), info)
        return Check()
    store.load()
    store.clean()
    notes = []
    if not store.design_ok():  # the design is a function of the spec: draw it again
        store.rewrite_design(_design_table(design))
        notes.append("design.parquet was missing or corrupt (checksum differs): written again")
    store.write_manifest(info)
    checked = store.check(chunks)
    checked.notes[:0] = notes
    return checked


def check_memory(spec: SweepSpec, workers: int | None, scheduler: str | None,
                 dask_local: int | None, max_memory: int | None) -> None:
    """Refuse, before the design is drawn, a sweep whose design or chunks would not fit in memory.

    Counted: the driver's design and one chunk per local worker (a remote cluster's workers are
    its own machines: one chunk is counted, for the driver's share of results).
    """
    import numpy as np

    from .. import budget
    from ..params import layout_of, roster_of

    n = 1 if scheduler else (dask_local or workers or executors.cores())
    plan = Plan(spec.outcomes, layout_of(spec.base, roster_of(spec.base)))
    row = budget.array_bytes(*plan.recorders(np.arange(1)).parts)
    points = design_mod.size(spec)
    chunk = points_per_chunk(spec) * spec.replicates
    need = budget.sweep_bytes(spec.base, points, len(spec.parameters), chunk, n, row)
    budget.check(need, max_memory, f"sweep {spec.name!r} ({points} design points, {n} worker(s) of "
                 f"{chunk} runs a chunk)")


def _design_table(design: design_mod.Design) -> pd.DataFrame:
    table = design.points.copy()
    table.insert(0, "point", range(design.size))
    for j, name in enumerate(design.problem["names"]):
        table[f"sample.{name}"] = design.sample[:, j]
    return table


def _manifest(spec: SweepSpec, design: design_mod.Design, chunks: int, digest: str,
              executor: dict[str, Any], status: str) -> dict[str, Any]:
    from ..params import layout_of, roster_of

    plan = Plan(spec.outcomes, layout_of(spec.base, roster_of(spec.base)))
    sweep = {
        "name": spec.name,
        "spec": spec.model_dump(mode="json"),
        "spec_hash": digest,
        "design": {"method": spec.design.method, "points": design.size, "problem": design.problem},
        "runs": design.size * spec.replicates,
        "chunks": chunks,
        "points_per_chunk": points_per_chunk(spec),
        "outcomes": plan.columns(),
        "parameter_uncertainty": described(spec.parameter_draws, spec.replicates, spec.seed),
        "executor": executor,
        "tables": {"runs": "runs/chunk-*.parquet", "design": "design.parquet",
                   "trajectories": "trajectories/chunk-*.parquet" if spec.outcomes.trajectory_every
                   else None},
    }
    return manifest(spec.base, spec.seed, spec.replicates, "vectorized", {"sweep": sweep, "status": status})

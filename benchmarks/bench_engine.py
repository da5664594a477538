"""How fast hta_sim runs: the Mesa model, the vectorised engine, partners, workers and a full sweep.

    python benchmarks/bench_engine.py            # everything (about 12 minutes on 2 cores)
    python benchmarks/bench_engine.py --quick    # smaller sizes, a minute or two

Measures, in one run and on the default scenario: runs/s of the Mesa model (``AllianceModel.run``)
and of the vectorised engine (``engine.run``, full trajectories) at R = 1, 100 and 10,000 and their
ratio; the lean sweep path (outcomes only, common random numbers) on one core; scaling with the
number of partners (15, 150, 1,500: synthetic rosters); 1 vs 2 workers on a large sweep; and the
225,280-run Sobol design of benchmarks/sobol_225k.toml end to end. Rates per core use the process's
CPU time; wall-clock rates are given beside them. Prints a table and the machine load; never gates CI.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import hta_sim
from hta_sim import _accel, engine
from hta_sim.model import AllianceModel
from hta_sim.sweep import load_spec, run_sweep
from hta_sim.sweep.batch import run_job
from hta_sim.sweep.design import build
from hta_sim.sweep.runner import jobs

HERE = Path(__file__).resolve().parent
ROWS: list[tuple[str, str, str, str]] = []


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def row(what: str, runs: int, wall: float, cpu: float | None) -> float:
    per_core = runs / cpu if cpu else float("nan")
    core = f"{per_core:,.0f}" if cpu else "-"
    ROWS.append((what, f"{runs:,}", f"{runs / wall:,.0f}", core))
    print(f"  {what:56s} {runs:>9,} runs {runs / wall:>9,.0f}/s wall {core:>9}/s per core "
          f"({wall:.1f} s, load {load()})", flush=True)
    return per_core


def mesa(seconds: float) -> float:
    sc = hta_sim.load("baseline")
    AllianceModel(sc, seed=1, replicate=0).run()  # warm up (imports, compiled reductions)
    n, w0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - w0 < seconds:
        AllianceModel(sc, seed=1, replicate=n).run()
        n += 1
    return row("Mesa model, AllianceModel(...).run()", n, time.perf_counter() - w0, time.process_time() - c0)


def vectorised(R: int) -> float:
    sc = hta_sim.load("baseline")
    engine.run(sc, 1, min(R, 100))  # warm up
    wall, cpu = timed(lambda: engine.run(sc, 1, R))
    return row(f"vectorised engine.run, R = {R:,}", R, wall, cpu)


def lean(spec_path: Path, runs: int) -> float:
    """The sweep path in this process: compiled parameters, shared draws, outcomes only."""
    spec = load_spec(spec_path).model_copy(update={"chunk_runs": 2000})
    design = build(spec)
    todo = list(jobs(spec, design.points, list(range(1 + runs // 2000))))
    run_job(todo[0])  # warm up
    wall, cpu = timed(lambda: [run_job(j) for j in todo[1:]])
    return row("sweep batch (outcomes only), one core", sum(j.runs for j in todo[1:]), wall, cpu)


def roster_file(partners: int, folder: Path) -> Path:
    """A synthetic roster: the seed's sector profiles, partners cycling through sectors and roles."""
    from importlib import resources

    seed = resources.files("hta_sim.data").joinpath("roster.toml").read_text("utf-8")
    sectors = seed[: seed.index("[[partners]]")]
    names = ["foundation", "municipality", "ngo", "social_housing", "state_agency", "private_company"]
    lines = [sectors]
    for i in range(partners):
        lines.append(f'[[partners]]\nid = "p{i}"\nname = "Partner {i}"\nsector = "{names[i % len(names)]}"\n'
                     f'initiator = {"true" if i % 3 == 0 else "false"}\n'
                     f'body = "{("board", "ab", "both")[i % 3]}"\nslot = {i}\n')
    path = folder / f"roster_{partners}.toml"
    path.write_text("\n".join(lines))
    return path


def partners(count: int, R: int, folder: Path) -> None:
    grants = 'funding.grants = [{partner = "p0", purpose = "secretariat", mdkk_per_year = 3.5, ' \
             'start = "2016-01"}]'
    roster = roster_file(count, folder)
    text = f'extends = "baseline"\nname = "p{count}"\n{grants}\n[roster]\nfile = "{roster}"\n'
    path = folder / f"scenario_{count}.toml"
    path.write_text(text)
    sc = hta_sim.load(str(path))
    engine.run(sc, 1, 2)
    wall, cpu = timed(lambda: engine.run(sc, 1, R, chunk=max(1, 20_000 // count)))
    row(f"vectorised, {count:,} partners, R = {R:,}", R, wall, cpu)


def sweep(spec_path: Path, workers: int, samples: int | None, folder: Path) -> tuple[float, int]:
    overrides = {"design": {"method": "sobol", "samples": samples}} if samples else {}
    spec = load_spec(spec_path)
    if samples:
        spec = spec.model_copy(update={"design": spec.design.model_copy(update=overrides["design"])})
    out = folder / f"sweep_{workers}_{samples}"
    shutil.rmtree(out, ignore_errors=True)
    w0 = time.perf_counter()
    run_sweep(spec, workers=workers, progress=False, out=out)
    wall = time.perf_counter() - w0
    runs = len(build(spec).points) * spec.replicates
    label = f"sweep, Sobol N = {samples or spec.design.samples:,}, {workers} worker(s), end to end"
    row(label, runs, wall, None)
    return wall, runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test)")
    ap.add_argument("--no-full", action="store_true", help="skip the full 225,280-run sweep")
    args = ap.parse_args()
    spec_path = HERE / "sobol_225k.toml"
    print(f"hta_sim {hta_sim.__version__}, numpy {np.__version__}, numba reductions "
          f"{'on' if _accel.ON else 'off'}; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs; load (1/5 min) {load()}\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        m = mesa(3 if args.quick else 10)
        vectorised(1)
        vectorised(100)
        v = vectorised(1000 if args.quick else 10_000)
        s = lean(spec_path, 4000 if args.quick else 20_000)
        for count, R in ((15, 1000), (150, 200), (1500, 20)) if not args.quick else ((15, 200), (150, 20)):
            partners(count, R, folder)
        n = 64 if args.quick else 512
        one, runs = sweep(spec_path, 1, n, folder)
        two, _ = sweep(spec_path, 2, n, folder)
        full = None
        if not (args.quick or args.no_full):
            full, _ = sweep(spec_path, 2, None, folder)
    print("\n| what | runs | runs/s (wall) | runs/s per core (CPU) |\n|---|---:|---:|---:|")
    for r in ROWS:
        print(f"| {' | '.join(r)} |")
    print(f"\nvectorised (R = {'1,000' if args.quick else '10,000'}) / Mesa, per core: {v / m:,.0f}x;"
          f" sweep batch / Mesa, per core: {s / m:,.0f}x")
    print(f"2 workers / 1 worker on {runs:,} runs: {one / two:.2f}x")
    if full is not None:
        print(f"225,280-run Sobol design, 2 workers: {full:.1f} s")
    print(f"load (1/5 min) at the end: {load()}, CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main()

"""How fast hta_sim runs: the Mesa model, the vectorised engine, partners, workers and a full sweep.

    python benchmarks/bench_engine.py                  # everything (about 12 minutes on 2 cores)
    python benchmarks/bench_engine.py --quick          # smaller sizes, a minute or two
    python benchmarks/bench_engine.py --smoke          # tiny sizes: checks that it runs (a test does)
    python benchmarks/bench_engine.py --against REV    # also engine.run of git revision REV, side by side
    python benchmarks/bench_engine.py --against REV --against-only --replicates 2000 --rounds 5

Measures, in one run and on the default scenario: runs/s of the Mesa model (``AllianceModel.run``)
and of the vectorised engine (``engine.run``, full trajectories) at R = 1, 100 and 10,000 and their
ratio; the lean sweep path (outcomes only, common random numbers) on one core; scaling with the
number of partners (15, 150, 1,500: synthetic rosters); 1 vs 2 workers on a large sweep; and the
225,280-run Sobol design of benchmarks/sobol_225k.toml end to end. With ``--against REV``, the
vectorised engine of an earlier revision runs in alternation with this one, in fresh processes, so
that both see the same machine: the ratio of their runs per second is the change's cost or gain; so
do the world's yearly draws (``WorldStream._year``, 21 years of R replicates).
Rates per core use CPU time (this
process's, or for a sweep the workers' own); wall-clock rates are given beside them. Because the
machine may be shared, each line also says how many cores other processes kept busy meanwhile (from
/proc/stat). Prints a table and the machine load; never gates CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
ROWS: list[tuple[str, ...]] = []


@dataclass(frozen=True)
class Sizes:
    """How big each measurement is: the full set, a quick look, or a smoke test."""

    mesa_seconds: float
    replicates: tuple[int, ...]  # engine.run sizes; the last is compared with Mesa
    lean_runs: int
    partners: tuple[tuple[int, int], ...]  # (partners, replicates)
    sweep_samples: int
    full_sweep: bool


SIZES = {
    "full": Sizes(10, (1, 100, 10_000), 20_000, ((15, 1000), (150, 200), (1500, 20)), 512, True),
    "quick": Sizes(3, (1, 100, 1000), 4000, ((15, 200), (150, 20)), 64, False),
    "smoke": Sizes(0.2, (1, 4), 2000, ((15, 2), (40, 2)), 2, False),
}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:  # not Linux
        return float("nan")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Window:
    """Wall time, this process's CPU time and the machine's busy time over a measurement."""

    def __enter__(self) -> Window:
        self.w, self.c, self.b = time.perf_counter(), time.process_time(), busy_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.w
        self.cpu = time.process_time() - self.c
        self.busy = busy_seconds() - self.b

    def others(self, ours: float) -> float:
        """Cores that other processes kept busy meanwhile (the contention this measurement saw)."""
        return max(0.0, (self.busy - ours) / self.wall)


def timed(fn) -> Window:
    with Window() as win:
        fn()
    return win


def row(what: str, runs: int, win: Window, cpu: float | None = None) -> float:
    """Print and keep one measurement; ``cpu``: CPU seconds spent on the runs (default: ours)."""
    cpu = win.cpu if cpu is None else cpu
    per_core = runs / cpu
    others = win.others(win.cpu if cpu is None else cpu + win.cpu)
    ROWS.append((what, f"{runs:,}", f"{win.wall:.1f}", f"{runs / win.wall:,.0f}", f"{per_core:,.0f}",
                 f"{others:.1f}"))
    print(f"  {what:56s} {runs:>9,} runs {win.wall:7.1f} s {runs / win.wall:>8,.0f}/s wall "
          f"{per_core:>8,.0f}/s per core; other processes {others:.1f} cores (load {load()})", flush=True)
    return per_core


def mesa(seconds: float) -> float:
    sc = hta_sim.load("baseline")
    AllianceModel(sc, seed=1, replicate=0).run()  # warm up (imports)
    n = 0
    with Window() as win:
        while time.perf_counter() - win.w < seconds:
            AllianceModel(sc, seed=1, replicate=n).run()
            n += 1
    return row("Mesa model, AllianceModel(...).run()", n, win)


def vectorised(R: int) -> float:
    sc = hta_sim.load("baseline")
    engine.run(sc, 1, min(R, 100))  # warm up
    return row(f"vectorised engine.run, R = {R:,}", R, timed(lambda: engine.run(sc, 1, R)))


def lean(spec_path: Path, runs: int) -> float:
    """The sweep path in this process: compiled parameters, shared draws, outcomes only."""
    spec = load_spec(spec_path).model_copy(update={"chunk_runs": 2000})
    design = build(spec)
    todo = list(jobs(spec, design.points, list(range(1 + runs // 2000))))
    run_job(todo[0])  # warm up
    win = timed(lambda: [run_job(j) for j in todo[1:]])
    return row("sweep batch (outcomes only), one core", sum(j.runs for j in todo[1:]), win)


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
    """The baseline on a synthetic roster: every partner the baseline names (grants, the pool's
    funders, the other funders) becomes the roster's first partner, p0."""
    grants = 'funding.grants = [{partner = "p0", purpose = "secretariat", mdkk_per_year = 3.5, ' \
             'start = "2016-01"}]'
    named = '[development_pool]\nfunders = ["p0"]\n[more_funders]\npartners = ["p0"]\n'
    roster = roster_file(count, folder)
    text = f'extends = "baseline"\nname = "p{count}"\n{grants}\n{named}[roster]\nfile = "{roster}"\n'
    path = folder / f"scenario_{count}.toml"
    path.write_text(text)
    sc = hta_sim.load(str(path))
    engine.run(sc, 1, 2)
    win = timed(lambda: engine.run(sc, 1, R, chunk=max(1, 20_000 // count)))
    row(f"vectorised, {count:,} partners, R = {R:,}", R, win)


def sweep(spec_path: Path, workers: int, samples: int | None, folder: Path) -> tuple[float, int]:
    overrides = {"design": {"method": "sobol", "samples": samples}} if samples else {}
    spec = load_spec(spec_path)
    if samples:
        spec = spec.model_copy(update={"design": spec.design.model_copy(update=overrides["design"])})
    out = folder / f"sweep_{workers}_{samples}"
    shutil.rmtree(out, ignore_errors=True)
    win = timed(lambda: run_sweep(spec, workers=workers, progress=False, out=out))
    info = json.loads((out / "manifest.json").read_text())["sweep"]["this_invocation"]
    runs = info["runs"]
    cpu = info["worker_cpu_seconds"] if workers > 1 else None  # one worker: this process
    label = f"sweep, Sobol N = {samples or spec.design.samples:,}, {workers} worker(s), end to end"
    row(label, runs, win, cpu)
    return win.wall, runs


#: Times engine.run, and the world's yearly draws (``WorldStream._year``, where the revision has them),
#: in a fresh process, for whichever hta_sim its PYTHONPATH finds. The warm-up is wide enough for the
#: compiled paths (``_accel.MIN_ROWS``), so that neither tree's timing holds numba's start.
_TIMER = """
import sys, time
import numpy as np
import hta_sim
from hta_sim import engine
sc, R = hta_sim.load("baseline"), int(sys.argv[1])
engine.run(sc, 1, min(R, 300))
c = time.process_time()
engine.run(sc, 1, R)
rate = R / (time.process_time() - c)
try:
    from hta_sim import streams
    from hta_sim.world import population
    world = streams.WorldStream.of(1, np.arange(R), population.CELLS)
    world._year(0)
    c = time.process_time()
    for year in range(1, 22):
        world._year(year)
    years = 21 / (time.process_time() - c)
except (ImportError, AttributeError):  # a revision without the world
    years = float("nan")
print(rate, years)
"""


def against(rev: str, R: int, rounds: int, folder: Path) -> None:
    """engine.run and the world's yearly draws of revision ``rev`` and of this tree, alternating in
    fresh processes; rates per core (CPU time)."""
    old = folder / "against"
    old.mkdir()
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    trees = {rev: old / "src", "this tree": HERE.parent / "src"}
    rates: dict[str, list[float]] = {name: [] for name in trees}
    years: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(rounds):
        for name, src in trees.items():
            env = {**os.environ, "PYTHONPATH": str(src)}
            out = subprocess.run([sys.executable, "-c", _TIMER, str(R)], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            rates[name].append(float(out[-2]))
            years[name].append(float(out[-1]))
    for what, unit, table in (("engine.run", "runs/s", rates), ("WorldStream._year", "years/s", years)):
        best = {name: max(r) for name, r in table.items()}
        for name, r in table.items():
            print(f"  {what} R = {R:,}, {name:>12s}: " + ", ".join(f"{x:,.1f}" for x in r)
                  + f" {unit} per core (best {best[name]:,.1f})")
        print(f"  {what}: this tree / {rev}: {best['this tree'] / best[rev]:.3f}x "
              f"(best of {rounds} alternating runs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, a minute or two")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: that everything runs, in seconds")
    ap.add_argument("--no-full", action="store_true", help="skip the full 225,280-run sweep")
    ap.add_argument("--against", metavar="REV", help="also time engine.run of git revision REV")
    ap.add_argument("--rounds", type=int, default=3, help="alternating runs each for --against")
    ap.add_argument("--replicates", type=int, help="R for --against (default: the size's largest)")
    ap.add_argument("--against-only", action="store_true", help="only the --against comparison")
    args = ap.parse_args()
    size = SIZES["smoke" if args.smoke else "quick" if args.quick else "full"]
    spec_path = HERE / "sobol_225k.toml"
    print(f"hta_sim {hta_sim.__version__}, numpy {np.__version__}, numba reductions "
          f"{'on' if _accel.ON else 'off'}; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs; load (1/5 min) {load()}\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.against:
            against(args.against, args.replicates or size.replicates[-1], args.rounds, folder)
            if args.against_only:
                return
        m = mesa(size.mesa_seconds)
        v = [vectorised(R) for R in size.replicates][-1]
        s = lean(spec_path, size.lean_runs)
        for count, R in size.partners:
            partners(count, R, folder)
        one, runs = sweep(spec_path, 1, size.sweep_samples, folder)
        two, _ = sweep(spec_path, 2, size.sweep_samples, folder)
        full = None
        if size.full_sweep and not args.no_full:
            full, _ = sweep(spec_path, 2, None, folder)
    print("\n| what | runs | seconds | runs/s (wall) | runs/s per core (CPU) | other processes (cores) |"
          "\n|---|---:|---:|---:|---:|---:|")
    for r in ROWS:
        print(f"| {' | '.join(r)} |")
    print(f"\nvectorised (R = {size.replicates[-1]:,}) / Mesa, per core: {v / m:,.0f}x;"
          f" sweep batch / Mesa, per core: {s / m:,.0f}x")
    print(f"2 workers / 1 worker on {runs:,} runs: {one / two:.2f}x")
    if full is not None:
        print(f"225,280-run Sobol design, 2 workers: {full:.1f} s")
    print(f"load (1/5 min) at the end: {load()}, CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main()

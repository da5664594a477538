"""The world layer's speed against an earlier revision, side by side: sweep batches and engine.run.

    python benchmarks/bench_world.py                        # against main, 3 alternating rounds
    python benchmarks/bench_world.py --against REV --rounds 5 --jobs 2 --replicates 2000

Each round runs, for git revision REV (``git archive``d to a temporary folder) and for this tree,
in a fresh process each so that both see the same machine: ``--jobs`` 2,000-run sweep batches
(``sweep.batch.run_job``, the path of ``hta-sim sweep``: outcomes only, common random numbers) of
the design in benchmarks/sobol_225k.toml, after one batch of warm-up; and ``engine.run`` of the
baseline at R = ``--replicates`` (full trajectories). Rates are runs per CPU second of the process
(the machine may be shared); the ratios are of the best rounds and of the medians. Each round also
prints a batch's CPU seconds and, in revisions that have the world, those spent in its two months
(``population.advance`` and ``housing.month``), so that the world's share is measured beside a
revision without it. Never gates CI on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Times ``jobs`` sweep batches and one engine.run for whichever hta_sim PYTHONPATH finds.
_TIMER = """
import sys, time
from pathlib import Path
import hta_sim
from hta_sim import engine
from hta_sim.sweep import load_spec
from hta_sim.sweep.batch import run_job
from hta_sim.sweep.design import build
from hta_sim.sweep.runner import jobs
spec_path, n_jobs, R = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
spec = load_spec(spec_path).model_copy(update={"chunk_runs": 2000})
todo = list(jobs(spec, build(spec).points, list(range(n_jobs + 1))))
run_job(todo[0])
parts = {}  # CPU seconds inside the world's months, where this revision has them
try:
    from hta_sim.world import housing, population
    for module, name in ((population, "advance"), (housing, "month")):
        def timed(*args, _fn=getattr(module, name), _key=f"{module.__name__}.{name}"):
            c = time.process_time()
            try:
                return _fn(*args)
            finally:
                parts[_key] = parts.get(_key, 0.0) + time.process_time() - c
        setattr(module, name, timed)
except ImportError:
    pass
c = time.process_time()
runs = sum(run_job(j).runs.shape[0] for j in todo[1:])
spent = time.process_time() - c
sweep = runs / spent
print("parts", spent / runs * 2000, *(f"{k}={v / runs * 2000}" for k, v in parts.items()))
sc = hta_sim.load("baseline")
engine.run(sc, 1, 300)
c = time.process_time()
engine.run(sc, 1, R)
print(sweep, R / (time.process_time() - c))
"""


def timings(src: Path, jobs: int, replicates: int) -> tuple[float, float, str]:
    """(sweep-batch runs/s, engine.run runs/s) per CPU second, in a fresh process on ``src``, and
    where a batch's CPU time went: in all, and in the world's months where the revision has them."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", _TIMER, str(HERE / "sobol_225k.toml"), str(jobs),
                          str(replicates)], env=env, check=True, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    parts = next(line for line in lines if line.startswith("parts ")).split()[1:]
    where = [f"{float(parts[0]):.2f} s a 2,000-run batch"]
    where += [f"{name.removeprefix('hta_sim.world.')} {float(x):.2f} s" for name, x in
              (part.split("=") for part in parts[1:])]
    sweep, run = lines[-1].split()
    return float(sweep), float(run), "; ".join(where)


def checkout(rev: str, folder: Path) -> Path:
    """The ``src`` folder of revision ``rev``, extracted under ``folder``."""
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def main() -> None:
    """Alternate the two trees for ``--rounds`` rounds and print each rate and the best ratios."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="timed 2,000-run sweep batches per round")
    ap.add_argument("--replicates", type=int, default=2000, help="engine.run's R")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {args.against: checkout(args.against, Path(tmp)), "this tree": HERE.parent / "src"}
        rates: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for i in range(args.rounds):
            for name, src in trees.items():
                sweep, run, where = timings(src, args.jobs, args.replicates)
                rates[name].append((sweep, run))
                print(f"round {i + 1}, {name:>12s}: sweep batch {sweep:7.1f} runs/s, "
                      f"engine.run R = {args.replicates:,} {run:7.1f} runs/s (per CPU second); "
                      f"CPU: {where}", flush=True)
    whats = ("sweep batch (2,000 runs, outcomes only)", f"engine.run R = {args.replicates:,}")
    for k, what in enumerate(whats):
        best = {name: max(r[k] for r in rs) for name, rs in rates.items()}
        middle = {name: statistics.median(r[k] for r in rs) for name, rs in rates.items()}
        print(f"{what}: this tree / {args.against} = {best['this tree'] / best[args.against]:.2f}x "
              f"(best of {args.rounds}: {best['this tree']:.1f} vs {best[args.against]:.1f} runs/s; "
              f"medians {middle['this tree'] / middle[args.against]:.2f}x)")
    print(f"load (1/5/15 min): {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

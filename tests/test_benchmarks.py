"""The benchmark runs to the end (at tiny sizes), so that it cannot silently break again."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"


def test_bench_engine_smoke_runs_every_measurement():
    proc = subprocess.run([sys.executable, str(BENCH), "--smoke", "--against", "HEAD", "--rounds", "1"],
                          capture_output=True, text=True, timeout=600, cwd=BENCH.parent)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    for line in ("Mesa model", "vectorised engine.run, R = 4", "sweep batch", "40 partners",
                 "2 worker(s)", "this tree / HEAD"):
        assert line in out, line

"""Regenerate the calibration on the evidence to 2018 (issue 13) and, with --ship, the posterior.

    python experiments/calibrate_2018.py [--seed 2018] [--ship]

Runs `hta-sim calibrate` at its default budget and writes results/calibration/ (report.md,
particles.csv, generations.csv, predictive.csv, holdout.csv, identifiability.csv, figures, abc.db,
manifest.json; the coverage table of experiments/calibration_coverage.py is kept). With --ship,
also ships the weighted posterior as src/hta_sim/data/posterior.csv (experiments/ship_posterior.py);
then rerun what rests on it: experiments/interventions.py and `hta-sim compare no-alliance baseline`.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

from hta_sim.calibration import Settings, calibrate, write
from hta_sim.calibration.checks import acceptance, predictive_table

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=Settings.seed)
    ap.add_argument("--ship", action="store_true", help="ship the posterior with the package")
    args = ap.parse_args()
    cal = calibrate(dataclasses.replace(Settings(), seed=args.seed))
    out = ROOT / "results" / "calibration"
    kept = {p.name: p.read_bytes() for p in out.glob("coverage.*")}  # calibration_coverage.py's
    for name in kept:
        (out / name).unlink()
    write(cal, out, force=True)
    for name, data in kept.items():
        (out / name).write_bytes(data)
    print(acceptance(predictive_table(cal.predictive, cal.evidence)).sentence())
    print(f"{cal.simulations} model runs in {cal.seconds:.0f} s")
    if args.ship:
        subprocess.run([sys.executable, str(ROOT / "experiments" / "ship_posterior.py")], check=True)


if __name__ == "__main__":
    main()

"""Ship the calibration's quasi-posterior draws with the package, for `hta-sim compare`.

    python experiments/ship_posterior.py [--draws 400]

Reads results/calibration/posterior_samples.parquet (written by experiments/calibrate_2018.py),
keeps every k-th draw so that ``--draws`` remain, and writes src/hta_sim/data/posterior.csv: one row
per draw, one column per fitted parameter (dotted scenario paths). Replicate r of a comparison takes
row r (cycling), the same for every scenario.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from hta_sim.analysis.posterior import load_posterior

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=400)
    args = ap.parse_args()
    samples = pd.read_parquet(ROOT / "results" / "calibration" / "posterior_samples.parquet")
    draws = samples.drop(columns=["log_prob"], errors="ignore")
    draws = draws.iloc[:: max(1, len(draws) // args.draws)].head(args.draws).reset_index(drop=True)
    for col in draws:
        if col.startswith("trust_ladder.start_rung"):
            draws[col] = draws[col].round().astype(int)
    target = ROOT / "src" / "hta_sim" / "data" / "posterior.csv"
    draws.to_csv(target, index=False, float_format="%.6g")
    load_posterior(target)  # validates every column against the scenario schema
    print(f"wrote {target} ({len(draws)} draws of {draws.shape[1]} parameters)")


if __name__ == "__main__":
    main()

"""Regenerate the committed default-scenario results shown in the README (fig. 7.1 replica and all).

    python experiments/baseline.py [--replicates 200] [--seed 2018]

Writes results/baseline/: the four figures, summary.csv, the tables (Parquet) and manifest.json.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import hta_sim
from hta_sim import figures

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2018)
    args = ap.parse_args()
    res = hta_sim.simulate("baseline", replicates=args.replicates, seed=args.seed, progress=True)
    out = ROOT / "results" / "baseline"
    res.save(out, force=True)
    # the homes figure again, with the national count without the alliance (same seed: paired)
    without = hta_sim.simulate("no-alliance", replicates=args.replicates, seed=args.seed)
    ax = figures.homes(res.trajectories, without=without.trajectories)
    ax.figure.savefig(out / "homes.png", dpi=120, bbox_inches="tight")
    print(res.summary().round(3).to_string())


if __name__ == "__main__":
    main()

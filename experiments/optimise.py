"""Regenerate the committed mix searches: the default budget, one folder per objective.

    python experiments/optimise.py [--seed 2018] [--objective fewer_homeless_2027 ...] [--no-floor]

Writes results/optimise/<objective>/ (the same as `hta-sim optimise --objective <objective> --seed 2018
--fixed-parameters --out results/optimise/<objective>`: parameters fixed at the baseline's) and, as a
check on the homes search, results/optimise/fewer_homeless_2027_min_share_0.1/ (every effort keeps at least
10 % of the staff); prints each search's in- and out-of-sample objective.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hta_sim.analysis.optimise import OBJECTIVES, Settings, optimise

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--objective", nargs="+", choices=OBJECTIVES, default=list(OBJECTIVES))
    ap.add_argument("--no-floor", action="store_true", help="skip the homes search with a 10 %% floor")
    args = ap.parse_args()
    runs = [(objective, objective, 0.0) for objective in args.objective]
    if not args.no_floor:
        runs.append(("fewer_homeless_2027_min_share_0.1", "fewer_homeless_2027", 0.1))
    for folder, objective, floor in runs:
        report = optimise("baseline", Settings(objective=objective, seed=args.seed, min_share=floor),
                          out=ROOT / "results" / "optimise" / folder, progress=True,
                          force=True)
        print(f"\n{report.objective.label()}")
        print(report.summary.round(4).to_string(index=False))


if __name__ == "__main__":
    main()

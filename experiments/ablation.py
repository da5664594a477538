"""Paired ablation: each mechanism switched off in turn (same seed, same replicates): the dip depth,
and the world's outcomes (young people housed, the national count, municipalities running solutions).

    python experiments/ablation.py [--replicates 100] [--seed 2018]

Writes results/ablation/ablation.csv and prints the markdown table that docs/ODD.md quotes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import hta_sim
from hta_sim.mechanisms import NAMES
from hta_sim.outcomes import at_date, ensemble_dip
from hta_sim.scenario import Mechanisms
from hta_sim.vocabulary import SOLUTIONS

#: The world's mechanisms (young people, places, flats, municipalities), after the engagement ones.
WORLD = [name for name in Mechanisms.model_fields if name not in NAMES]

ROOT = Path(__file__).resolve().parents[1]


def row(label: str, res: hta_sim.Results) -> dict:
    dip = ensemble_dip(res.trajectories)
    dates = res.trajectories["date"].unique()
    return {
        "switched_off": label,
        "depth": dip.depth,
        "peak": dip.peak,
        "trough": dip.trough,
        "trough_date": str(dates[dip.trough_step])[:7],
        "homes_2018_12": at_date(res.trajectories, "homes_created", "2018-12").median(),
        "homes_2027_12": at_date(res.trajectories, "homes_created", "2027-12").median(),
        "homeless_2027_02": at_date(res.trajectories, "homeless_youth", "2027-02").median(),
        "municipalities_2027_12": sum(at_date(res.trajectories, f"municipalities_{t}", "2027-12")
                                      for t in SOLUTIONS).median(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2018)
    args = ap.parse_args()
    base = hta_sim.load("baseline")
    rows = [row("(none: baseline)", hta_sim.simulate(base, args.replicates, args.seed))]
    for name in [*NAMES, *WORLD]:
        off = base.with_changes({f"mechanisms.{name}": False})
        rows.append(row(name, hta_sim.simulate(off, args.replicates, args.seed)))
    table = pd.DataFrame(rows)
    table["change_vs_baseline"] = table["depth"] - table["depth"].iloc[0]
    out = ROOT / "results" / "ablation"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "ablation.csv", index=False)
    print(table.to_markdown(index=False, floatfmt=".3f"))


if __name__ == "__main__":
    main()

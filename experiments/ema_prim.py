"""Scenario discovery with EMA Workbench 3: which parameter regions give a deep dip? (PRIM)

    pip install -e ".[ema]"
    python experiments/ema_prim.py [--scenarios 120] [--replications 3] [--threshold 0.15]

hta_sim enters EMA as a plain function (``hta_sim.ema.run``) in a ReplicatorModel: EMA calls it once
per replication with ``replicate=k``, and ``ScalarOutcome(..., function=np.mean)`` averages the
replications (a plain ScalarOutcome fails there). PRIM then looks for the box of parameter space where
the dip is deeper than the threshold; integer columns are cast to float first (PRIM can fail on them
under pandas 3). Writes results/ema/: experiments.csv (inputs and outcomes), prim_box.csv (the box's
limits) and prim_tradeoff.png (coverage against density).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", type=int, default=120)
    ap.add_argument("--replications", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.15, help="a 'deep' dip: depth above this")
    ap.add_argument("--seed", type=int, default=2018)
    args = ap.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ema_workbench import (
        CategoricalParameter,
        Constant,
        RealParameter,
        ReplicatorModel,
        ScalarOutcome,
        SequentialEvaluator,
    )
    from ema_workbench.analysis import prim

    from hta_sim.ema import run

    model = ReplicatorModel("hta_sim", function=run)
    model.replications = [{"replicate": r} for r in range(args.replications)]
    model.uncertainties = [
        RealParameter("results_lag__weight", 0.0, 0.5),
        RealParameter("results_lag__expectation", 0.3, 1.2),
        RealParameter("initiatives__communication_per_fte", 0.0, 0.3),
        RealParameter("initiatives__launch_rate", 0.05, 0.4),
        CategoricalParameter("secretariat__policy", ["fixed", "phased", "adaptive"]),
    ]
    model.constants = [Constant("seed", args.seed)]
    model.outcomes = [ScalarOutcome(name, function=np.mean)
                      for name in ("dip_depth", "dip_trough_step", "homes_2027_12")]
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=args.scenarios)

    out = ROOT / "results" / "ema"
    out.mkdir(parents=True, exist_ok=True)
    table = experiments.copy()
    for name, values in outcomes.items():
        table[name] = values
    table.to_csv(out / "experiments.csv", index=False)

    names = [u.name for u in model.uncertainties]
    x = experiments[names].copy()
    for col in x.columns:  # PRIM and pandas 3: whole-number columns as float
        if x[col].dtype.kind in "iu":
            x[col] = x[col].astype(float)
    y = outcomes["dip_depth"] > args.threshold
    print(f"{y.sum()} of {len(y)} scenarios have a dip deeper than {args.threshold}")
    search = prim.Prim(x, y, peel_alpha=0.1)
    box = search.find_box()
    limits = box.box_lim  # the box PRIM selected along its peeling trajectory
    limits.to_csv(out / "prim_box.csv")
    print(limits.to_string())
    print(search.stats_to_dataframe().to_string())
    box.show_tradeoff()
    plt.savefig(out / "prim_tradeoff.png", dpi=120, bbox_inches="tight")
    print(f"wrote {out}/")


if __name__ == "__main__":
    main()

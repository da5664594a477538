"""Coverage of the calibration's 90 % posterior intervals on synthetic truths (issue 13).

    python experiments/calibration_coverage.py [--truths 10] [--population 200] [--budget 6000]

Draws parameter sets from the prior; each is a synthetic truth: one run of it (a stream of its own)
gives synthetic observations of every point target (the 16 pulse scores, the five national counts,
dormitory places and host-home stays). The band targets (the dip, its timing, the AB below the
board) are the seed's words about the real alliance, not about a synthetic one, so they are left
out. Each truth is fitted with a reduced budget and the script reports how often each parameter's
truth lies inside its weighted 90 % posterior interval. Writes results/calibration/coverage.csv
(one row per truth x parameter) and coverage.md. Not run in CI: about a minute a truth on 2 cores.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from hta_sim.calibration import evidence as ev
from hta_sim.calibration import space as sp
from hta_sim.calibration.executor import Runner
from hta_sim.calibration.sampler import key
from hta_sim.calibration.smc import Budget, fit
from hta_sim.calibration.summaries import fit_scenario
from hta_sim.calibration.update import weighted_quantiles
from hta_sim.scenario import load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "calibration"
TRUTH_RUN = 50  # stream tags of the truths' runs (sampler.key), apart from every fit's


def truths(n: int, seed: int) -> list[dict[str, float | int]]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(TRUTH_RUN,)))
    low, high = np.array(sp.bounds()).T
    return [sp.changes(low + (high - low) * rng.random(len(low))) for _ in range(n)]


def synthetic(stats: np.ndarray) -> ev.Evidence:
    at = dict(zip(ev.NAMES, stats.tolist(), strict=True))
    return ev.Evidence(np.array([at[n] for n in ev.pulse_names()]),
                       np.array([max(at[n], 1.0) for n in ev.count_names()]),
                       at["dormitory_places"], at["host_home_stays"], held_out=ev.PATTERNS)


def one(base, truth, j, seed, budget, runner) -> pd.DataFrame:
    stats = runner(base, [truth], seed, [key(TRUTH_RUN + j, 0, 0)])[0]
    with tempfile.TemporaryDirectory() as tmp:
        f = fit(base, synthetic(stats), seed + j, budget, Path(tmp) / "abc.db", runner, run=3)
    rows = []
    for p in sp.FREE:
        lo, hi = weighted_quantiles(f.particles[p.name].to_numpy(float), f.weights, (0.05, 0.95)).tolist()
        rows.append({"truth": j, "parameter": p.name, "value": truth[p.name], "p05": lo, "p95": hi,
                     "covered": lo <= truth[p.name] <= hi,
                     "width_share": (hi - lo) / (p.high - p.low)})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--truths", type=int, default=10)
    ap.add_argument("--population", type=int, default=200)
    ap.add_argument("--budget", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=2018)
    args = ap.parse_args()
    budget = Budget(population=args.population, generations=8, simulations=args.budget)
    base = fit_scenario(load("baseline"))
    with Runner(2) as runner:
        table = pd.concat([one(base, t, j, args.seed, budget, runner) for j, t in
                           enumerate(tqdm(truths(args.truths, args.seed), desc="truths"))])
    table.to_csv(OUT / "coverage.csv", index=False)
    by = table.groupby("parameter", sort=False).agg(covered=("covered", "mean"),
                                                    width_share=("width_share", "mean"))
    text = ["# Coverage of the 90 % posterior intervals on synthetic truths", "",
            f"{args.truths} truths drawn from the prior, each fitted with {args.population} particles "
            f"a generation and at most {args.budget} runs (`python experiments/calibration_coverage.py`)."
            " *covered*: the share of truths inside their 90 % interval (nominal 0.9); *width*: the "
            "interval's mean width as a share of the prior's range.", "",
            by.reset_index().to_markdown(index=False, floatfmt=".2f"), "",
            f"Over all parameters: {table['covered'].mean():.2f} covered."]
    (OUT / "coverage.md").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()

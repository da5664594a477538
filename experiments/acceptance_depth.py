"""How deep a posterior must go for the pulse acceptance, read from a fit's last generation.

    python experiments/acceptance_depth.py [--history results/calibration/abc.db] [--draws 400]

Two readings of the fit's last generation (its particles, weights and their own two-run summaries
in pyABC's history), for issue 13's acceptance (the posterior-predictive median of each pulse score
within 0.5 on average and 1 at most):

1. Subsets: the particles whose every score lies within e error sds, e from 3.5 to 1.8, and the
   weighted medians of their scores. It says how tight a tolerance on the pulse alone the
   acceptance needs.
2. The local-linear regression adjustment (Beaumont, Zhang & Balding 2002): each particle's logit
   coordinates minus the weighted least-squares slope on its z-scores times those z-scores
   (Epanechnikov weights in the distance, times the importance weights), then ``draws`` fresh runs at
   posterior draws before and after, on streams of their own. It says whether a linear correction
   of a shallow posterior would do.

Nothing is written. About 20 s on 2 cores. Measured 2026-12-02 on the shipped fit: subsets 0.58 /
1.55 (all 1,000, ESS 82), 0.59 / 1.35 (e = 3, 306 particles, ESS 53), 0.47 / 1.06 (e = 2.5, 37,
ESS 11), 0.45 / 1.03 (e = 2.2, 6, ESS 2), one particle within 2; the adjustment 0.61 / 1.52 before
and 0.57 / 1.47 after (counts 9.1 % and 11.3 %).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyabc

from hta_sim.calibration import checks
from hta_sim.calibration import space as sp
from hta_sim.calibration.evidence import NAMES, Evidence, z_scores
from hta_sim.calibration.executor import Runner
from hta_sim.calibration.sampler import key
from hta_sim.calibration.smc import LogitPrior
from hta_sim.calibration.summaries import fit_scenario
from hta_sim.calibration.update import weighted_quantiles
from hta_sim.scenario import load

HISTORY = Path(__file__).resolve().parents[1] / "results" / "calibration" / "abc.db"
TAG = 60  # stream tags of its own (proposal_step.py uses 40 and up)
PULSE = np.array([n.startswith("pulse_") for n in NAMES])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--history", type=Path, default=HISTORY)
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    history = pyabc.History(f"sqlite:///{args.history}", _id=1)
    pri, ev = LogitPrior(), Evidence()
    frame, w = history.get_distribution(m=0, t=history.max_t)
    u, w = frame[pri.names].to_numpy(dtype=float), np.asarray(w, dtype=float) / np.sum(w)
    same, stats = history.get_weighted_sum_stats(t=history.max_t)
    if not np.allclose(np.asarray(same) / np.sum(same), w):
        raise SystemExit("the history's particles and summaries come in different orders")
    z = z_scores(np.array([s["s"] for s in stats]), ev)
    print("1. particles with every score within e sds: weighted medians of their scores")
    for e in (3.5, 3.0, 2.5, 2.2, 2.0, 1.8):
        print(f"   e = {e}: " + _subset(np.array([s["s"] for s in stats]), z, w, e, ev))
    print("2. the regression adjustment, fresh runs at posterior draws")
    picks = np.random.default_rng(5).choice(len(u), args.draws, p=w)
    base = fit_scenario(load("baseline"))
    with Runner(args.workers) as runner:
        for name, coords in (("as fitted", u), ("adjusted", _adjusted(u, z, w))):
            changes = [sp.changes(x) for x in pri.values(coords[picks])]
            runs = runner(base, changes, 2018, [key(TAG, 0, i) for i in range(args.draws)], 1)
            print(f"   {name}: " + checks.acceptance(checks.predictive_table(runs, ev)).sentence())


def _subset(stats: np.ndarray, z: np.ndarray, w: np.ndarray, e: float, ev: Evidence) -> str:
    keep = np.abs(z[:, PULSE]).max(axis=1) <= e
    if keep.sum() < 2:
        return f"{keep.sum()} particle(s)"
    kept = w[keep] / w[keep].sum()
    medians = np.array([weighted_quantiles(stats[keep, i], kept, (0.5,))[0] for i in np.flatnonzero(PULSE)])
    err = np.abs(medians - ev.scores)
    return (f"{keep.sum()} particles, ESS {1 / np.sum(kept**2):.0f}: mean absolute error "
            f"{err.mean():.2f}, largest {err.max():.2f}")


def _adjusted(u: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """u - B z, B the weighted least-squares slopes of u on z (Epanechnikov in the distance)."""
    distance = np.abs(z).max(axis=1)
    kernel = w * (1.0 - (distance / (distance.max() * 1.0001)) ** 2)
    used = np.abs(z).max(axis=0) > 0  # a target no particle misses carries no slope
    design = np.column_stack([np.ones(len(u)), z[:, used]]) * np.sqrt(kernel)[:, None]
    slopes, *_ = np.linalg.lstsq(design, u * np.sqrt(kernel)[:, None], rcond=None)
    out: np.ndarray = u - z[:, used] @ slopes[1:]
    return out


if __name__ == "__main__":
    main()

"""Refit the baseline's point values locally when the model changes under a shipped fit (issue 12).

    python experiments/refit_point_values.py [--evaluations 160] [--seed 2018] [--ship]

Nelder-Mead (scipy) from the shipped values, over the calibration's continuous free parameters
(calibration.space; the start rungs stay as shipped), on the calibration's own discrepancy
(calibration.fit.Objective: the same targets, 24 replicates of seed 2018, the same short runs) plus
a penalty on the largest seed-score error beyond ``--largest`` (the acceptance asks <= 1).
It polishes a fit; it is not the calibration (experiments/calibrate_2018.py, and issue 13's ABC).
Prints the 16 seed scores' mean and largest absolute error at the start and at the end, on 200
replicates of the full run; with --ship, writes the values into the baseline preset.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

import hta_sim
from hta_sim.calibration import space as sp
from hta_sim.calibration.distance import median_scores
from hta_sim.calibration.fit import Objective
from hta_sim.calibration.run import fit_scenario, targets_for
from hta_sim.calibration.simulate import Simulator
from hta_sim.calibration.targets import seed_scores

ROOT = Path(__file__).resolve().parents[1]
PENALTY = 20.0  # discrepancy units per score point beyond the largest error allowed
PRESET = ROOT / "src" / "hta_sim" / "presets" / "baseline.toml"


def pulse_errors(changes: dict, replicates: int = 200, seed: int = 2018) -> tuple[float, float]:
    """Mean and largest absolute error of the median October 2018 scores against the seed's."""
    res = hta_sim.simulate(hta_sim.load("baseline").with_changes(changes), replicates, seed)
    at = res.pulse[res.pulse["date"] == np.datetime64("2018-10-01")]
    model = at.groupby(["body", "parameter"])["score"].median()
    observed = seed_scores().set_index(["body", "parameter"])["score"]
    err = (model.reindex(observed.index) - observed).abs()
    return float(err.mean()), float(err.max())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evaluations", type=int, default=160)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--ship", action="store_true")
    ap.add_argument("--largest", type=float, default=0.9, help="largest score error before the penalty")
    args = ap.parse_args()
    base = hta_sim.load("baseline")
    targets = targets_for(None, base)
    x0 = sp.read(base)
    moving = [i for i, f in enumerate(sp.FREE) if not f.integer]
    with Simulator(args.seed, 24, targets.homes_date, workers=1) as sim:
        objective = Objective(fit_scenario(base, targets), targets, sim)

        def at(z: np.ndarray) -> np.ndarray:
            x = x0.copy()
            x[moving] = z
            return x

        observed = targets.scores["score"].to_numpy(dtype=float)

        def loss(z: np.ndarray) -> float:
            parts, batch = objective.parts(at(z)[None, :])
            largest = float(np.abs(median_scores(batch, targets)[0] - observed).max())
            return float(parts.total[0]) + PENALTY * max(0.0, largest - args.largest)

        start = loss(x0[moving])
        result = minimize(loss, x0[moving], method="Nelder-Mead",
                          bounds=[(sp.FREE[i].low, sp.FREE[i].high) for i in moving],
                          options={"maxfev": args.evaluations, "xatol": 1e-3, "fatol": 1e-4})
    values = {k: round(v, 4) if isinstance(v, float) else v for k, v in sp.changes(at(result.x)).items()}
    before, after = pulse_errors({}), pulse_errors(values)
    print(pd.Series(values).to_string())
    print(f"discrepancy with the penalty {start:.4f} -> {result.fun:.4f} ({result.nfev} evaluations)")
    print(f"seed scores, 200 replicates: mean abs. error {before[0]:.4f} -> {after[0]:.4f}, "
          f"largest {before[1]:.4f} -> {after[1]:.4f}")
    if args.ship:
        text = PRESET.read_text(encoding="utf-8")
        for name, v in values.items():
            section, field = name.split(".")
            text = _replace(text, section, field, v)
        PRESET.write_text(text, encoding="utf-8")


def _replace(text: str, section: str, field: str, value: float | int) -> str:
    """The preset's line ``field = ...`` under ``[section]``, with the new value."""
    lines, inside = text.splitlines(), False
    for k, line in enumerate(lines):
        if line.startswith("["):
            inside = line.strip() == f"[{section}]"
        elif inside and line.split("=")[0].strip() == field:
            lines[k] = f"{field} = {value}"
            return "\n".join(lines) + "\n"
    raise KeyError(f"{section}.{field} is not in the preset")


if __name__ == "__main__":
    main()

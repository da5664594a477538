"""How good the posterior is: predictive checks per target, the acceptance, and identifiability.

* A target is reproduced by a posterior-predictive run when it lies within two of its error sds
  (|z| <= 2); a band target (the dip, its timing, the gap) when the run lies inside the band.
* The acceptance (issue 13): the posterior-predictive median of each pulse score within 0.5 on
  average and 1 at most of the seed's; each national count's median within 10 %.
* A parameter is pinned down when its posterior sd is under half its prior's, and free when over
  0.8 of it (uniform prior: sd = width / sqrt(12)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..arrays import Array
from . import space as sp
from .evidence import (
    ACCEPT_COUNT,
    ACCEPT_MAE,
    ACCEPT_MAX,
    NAMES,
    PATTERNS,
    Evidence,
    count_names,
    pulse_names,
    z_scores,
)
from .smc import Fit
from .update import weighted_quantiles

PINNED, FREE = 0.5, 0.8
REPRODUCED_Z = 2.0


def observed_of(ev: Evidence) -> dict[str, float]:
    values = dict(zip(pulse_names(), ev.scores.tolist(), strict=True))
    values |= dict(zip(count_names(), ev.counts.tolist(), strict=True))
    return values | {"dormitory_places": ev.dormitory_places, "host_home_stays": ev.host_home_stays}


def predictive_table(stats: Array, ev: Evidence) -> pd.DataFrame:
    """One row per target: observed, the predictive median and 90 % interval, the share reproduced."""
    z = z_scores(stats, ev)
    observed = observed_of(ev)
    rows = []
    for i, name in enumerate(NAMES):
        band = name in PATTERNS
        ok = (z[:, i] == 0.0) if band else (np.abs(z[:, i]) <= REPRODUCED_Z)
        lo, med, hi = np.quantile(stats[:, i], [0.05, 0.5, 0.95])
        rows.append({"target": name, "observed": observed.get(name, np.nan), "median": med,
                     "p05": lo, "p95": hi, "reproduced": float(ok.mean()),
                     "fitted": name not in ev.held_out})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Acceptance:
    mae: float  # the pulse scores' mean absolute error (posterior-predictive medians)
    max_error: float
    count_error: float  # the largest relative error of a national count's median

    @property
    def met(self) -> bool:
        return self.mae <= ACCEPT_MAE and self.max_error <= ACCEPT_MAX and self.count_error <= ACCEPT_COUNT

    def sentence(self) -> str:
        verdict = "meets the acceptance" if self.met else "does NOT meet the acceptance"
        return (f"The fit {verdict}: pulse scores' mean absolute error {self.mae:.2f} (<= {ACCEPT_MAE}), "
                f"largest {self.max_error:.2f} (<= {ACCEPT_MAX}); national counts 2009-2017 within "
                f"{100 * self.count_error:.1f} % (<= {100 * ACCEPT_COUNT:.0f} %).")


def acceptance(table: pd.DataFrame) -> Acceptance:
    pulse = table[table["target"].str.startswith("pulse_")]
    counts = table[table["target"].str.startswith("count_")]
    err = (pulse["median"] - pulse["observed"]).abs()
    rel = ((counts["median"] - counts["observed"]) / counts["observed"]).abs()
    return Acceptance(float(err.mean()), float(err.max()), float(rel.max()))


def holdout_error(table: pd.DataFrame, body: str = "ab") -> float:
    """Mean absolute error of the held-out body's scores (posterior-predictive medians)."""
    rows = table[table["target"].str.startswith(f"pulse_{body}_")]
    return float((rows["median"] - rows["observed"]).abs().mean())


def identifiability(f: Fit) -> pd.DataFrame:
    """Per parameter: prior and posterior sd, their ratio, the 90 % interval, and a verdict."""
    w = f.weights
    rows = []
    for p in sp.FREE:
        x = f.particles[p.name].to_numpy(dtype=float)
        mean = float(w @ x)
        sd = float(np.sqrt(w @ (x - mean) ** 2))
        prior_sd = (p.high - p.low + (1.0 if p.integer else 0.0)) / np.sqrt(12.0)
        lo, med, hi = weighted_quantiles(x, w, (0.05, 0.5, 0.95)).tolist()
        ratio = sd / prior_sd
        verdict = "pinned down" if ratio < PINNED else ("free" if ratio > FREE else "narrowed")
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high,
                     "median": med, "p05": lo, "p95": hi, "mean": mean, "sd": sd,
                     "prior_sd": prior_sd, "sd_ratio": ratio, "verdict": verdict})
    return pd.DataFrame(rows)


def generations_note(f: Fit) -> str:
    last = f.generations.iloc[-1]
    return (f"{len(f.generations)} generations, {f.simulations} particles evaluated; the last: tolerance "
            f"{last['epsilon']:.2f}, acceptance {last['acceptance']:.3f}, effective sample size "
            f"{last['ess']:.0f} of {int(last['accepted'])}")

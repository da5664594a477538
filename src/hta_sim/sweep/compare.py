"""Do two sets of runs tell the same story? Two-sample tests on outcome distributions.

Bits can differ between machines (CPU features, library builds: the manifest and each run's
``machine`` column record them), so results from a mixed cluster are compared as distributions, not
bits: a Kolmogorov-Smirnov test per outcome (scipy.stats.ks_2samp). Used across machines, across
seed sets, or to confirm that a change of engine or executor left the science alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from scipy import stats


def two_sample(a: pd.DataFrame, b: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per outcome: the KS statistic, its p-value and both sample sizes."""
    rows = []
    for name in outcomes:
        x, y = a[name].dropna().to_numpy(float), b[name].dropna().to_numpy(float)
        res = stats.ks_2samp(x, y)
        rows.append({"outcome": name, "statistic": float(res.statistic), "p_value": float(res.pvalue),
                     "n_a": len(x), "n_b": len(y)})
    return pd.DataFrame(rows)


def by_machine(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each machine's runs against all the others' (a sweep that ran on a mixed cluster)."""
    frames = []
    for machine, mine in runs.groupby("machine"):
        others = runs[runs["machine"] != machine]
        if len(others):
            frames.append(two_sample(mine, others, outcomes).assign(machine=machine))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

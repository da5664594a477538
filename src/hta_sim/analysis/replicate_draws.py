"""One posterior draw per replicate number, the same under every arm, so comparisons stay paired.

Replicate j of every arm (a candidate mix, a baseline, a sweep's design point) takes the j-th of
one list of rows, resampled from the posterior by weight once (``Posterior.resample``): arms on the
same replicate differ only by what the analysis changes. Systematic resampling returns rows in file
order, so the list is then shuffled (its own stream of the seed): replicates 0..R-1 are a sample of
the whole posterior, not of its first rows, and so is an optimiser's holdout R..R+H-1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..arrays import Codes
from .posterior import RESAMPLE_TAG, Posterior

#: The shuffle's spawn key: two elements beyond any replicate number, never a replicate's stream.
SHUFFLE_TAG = (RESAMPLE_TAG, 1)
FIXED = "none: parameters fixed at the scenario's values"


def picks(posterior: Posterior, n: int, seed: int) -> Codes:
    """The posterior row of each of replicates 0..n-1: resampled by weight, then shuffled."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=SHUFFLE_TAG)))
    shuffled: Codes = rng.permutation(posterior.resample(n, seed))
    return shuffled


def rows(posterior: Posterior, picked: Codes) -> list[dict[str, Any]]:
    """The parameter values of each picked row, each column its own type (a rung stays whole)."""
    records = posterior.draws.to_dict("records")
    return [{str(k): v for k, v in records[int(i)].items()} for i in picked]


def clashes(posterior: Posterior, fields: Iterable[str]) -> list[str]:
    """The posterior's columns that are one of ``fields`` or lie inside one (a section or a mix)."""
    owned = tuple(fields)
    return [str(c) for c in posterior.draws.columns
            if any(c == f or str(c).startswith(f"{f}.") for f in owned)]


def described(posterior: Posterior | None, draws: int, seed: int) -> dict[str, Any] | str:
    """What a manifest records of the parameter uncertainty: the posterior read, or that there was none."""
    if posterior is None:
        return FIXED
    return {"source": posterior.source, "file": posterior.file, "sha256": posterior.sha256,
            "fitted_to": posterior.fitted_to, "rows": len(posterior.draws),
            "weighted": posterior.weights is not None, "parameters": [str(c) for c in posterior.draws],
            "draws": draws, "seed": seed,
            "resampling": "systematic by weight, then shuffled; replicate j takes draw j under every arm"}

"""The ABC-SMC proposal: a product of one-dimensional Gaussian kernels, one per free parameter.

pyABC's default proposal is one multivariate normal kernel around a resampled particle. In 21
dimensions its density is lumpy at any population size, the importance weights (prior over proposal
density) degenerate, and a population of 1000 ended with an effective sample size of 1 within four
generations (measured: docs/calibration.md). A product of marginal kernels, each parameter taking
its own ancestor (what pyABC's ``AggregatedTransition`` builds from one-dimensional kernels), is a
smooth density in every dimension: a parameter the evidence does not bite on keeps an effective
sample size near the population's. The price: proposals ignore correlations between parameters,
which costs acceptance, not correctness (the weights are exact for this proposal).
This module does the same as that aggregation, vectorised: pyABC's per-kernel calls cost 20 ms a
proposal, four times the model run itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyabc
from pyabc.transition import Transition, silverman_rule_of_thumb
from scipy.special import logsumexp

from ..arrays import Array


class ProductKernel(Transition):  # type: ignore[misc]
    """q(x) = prod_d sum_j w_j N(x_d; X_jd, h_d^2); h_d by Silverman's rule on the weights' ESS."""

    def __init__(self, scaling: float = 1.0) -> None:
        self.scaling = scaling

    def fit(self, X: pd.DataFrame, w: Array) -> None:
        self.names = list(X.columns)
        self.points = X.to_numpy(dtype=float)  # (n, d)
        self.weights = np.asarray(w, dtype=float) / np.sum(w)
        self.cumulative = np.cumsum(self.weights)
        mean = self.weights @ self.points
        sd = np.sqrt(np.maximum(self.weights @ (self.points - mean) ** 2, 1e-12))
        ess = 1.0 / np.sum(self.weights**2)
        self.bandwidth = self.scaling * silverman_rule_of_thumb(ess, 1) * sd  # (d,)
        self.log_w = np.log(np.maximum(self.weights, 1e-300))

    def rvs_single(self) -> pyabc.Parameter:
        d = len(self.names)
        picks = np.minimum(np.searchsorted(self.cumulative, np.random.random(d) * self.cumulative[-1]),
                           len(self.weights) - 1)
        x = self.points[picks, np.arange(d)] + self.bandwidth * np.random.normal(size=d)
        return pyabc.Parameter(dict(zip(self.names, x.tolist(), strict=True)))

    def pdf(self, x: Any) -> float | Array:
        if isinstance(x, pd.DataFrame):
            return np.array([self._pdf(row) for row in x[self.names].to_numpy(dtype=float)])
        return self._pdf(np.array([x[n] for n in self.names], dtype=float))

    def _pdf(self, x: Array) -> float:
        z = (x[None, :] - self.points) / self.bandwidth  # (n, d)
        log_k = -0.5 * z * z - np.log(self.bandwidth * np.sqrt(2.0 * np.pi))
        return float(np.exp(np.sum(logsumexp(log_k + self.log_w[:, None], axis=0))))

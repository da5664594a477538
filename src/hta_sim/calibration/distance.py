"""How far a candidate's simulation lies from the targets: a quasi-likelihood for the fit.

The discrepancy is minus a log-likelihood (up to a constant):

* each observed score y against the simulated median m over the replicates:
  ((m - y) / SCORE_SD)^2 / 2, the evaluators' scores read as whole-step judgements;
* homes by December 2018 on a log scale: ((ln m - ln 20) / HOMES_LOG_SD)^2 / 2;
* the second pattern of docs/ODD.md (seed §6): the AB's engagement below the board's in every month
  of 2018-19, by at least GAP_MIN in the ensemble mean (sd 0.01 below that);
* the same pattern's cause (tests/test_dip.py): with the board/AB split switched off the gap must
  shrink to under SPLIT_RATIO of itself, so the split, not the make-up of the two bodies, makes it
  (sd 0.05 above that; needs each candidate's twin with the split off);
* the dip's cause (tests/test_dip.py): with the results lag switched off the dip must stay under
  LAG_OFF_MAX (sd 0.01 above it; a third twin run);
* the dip's timing (seed §6: high engagement and drive in 2016-17, the dip in the transition to
  action in 2018): the smoothed ensemble curve peaks in 2017 (step >= PEAK_FROM) and is still
  falling into 2018 (its 2018-19 minimum at step >= TROUGH_FROM), sd 2 months;
* the dip as a band: zero inside, rising steeply (sd 0.01) outside the fit band, and a penalty
  when fewer than the wanted share of replicates dip by 5 % or more (sd 0.05).

The fit band and share sit a little inside the acceptance band (5-30 %, 80 %), so that the shipped
fit does not sit on an edge that a smaller test ensemble crosses by chance. Minimising the
discrepancy is a simulated method of moments with a diagonal weighting; exp(-discrepancy) is the
quasi-posterior's likelihood (Chernozhukov and Hong 2003).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrays import Array
from .simulate import Batch
from .targets import DIP_REPLICATE_MIN, HOMES_LOG_SD, SCORE_SD, Targets

FLOOR_SCORE = 1.0  # the pulse's lowest score (seed §5: 1-5)
FIT_DIP_BAND = (0.08, 0.24)
FIT_DIP_SHARE = 0.85
DIP_SD, SHARE_SD = 0.01, 0.05
GAP_MONTHS = (24, 48)  # 2018-19 for the default start
GAP_MIN, GAP_SD = 0.02, 0.01
SPLIT_RATIO, SPLIT_SD = 0.25, 0.05
LAG_OFF_MAX, LAG_OFF_SD = 0.03, 0.01
PEAK_FROM, TROUGH_FROM, MONTHS_SD = 12, 27, 2.0


@dataclass(frozen=True)
class Parts:
    """The discrepancy of n candidates, by part (each (n,))."""

    scores: Array
    homes: Array
    dip: Array
    share: Array
    gap: Array
    split: Array
    lag: Array
    timing: Array

    @property
    def total(self) -> Array:
        return (self.scores + self.homes + self.dip + self.share + self.gap + self.split + self.lag
                + self.timing)


def median_scores(batch: Batch, targets: Targets) -> Array:
    """(n, S) the simulated median of each target score over the replicates that score it.

    A body with no members left (partners can leave) has no score in that replicate; where no
    replicate scores it, it counts at the scale's floor, 1, as a body that no longer works would.
    """
    d, b, k = targets.index()
    scores = batch.scores[:, :, d, b, k]
    scored = ~np.isnan(scores)
    filled = np.where(scored, scores, np.inf)  # sorts last; the median is taken over the scored
    n = scored.sum(axis=1)
    ordered = np.sort(filled, axis=1)
    low = np.take_along_axis(ordered, np.maximum((n - 1) // 2, 0)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(ordered, np.maximum(n // 2, 0)[:, None], axis=1)[:, 0]
    medians: Array = np.where(n > 0, 0.5 * (low + high), FLOOR_SCORE)
    return medians


def gap_ratio(batch: Batch, split_off: Batch) -> Array:
    """(n,) mean |board - AB| with the split off over the mean gap with it on, 2018-19."""
    on = np.nan_to_num(batch.board_minus_ab[:, slice(*GAP_MONTHS)], nan=0.0).mean(axis=1)
    off = np.abs(np.nan_to_num(split_off.board_minus_ab[:, slice(*GAP_MONTHS)], nan=0.0)).mean(axis=1)
    ratio: Array = off / np.maximum(on, 1e-9)
    return ratio


def discrepancy(batch: Batch, targets: Targets, split_off: Batch | None = None,
                lag_off: Batch | None = None) -> Parts:
    """The parts for n candidates; the twins hold the same candidates with the split, or the results
    lag, switched off (their parts are zero when a twin is not given).
    """
    y = targets.scores["score"].to_numpy()
    z = (median_scores(batch, targets) - y) / SCORE_SD
    homes = np.median(batch.homes, axis=1)
    zh = (np.log(np.maximum(homes, 0.5)) - np.log(targets.homes)) / HOMES_LOG_SD
    depth = batch.ensemble_depth
    outside = np.maximum(0.0, FIT_DIP_BAND[0] - depth) + np.maximum(0.0, depth - FIT_DIP_BAND[1])
    share = np.mean(batch.replicate_depths >= DIP_REPLICATE_MIN, axis=1)
    short = np.maximum(0.0, FIT_DIP_SHARE - share)
    # a month in which the AB has no members left has no gap: the pattern is not met there
    gap = np.nan_to_num(batch.board_minus_ab[:, slice(*GAP_MONTHS)], nan=0.0)
    below = np.maximum(0.0, GAP_MIN - gap) / GAP_SD
    split = np.zeros(len(depth)) if split_off is None else \
        0.5 * (np.maximum(0.0, gap_ratio(batch, split_off) - SPLIT_RATIO) / SPLIT_SD) ** 2
    lag = np.zeros(len(depth)) if lag_off is None else \
        0.5 * (np.maximum(0.0, lag_off.ensemble_depth - LAG_OFF_MAX) / LAG_OFF_SD) ** 2
    early = (np.maximum(0, PEAK_FROM - batch.peak_step) + np.maximum(0, TROUGH_FROM - batch.trough_step))
    return Parts(0.5 * np.sum(z * z, axis=1), 0.5 * zh * zh, 0.5 * (outside / DIP_SD) ** 2,
                 0.5 * (short / SHARE_SD) ** 2, 0.5 * np.sum(below * below, axis=1), split, lag,
                 0.5 * (early / MONTHS_SD) ** 2)

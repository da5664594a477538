"""Everything known by the end of 2018 that the calibration fits, each with its error model.

One simulated run gives one vector of summaries (``summaries.NAMES``); each target turns its part of
that vector into standardised residuals z, in units of the target's own error. The ABC distance is
the largest |z| over the fitted targets (the maximum norm): a particle is accepted at tolerance e
when every target lies within e of its own error sds. Every target weighs the same per error sd,
and many small misses cannot buy one large one (with the Euclidean norm the fit traded the board's
readiness to invest, two whole steps off, against the rest: docs/calibration.md).

=======================  ==========================================  ===============================
target (seed section)    observed                                    error model (one sd)
=======================  ==========================================  ===============================
pulse, 16 scores (§5)    board and AB, parameters 1-8, Oct 2018      0.5 of a score: an evaluator's
                                                                     whole-step judgement
national counts          week-6 counts 2009-2017, ages 18-29         5 % (log scale): a point count
(homelessness.toml)                                                  that sources give within 1-2
                                                                     people, plus the spell mix the
                                                                     model leaves out
dormitory places (§8)    18 by December 2018                         log(x + 1), ln 2 / 2: "about
                                                                     18"; 9 and 36 lie 2 sd away
host-home stays (§8)     2 by December 2018                          Poisson: 2 (sqrt(x + 3/8) -
                                                                     sqrt(2 + 3/8)) has sd 1
the dip (§6)             each run's smoothed dip 5-30 % of its peak  0 inside; 0.02 outside
the dip's timing (§6)    peak in 2017, still falling into 2018       0 after; 2 months before
AB below board (§6)      board minus AB engagement, 2018-19 mean     0 above 0.02; 0.02 below
=======================  ==========================================  ===============================

The band targets (the dip, its timing, the gap) are the seed's words, not numbers: zero inside what
the words allow, rising outside. A target's weight is its error's inverse; none is tuned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..arrays import Array
from ..vocabulary import BODIES, PULSE_PARAMETERS, SEED_SCORES_2018
from ..world import evidence as world_evidence

PULSE_DATE = "2018-10"
PROGRAMME_DATE = "2018-12"
COUNT_YEARS = (2009, 2011, 2013, 2015, 2017)  # 2007 is the world's starting state, not a target
SCORE_SD = 0.5
COUNT_LOG_SD = 0.05
PLACES_LOG_SD = float(np.log(2.0) / 2.0)
DORMITORY_PLACES_2018 = 18  # seed §8: Copenhagen and Odense
HOST_HOME_STAYS_2018 = 2  # seed §8: 2 housed by December 2018
DIP_BAND, DIP_SD = (0.05, 0.30), 0.02
PEAK_FROM, TROUGH_FROM, MONTHS_SD = 12, 27, 2.0  # alliance months: peak in 2017, trough from 2018-04
GAP_MIN, GAP_SD = 0.02, 0.02
ACCEPT_MAE, ACCEPT_MAX, ACCEPT_COUNT = 0.5, 1.0, 0.10  # the acceptance


def pulse_names() -> list[str]:
    return [f"pulse_{body}_{k + 1}" for body in BODIES for k in range(len(PULSE_PARAMETERS))]


def count_names() -> list[str]:
    return [f"count_{year}" for year in COUNT_YEARS]


PATTERNS = ("dip_depth", "peak_step", "trough_step", "ab_gap")
NAMES: tuple[str, ...] = (*pulse_names(), *count_names(), "dormitory_places", "host_home_stays",
                          *PATTERNS)


def observed_counts() -> Array:
    c = world_evidence.counts()
    return np.array([float(c.total[c.years.index(y)]) for y in COUNT_YEARS])


def observed_scores() -> Array:
    return np.array([float(SEED_SCORES_2018[b][k]) for b in BODIES for k in range(len(PULSE_PARAMETERS))])


@dataclass(frozen=True)
class Evidence:
    """The fitted targets: which summaries count, and what was observed."""

    scores: Array = field(default_factory=observed_scores)  # (16,) board 1-8, then AB 1-8
    counts: Array = field(default_factory=observed_counts)  # (5,) national, COUNT_YEARS
    dormitory_places: float = DORMITORY_PLACES_2018
    host_home_stays: float = HOST_HOME_STAYS_2018
    held_out: tuple[str, ...] = ()  # summary names left out of the distance (the hold-out fit)

    def fitted(self) -> tuple[str, ...]:
        return tuple(n for n in NAMES if n not in self.held_out)

    def without_body(self, body: str) -> Evidence:
        """The same evidence with one body's pulse scores held out."""
        out = tuple(n for n in pulse_names() if n.startswith(f"pulse_{body}_"))
        return Evidence(self.scores, self.counts, self.dormitory_places, self.host_home_stays, out)


#: The summaries' columns by target group, in NAMES order: 16 scores, 5 counts, places, stays, patterns.
_SCORES = slice(0, len(pulse_names()))
_COUNTS = slice(_SCORES.stop, _SCORES.stop + len(COUNT_YEARS))
_PLACES, _STAYS = NAMES.index("dormitory_places"), NAMES.index("host_home_stays")
_DIP, _PEAK, _TROUGH, _GAP = (NAMES.index(n) for n in PATTERNS)


def z_scores(stats: Array, ev: Evidence) -> Array:
    """(n, K) standardised residuals of n runs' summaries (n, K), K = len(NAMES), in NAMES order.

    A few whole-group array operations, not one per target: the ABC calls it once a particle."""
    z = np.empty(stats.shape)
    z[:, _SCORES] = (stats[:, _SCORES] - ev.scores) / SCORE_SD
    z[:, _COUNTS] = (np.log(np.maximum(stats[:, _COUNTS], 1.0)) - np.log(ev.counts)) / COUNT_LOG_SD
    z[:, _PLACES] = (np.log1p(stats[:, _PLACES]) - np.log1p(ev.dormitory_places)) / PLACES_LOG_SD
    z[:, _STAYS] = 2.0 * (np.sqrt(stats[:, _STAYS] + 0.375) - np.sqrt(ev.host_home_stays + 0.375))
    d = stats[:, _DIP]
    z[:, _DIP] = (np.maximum(0.0, DIP_BAND[0] - d) + np.maximum(0.0, d - DIP_BAND[1])) / DIP_SD
    z[:, _PEAK] = np.maximum(0.0, PEAK_FROM - stats[:, _PEAK]) / MONTHS_SD
    z[:, _TROUGH] = np.maximum(0.0, TROUGH_FROM - stats[:, _TROUGH]) / MONTHS_SD
    z[:, _GAP] = np.maximum(0.0, GAP_MIN - stats[:, _GAP]) / GAP_SD
    return z


def distance_of(stats: Array, ev: Evidence) -> Array:
    """(n,) the largest |z| of the fitted targets: the ABC distance."""
    keep = np.array([n not in ev.held_out for n in NAMES])
    out: Array = np.abs(z_scores(stats, ev)[:, keep]).max(axis=1)
    return out

"""The calibration's report.md: what was fitted, how well, what the data pin down and what stays free."""

from __future__ import annotations

import pandas as pd

from .checks import acceptance, generations_note, holdout_error
from .evidence import PROGRAMME_DATE, PULSE_DATE
from .run import Calibration


def _table(df: pd.DataFrame) -> str:
    return str(df.to_markdown(index=False, floatfmt=".3g"))


def markdown(cal: Calibration, table: pd.DataFrame, held: pd.DataFrame, ident: pd.DataFrame) -> str:
    acc = acceptance(table)
    s = cal.settings
    pinned = ", ".join(ident.loc[ident["verdict"] == "pinned down", "parameter"]) or "none"
    free = ", ".join(ident.loc[ident["verdict"] == "free", "parameter"]) or "none"
    gens = cal.fit.generations.assign(fit="all targets")
    lines = [
        "# Calibration on the evidence to 2018 (ABC-SMC)", "",
        f"Targets: the 16 pulse scores of {PULSE_DATE}, the national counts 2009-2017, dormitory "
        f"places and host-home stays by {PROGRAMME_DATE}, the dip, its timing and the AB below the "
        "board (docs/calibration.md gives each error model). Nothing dated after 2018.", "",
        f"Method: pyABC ABC-SMC, {s.budget.population} particles a generation (the last "
        f"{s.budget.last_size}), at most {s.budget.generations} generations and "
        f"{s.budget.simulations} particles before the last, of {s.budget.runs} runs each; seed {s.seed}; "
        f"{cal.simulations} model runs in all, {cal.seconds:.0f} s.", "",
        f"**{acc.sentence()}**" + (" (a quick run: its budget is far too small to fit)" if s.quick
                                   else ""), "",
        f"Fit: {generations_note(cal.fit)}.", "",
        _table(gens[["generation", "epsilon", "simulations", "accepted", "acceptance", "ess"]]), "",
        "## Posterior-predictive checks", "",
        f"{len(cal.predictive)} fresh runs at posterior draws; *reproduced*: the share of runs within "
        "two error sds of the target (a band target: inside the band).", "",
        _table(table), "",
        "## Hold-out: the AB's scores", "",
        f"A second fit leaves the AB's 8 scores out ({generations_note(cal.holdout)}). Its "
        f"posterior predicts them with a mean absolute error of {holdout_error(held):.2f}.", "",
        "## Identifiability", "",
        f"Pinned down (posterior sd < half the prior's): {pinned}. Free (> 0.8 of it): {free}.", "",
        _table(ident[["parameter", "prior_low", "prior_high", "median", "p05", "p95", "sd_ratio",
                      "verdict"]]), "",
    ]
    return "\n".join(lines)

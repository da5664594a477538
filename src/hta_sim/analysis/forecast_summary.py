"""A one-page summary of a forecast in plain words, for a foundation strategist.

It reads the forecast's tidy table: the national count on both inflow paths at the first and last
February, the alliance at the last year end, engagement and the pulse at the last pulse date, each
a median with its 90 % interval; it says what the ranges mean and what the forecast is conditional
on, and is dated, so that it stands as written before any later data is compared with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from ..provenance import version
from ..vocabulary import BODIES, PULSE_PARAMETERS, SOLUTIONS
from ..world import evidence
from .forecast import COUNT, INFLOW_PATHS, Forecast

PATH_WORDS = {"trend": "if the 2009-17 growth in new cases goes on",
              "flat": "if new cases stay at their 2015-17 level"}
TYPE_WORDS = {"dormitory": "dormitories", "host_home": "host homes", "housing_first": "Housing First"}
BODY_WORDS = {"board": "board", "ab": "advisory board"}
Format = Callable[[float], str]


def plain_summary(fc: Forecast, today: dt.date | None = None) -> str:
    """The summary's markdown text."""
    t, post = fc.table, fc.posterior
    fitted = f"fitted to evidence up to {post.fitted_to}" if post.fitted_to else "whose fit is undated"
    weights = (f"weighted; effective sample size {post.effective_size():,.1f} of {len(post.draws):,} "
               "rows" if post.weights is not None else f"{len(post.draws):,} equally weighted rows")
    lines = [f"# Forecast for `{fc.scenario.name}`: what the model expects", "",
             f"Written on {(today or dt.date.today()).isoformat()} by hta-sim {version()}, before any "
             "data later than the evidence it rests on is compared with it. This is a model forecast, "
             f"conditional on the posterior of the model's parameters (`{post.source}`, {fitted}; "
             f"{weights}) and on the scenario `{fc.scenario.name}`"
             + (f" ({_first_sentence(fc.scenario.description)})" if fc.scenario.description else "")
             + ". It says what the model, as fitted, expects if the scenario holds; it is not a "
             "promise of what will happen."
             + (f" How well the fit met its own targets: {post.quality}" if post.quality else ""), "",
             "## How to read the numbers", "",
             f"Each number is the median of {fc.draws:,} runs (seed {fc.seed}): half the runs lie above "
             "it, half below. The 90 % interval is the range of the middle 90 % of runs (5th to 95th "
             "percentile); the figures also shade the 50 % band, the middle half. Each run takes one "
             "parameter set drawn from the posterior by its weight, and its own chance events, so the "
             "ranges carry both the parameters' uncertainty and chance. They do not carry the model's "
             "own errors or events it does not contain (a new law, a new funder, a housing crisis): a "
             "narrow band means the model is sure, not the world.", ""]
    lines += _count_lines(t)
    lines += _alliance_lines(t, fc.scenario.world.inflow_path)
    lines += _pulse_lines(t)
    lines += ["## Files", "",
              "`forecast.csv` holds every quantity at every date (median, p05, p25, p75, p95); the "
              "figures show them with their bands. `manifest.json` records the posterior file and its "
              "sha256, the data files the model read with the latest year of evidence each holds, and "
              "every written file's sha256 (`hta_sim.analysis.forecast.verify` checks them).", ""]
    return "\n".join(lines)


def _first_sentence(text: str) -> str:
    first = " ".join(text.split()).split(". ")[0].rstrip(".")
    return first[0].lower() + first[1:] if first else first


def _row(t: pd.DataFrame, quantity: str, date: str | None = None) -> pd.Series | None:
    rows = t[t["quantity"] == quantity]
    if date is not None:
        rows = rows[rows["date"] == date]
    return None if rows.empty else rows.iloc[-1]


def _interval(row: pd.Series, fmt: Format) -> str:
    return f"{fmt(row['median'])} (90 % interval {fmt(row['p05'])} to {fmt(row['p95'])})"


def _people(x: float) -> str:
    return f"{round(x):,}"


def _month(date: str) -> str:
    return dt.date(int(date[:4]), int(date[5:7]), 1).strftime("%B %Y")


def _count_lines(t: pd.DataFrame) -> list[str]:
    count = evidence.goal_count()
    lines = ["## Homeless young people: the national count in February", "",
             f"The 2017 count was {count:,} homeless young people aged 18-29; the alliance's goal is "
             "none by December 2027. New cases are a driver nobody steers, so the count is forecast "
             "on two paths, with the same parameter sets and chance in both:", ""]
    dates = sorted(t.loc[t["quantity"] == f"{COUNT}_flat", "date"])
    if not dates:
        return [*lines[:2], "The scenario's horizon holds no February count from 2019 on.", ""]
    for path in INFLOW_PATHS:
        said = [f"{_month(d)}: {_interval(row, _people)}" for d in dict.fromkeys([dates[0], dates[-1]])
                if (row := _row(t, f"{COUNT}_{path}", d)) is not None]
        lines.append(f"- **{PATH_WORDS[path]}** ({path}): " + "; ".join(said) + ".")
    lines += ["", "Which path holds is an assumption about new cases, not something the model estimates.",
              ""]
    return lines


def _alliance_lines(t: pd.DataFrame, path: str) -> list[str]:
    partners = _row(t, "active_partners")
    if partners is None:
        return []
    when = str(partners["date"])
    meets = _row(t, "ab_meets", when)
    staff = _row(t, "secretariat_staff", when)
    housed = [f"{TYPE_WORDS[k]} {_interval(r, _people)}" for k in SOLUTIONS
              if (r := _row(t, f"housed_{k}", when)) is not None]
    running = [f"{TYPE_WORDS[k]} {_interval(r, _people)}" for k in SOLUTIONS
               if (r := _row(t, f"municipalities_{k}", when)) is not None]
    lines = [f"## The alliance in {_month(when)}", "",
             f"On the scenario's own inflow path ({path}):", "",
             f"- Active partners: {_interval(partners, _people)}."]
    if meets is not None:
        lines.append(f"- The advisory board still meets in {100 * meets['median']:.0f} % of runs.")
    lines += [f"- Young people housed through the alliance's solutions since the start (cumulative): "
              f"{'; '.join(housed)}.",
              f"- Municipalities running each solution type: {'; '.join(running)}."]
    if staff is not None:
        lines.append(f"- The secretariat's paid staff: {_interval(staff, lambda x: f'{x:.1f}')} "
                     "full-time equivalents.")
    return [*lines, ""]


def _pulse_lines(t: pd.DataFrame) -> list[str]:
    last = _row(t, "engagement_mean")
    if last is None:
        return []
    when = str(last["date"])
    two: Format = lambda x: f"{x:.2f}"  # noqa: E731
    said = [f"{w} {_interval(r, two)}" for q, w in (("engagement_board", "board"),
                                                    ("engagement_ab", "advisory board"),
                                                    ("engagement_mean", "all partners"))
            if (r := _row(t, q, when)) is not None]
    lines = [f"## Engagement and the pulse, {_month(when)}", "",
             f"Engagement (0 to 1): {'; '.join(said)}.", "",
             "The eight pulse scores (1 to 5, the evaluation's scale), median and 90 % interval:", "",
             "| parameter | " + " | ".join(BODY_WORDS[b] for b in BODIES) + " |",
             "|---|" + "---|" * len(BODIES)]
    one: Format = lambda x: f"{x:.1f}"  # noqa: E731
    for p in PULSE_PARAMETERS:
        cells = [(_interval(r, one).replace("90 % interval ", "") if (r := _row(t, f"pulse_{b}_{p}", when))
                  is not None else "") for b in BODIES]
        lines.append(f"| {p.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return [*lines, ""]

"""Per-replicate outcomes a strategist compares scenarios on (one row per replicate)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..outcomes import replicate_dips
from ..vocabulary import HOMES_GOAL, RUNG, RUNGS

#: Outcome name -> (label, +1 if more is better, -1 if less is better).
OUTCOMES: dict[str, tuple[str, int]] = {
    "engagement_2019": ("mean engagement in 2019", +1),
    "engagement_2021": ("mean engagement in 2021", +1),
    "engagement_2027": ("mean engagement in 2027", +1),
    "dip_depth": ("dip depth (own replicate; shallower, lower, is better)", -1),
    "homeless_2022": ("homeless young people 18-29, national count February 2022", -1),
    "homeless_2027": ("homeless young people 18-29, national count February 2027", -1),
    "homes_2027": ("young people housed through the alliance's solutions by Dec 2027", +1),
    "homes_share_of_goal": ("young people housed by Dec 2027 / 2,300", +1),
    "cost_mdkk": ("cost of the solutions' places to Dec 2027, MDKK", -1),
    "share_initiative_taking": ("share of partners at initiative-taking or above, Dec 2027", +1),
    "money_others": ("money from partners other than the dominant funder, MDKK, whole run", +1),
}


def _at_or_nan(traj: pd.DataFrame, column: str, date: str, index: pd.Index) -> pd.Series:
    """Each replicate's value in a month, or NaN where the run does not reach it."""
    rows = traj[traj["date"] == np.datetime64(f"{date}-01")]
    return rows.set_index("replicate")[column].reindex(index).astype(float)


def per_replicate(traj: pd.DataFrame) -> pd.DataFrame:
    """The outcomes of each replicate of one scenario, indexed by replicate."""
    by = traj.groupby("replicate")
    year = traj["date"].dt.year
    out = pd.DataFrame(index=pd.Index(sorted(traj["replicate"].unique()), name="replicate"))
    for y in (2019, 2021, 2027):
        out[f"engagement_{y}"] = traj[year == y].groupby("replicate")["engagement_mean"].mean()
    out["dip_depth"] = replicate_dips(traj).set_index("replicate")["depth"]
    last = traj[traj["date"] == traj["date"].max()].set_index("replicate")
    for y in (2022, 2027):  # the count is taken in week 6, February
        out[f"homeless_{y}"] = _at_or_nan(traj, "homeless_youth", f"{y}-02", out.index)
    out["homes_2027"] = last["homes_created"]
    out["homes_share_of_goal"] = last["homes_created"] / HOMES_GOAL
    out["cost_mdkk"] = last["solution_cost_mdkk"]
    upper = [f"rung_{r}" for r in RUNGS[RUNG["initiative_taking"]:]]
    active = last["active_partners"].replace(0, np.nan)
    out["share_initiative_taking"] = last[upper].sum(axis=1) / active
    out["money_others"] = by["money_others"].sum()
    return out

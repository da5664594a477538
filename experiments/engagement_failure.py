"""Engagement that can fail (issue 12): the baseline's engagement, rungs, roster and AB over
replicates; the backbone's end (funding-ends-2021); the dip within partners and in composition.

    python experiments/engagement_failure.py [--replicates 200] [--seed 7]

Writes results/engagement/: figures.csv (every number below), active_partners.csv (the roster by
year), engagement.png, report.md and manifest.json. Nothing here is a target: the numbers are what
the mechanisms produce at the shipped values.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import hta_sim
from hta_sim.outcomes import ensemble_dip
from hta_sim.outfolder import write_folder
from hta_sim.provenance import manifest

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "engagement"


def years(traj: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    y = traj["date"].dt.year
    return traj[(y >= first) & (y <= last)]


def year_mean(traj: pd.DataFrame, column: str, year: int) -> float:
    return float(years(traj, year, year)[column].mean())


def last_month(traj: pd.DataFrame) -> pd.DataFrame:
    return traj[traj["date"] == traj["date"].max()]


def august_2017(traj: pd.DataFrame) -> dict[str, float]:
    """The association month's step in mean engagement, split: the 2016 partners' own change
    (within) and the newcomers' effect on the mean (composition). Before it only they were in."""
    at = traj.groupby("date")[["engagement_mean", "engagement_mean_incumbents"]].mean()
    jul, aug = at.loc["2017-07-01"], at.loc["2017-08-01"]
    return {"step_aug_2017": aug["engagement_mean"] - jul["engagement_mean"],
            "step_within": aug["engagement_mean_incumbents"] - jul["engagement_mean_incumbents"],
            "step_composition": aug["engagement_mean"] - aug["engagement_mean_incumbents"]}


def baseline_figures(traj: pd.DataFrame, lag_off: pd.DataFrame) -> dict[str, float]:
    late, end = years(traj, 2024, 2027), last_month(traj)
    e27 = years(traj, 2027, 2027).groupby("replicate")["engagement_mean"].mean()
    return {
        "engagement_median_2024_27": float(late["engagement_mean"].median()),
        "engagement_2027_p05": float(e27.quantile(0.05)), "engagement_2027_p95": float(e27.quantile(0.95)),
        "target_clipped_share_2024_27": float(late["target_clipped"].mean()),
        "rung_falls_per_replicate": float(end["rung_falls"].mean()),
        "departures_per_replicate": float(end["partners_left"].mean()),
        "departures_p95": float(end["partners_left"].quantile(0.95)),
        "joins_per_replicate": float(end["partners_joined"].mean()),
        "key_person_changes_per_replicate": float(end["key_person_changes"].mean()),
        "ab_meets_share_2027": float(end["ab_meets"].mean()),
        "dip_engagement_mean": ensemble_dip(traj).depth,
        "dip_engagement_mean_incumbents": ensemble_dip(traj, "engagement_mean_incumbents").depth,
        "dip_results_lag_off": ensemble_dip(lag_off).depth,
        **august_2017(traj),
    }


def roster_by_year(traj: pd.DataFrame) -> pd.DataFrame:
    dec = traj[traj["date"].dt.month == 12]
    q = dec.groupby(dec["date"].dt.year)["active_partners"].quantile([0.05, 0.5, 0.95]).unstack()
    return q.set_axis(["p05", "median", "p95"], axis=1).rename_axis("year").reset_index()


def backbone(base: pd.DataFrame, ends: pd.DataFrame) -> dict[str, float]:
    e = {f"funding_ends_{y}": year_mean(ends, "engagement_mean", y) for y in (2020, 2023, 2027)}
    return {**e, "funding_ends_2023_over_own_2020": e["funding_ends_2023"] / e["funding_ends_2020"],
            "baseline_2023": year_mean(base, "engagement_mean", 2023),
            "funding_ends_2023_over_baseline_2023":
                e["funding_ends_2023"] / year_mean(base, "engagement_mean", 2023),
            "funding_ends_coordination_2023": year_mean(ends, "coordination", 2023),
            "funding_ends_build_2023": year_mean(ends, "build_level", 2023),
            "baseline_build_2023": year_mean(base, "build_level", 2023),
            "funding_ends_departures": float(last_month(ends)["partners_left"].mean()),
            "funding_ends_ab_meets_2027": float(last_month(ends)["ab_meets"].mean())}


def figure(base: pd.DataFrame, ends: pd.DataFrame, path: Path) -> None:
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.2))
    for traj, label, colour in ((base, "baseline", "C0"), (ends, "funding ends 2021", "C3")):
        g = traj.groupby("date")["engagement_mean"]
        a.fill_between(g.quantile(0.05).index, g.quantile(0.05), g.quantile(0.95), color=colour, alpha=0.2)
        a.plot(g.median().index, g.median(), color=colour, label=f"{label}: all partners")
        inc = traj.groupby("date")["engagement_mean_incumbents"].median()
        a.plot(inc.index, inc, color=colour, ls="--", label=f"{label}: the 2016 partners")
        p = traj.groupby("date")["active_partners"]
        b.fill_between(p.quantile(0.05).index, p.quantile(0.05), p.quantile(0.95), color=colour, alpha=0.2)
        b.plot(p.median().index, p.median(), color=colour, label=label)
    a.set(title="Mean engagement (median, 90% band)", ylim=(0, 1))
    b.set(title="Active partners (median, 90% band)")
    a.legend(fontsize=8)
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(numbers: dict[str, float], roster: pd.DataFrame, args: argparse.Namespace) -> str:
    n = {k: round(v, 3) for k, v in numbers.items()}
    rows = "\n".join(f"| {int(r.year)} | {r.p05:.0f} | {r.median:.0f} | {r.p95:.0f} |"
                     for r in roster.itertuples())
    return f"""# Engagement that can fail: the baseline, {args.replicates} replicates, seed {args.seed}

Written by `python experiments/engagement_failure.py --replicates {args.replicates} --seed {args.seed}`;
every number is in `figures.csv`. None is a target.

- Median engagement 2024-27: **{n['engagement_median_2024_27']}**; mean engagement in 2027 across
  replicates, p05-p95: **{n['engagement_2027_p05']}-{n['engagement_2027_p95']}**.
- Share of partner-months whose engagement target is clipped at 1, 2024-27:
  **{n['target_clipped_share_2024_27']}**.
- Per replicate, 2016-2027: {n['rung_falls_per_replicate']} rung falls,
  {n['key_person_changes_per_replicate']} key-person changes, {n['departures_per_replicate']} departures
  (p95 {n['departures_p95']}),
  {n['joins_per_replicate']} candidate organisations joining. The AB still meets at the end of 2027 in
  {n['ab_meets_share_2027']:.0%} of replicates.
- The dip (3-month smoothed, relative to the 2016-17 peak): {n['dip_engagement_mean']} in the mean
  over all partners, {n['dip_engagement_mean_incumbents']} among the 2016 partners alone;
  {n['dip_results_lag_off']} with the results lag off.
- August 2017, the association month: mean engagement steps by {n['step_aug_2017']}; the 2016 partners'
  own change is {n['step_within']}, the newcomers' effect on the mean (composition) {n['step_composition']}.

## Active partners at each year end

| year | p05 | median | p95 |
|---|---|---|---|
{rows}

## The backbone goes: funding-ends-2021

Mean engagement in 2023 is {n['funding_ends_2023']}: {n['funding_ends_2023_over_own_2020']:.0%} of its
own 2020 level ({n['funding_ends_2020']}) and {n['funding_ends_2023_over_baseline_2023']:.0%} of the
baseline's 2023 ({n['baseline_2023']}). With no paid staff, coordination falls to
{n['funding_ends_coordination_2023']} in 2023 (meetings are not held, partners lose contact), the
build decays to {n['funding_ends_build_2023']} (baseline
{n['baseline_build_2023']}), and expectations adapted to the results of 2019-20 are no longer met.
{n['funding_ends_departures']} partners leave per replicate by 2027.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    base = hta_sim.simulate("baseline", args.replicates, args.seed, progress=True).trajectories
    lag_off = hta_sim.simulate(hta_sim.load("baseline").with_changes({"mechanisms.results_lag": False}),
                               args.replicates, args.seed).trajectories
    ends = hta_sim.simulate("funding-ends-2021", args.replicates, args.seed).trajectories
    numbers = {**baseline_figures(base, lag_off), **backbone(base, ends)}
    roster = roster_by_year(base)

    def fill(folder: Path) -> None:
        table = pd.DataFrame({"figure": list(numbers), "value": list(numbers.values())})
        table.to_csv(folder / "figures.csv", index=False)
        roster.to_csv(folder / "active_partners.csv", index=False)
        figure(base, ends, folder / "engagement.png")
        (folder / "report.md").write_text(report(numbers, roster, args), encoding="utf-8")
        info = manifest(hta_sim.load("baseline"), args.seed, args.replicates, "vectorised",
                        {"scenarios": ["baseline", "funding-ends-2021", "baseline, results_lag off"]})
        (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")

    write_folder(OUT, fill, "experiments/engagement_failure.py", force=True)
    print((OUT / "report.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()

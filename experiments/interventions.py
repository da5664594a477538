"""Compare every preset against the baseline and write a reading for fund strategists.

    python experiments/interventions.py [--replicates 200] [--seed 2019]

Writes results/interventions/: comparison.csv, outcomes.parquet, comparison.png, manifest.json and
README.md (the numbers in its text come from comparison.csv of the same run).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import hta_sim
from hta_sim.analysis import compare
from hta_sim.analysis.posterior import load_posterior

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "interventions"

#: What each lever does in the model, and through which mechanism (docs/ODD.md, "Levers").
WHY = {
    "development-pool-2019": "Partners propose and lead funded initiatives, so pilots do not queue for "
    "the secretariat's three people and their money is covered; more results become visible, and "
    "partners respond to visible results (results_lag), to results at home (own_value) and to shared "
    "success on the trust ladder.",
    "ab-revitalised": "AB members meet more and stand closer to the secretariat, so more of the "
    "alliance's progress reaches them and they drift less (board_ab_split).",
    "ab-dissolved": "AB members take board seats: they meet and stand as the board does "
    "(board_ab_split). Nothing else changes; the AB's rows disappear.",
    "board-ownership": "Board members take over initiatives from the secretariat, which frees its "
    "capacity (secretariat_overload) and gives them results at home (own_value).",
    "results-communication": "More results become visible sooner and reach every partner; engagement "
    "follows visible results against expectations (results_lag).",
    "new-municipalities": "Pilot municipalities join once they see a solution work (results_lag) and "
    "lend staff and the municipal authority pilots need. Mean engagement dips slightly because the "
    "newcomers start less engaged than the founders: a change in who is counted, not in anyone's "
    "commitment.",
    "adaptive-secretariat": "After each pulse the secretariat moves effort towards its weakest "
    "parameters; more public affairs lowers regulatory barriers (regulatory_barriers).",
    "funding-ends-2021": "Without the backbone, little is built, launched or communicated; fewer "
    "visible results means falling engagement (results_lag).",
    "more-funders": "The same money from more foundations lowers a dominant founder's share, so others "
    "pull back less (crowding_out). At the calibrated baseline, though, the largest contributor from "
    "2017 is a co-financing board member (Villum), not Bikubenfonden, so diluting Bikubenfonden's "
    "grants leaves the dominant share, and everything downstream, almost unchanged.",
    "all-recommendations": "All levers above from 2019 at once.",
    "no-alliance": "The same world with the alliance's solutions never started: nobody is housed "
    "through the alliance, so the difference from the baseline is (minus) what the alliance adds.",
}
PATHS = {"trend": "if the 2009-17 growth in new cases goes on", "flat": "if new cases stay at their "
         "2015-17 level"}


def fmt(row: pd.Series, digits: int = 2, scale: float = 1.0, unit: str = "") -> str:
    d = row["diff_median"] * scale
    lo, hi = row["diff_p025"] * scale, row["diff_p975"] * scale
    return f"{d:+.{digits}f}{unit} (95 % of paired replicates: {lo:+.{digits}f} to {hi:+.{digits}f})"


def reading(table: pd.DataFrame, posterior: str, replicates: int, seed: int) -> str:
    lines = [
        "# Interventions: what each recommendation does, and how sure we are",
        "",
        f"Every preset against the baseline: {replicates} paired replicates, seed {seed}, common "
        f"random numbers, under both of the world's inflow paths; parameter uncertainty: {posterior}. "
        "Regenerate with `python experiments/interventions.py`. Table: `comparison.csv`; per-replicate "
        "outcomes: `outcomes.parquet`; figure: `comparison.png`. What the model leaves out: "
        "[docs/limitations.md](../../docs/limitations.md).",
        "",
        "Differences are the median of paired differences (same replicate, same random numbers), "
        "with the range that holds 95 % of them; *P(better)* is the share of replicates in which "
        "the scenario did better than the baseline (ties, e.g. before a lever starts, count as not "
        "better). The national count is the week-6 count of homeless 18-29-year-olds (lower is "
        "better); young people housed are entries into the solutions' places, which no lever can "
        "exceed (tests/test_housing.py checks every preset against its places).",
    ]
    for path, words in PATHS.items():
        lines += ["", f"## {words} (`{path}`)", "", _baseline(table, path), "", *_rows(table, path)]
    lines += ["", "## What each lever does, and why", ""]
    for name in table["scenario"].unique():
        if name != "baseline":
            lines.append(f"- **`{name}`.** {WHY[name]}")
    lines += ["", "Dip depth is each replicate's own (see docs/ODD.md, \"The dip\"); a lever that starts "
              "in 2019 can only touch the end of the 2018-19 trough window, so its effect on the dip is "
              "small by construction: read engagement in 2021 for what it does after the dip.", ""]
    return "\n".join(lines)


def _baseline(table: pd.DataFrame, path: str) -> str:
    t = table[table["inflow_path"] == path].set_index(["scenario", "outcome"])

    def base(o: str) -> pd.Series:
        return t.loc[("baseline", o)]

    return (f"**Baseline.** Mean engagement in 2021 {base('engagement_2021')['median']:.2f} (90 % of "
            f"replicates {base('engagement_2021')['p05']:.2f}-{base('engagement_2021')['p95']:.2f}); "
            f"dip depth {base('dip_depth')['median']:.0%}; national count in February 2027 "
            f"{base('homeless_2027')['median']:,.0f} ({base('homeless_2027')['p05']:,.0f}-"
            f"{base('homeless_2027')['p95']:,.0f}); young people housed through the solutions by "
            f"December 2027 {base('homes_2027')['median']:,.0f} ({base('homes_2027')['p05']:,.0f}-"
            f"{base('homes_2027')['p95']:,.0f}); the places' cost to 2027 "
            f"{base('cost_mdkk')['median']:,.0f} MDKK.")


def _rows(table: pd.DataFrame, path: str) -> list[str]:
    t = table[table["inflow_path"] == path].set_index(["scenario", "outcome"])
    lines = ["| scenario | engagement 2021 | count Feb 2027 | housed by Dec 2027 | cost, MDKK "
             "| P(better): engagement / count / housed |", "|---|---|---|---|---|---|"]
    for name in table["scenario"].unique():
        if name == "baseline":
            continue
        e, c, h, m = (t.loc[(name, o)] for o in ("engagement_2021", "homeless_2027", "homes_2027",
                                                 "cost_mdkk"))
        lines.append(f"| `{name}` | {fmt(e)} | {fmt(c, 0)} | {fmt(h, 0)} | {fmt(m, 1)} | "
                     f"{e['p_better']:.0%} / {c['p_better']:.0%} / {h['p_better']:.0%} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2019)
    args = ap.parse_args()
    names = ["baseline"] + [n for n in hta_sim.preset_names() if n != "baseline"]
    posterior = load_posterior()
    cmp = compare.run(names, args.replicates, args.seed, posterior, progress=True)
    (OUT / "README.md").unlink(missing_ok=True)  # this script's own reading, written below
    compare.save(cmp, OUT, force=True)
    (OUT / "README.md").write_text(reading(cmp.table(), cmp.posterior, args.replicates, args.seed))
    print((OUT / "README.md").read_text())


if __name__ == "__main__":
    main()

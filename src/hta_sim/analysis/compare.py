"""Compare scenarios on common random numbers, with honest uncertainty.

Every scenario runs the same replicates with the same seed: replicate r draws the same random numbers
in each (streams are keyed by replicate and partner slot), and, unless parameters are fixed, the same
parameter set from the calibration's posterior. Differences are therefore paired: what remains is
the scenario's effect, with chance and parameter uncertainty carried through. Each comparison runs
under both of the world's inflow paths (``world.inflow_path``: the 2009-17 growth goes on, or the
2015-17 level holds), since the future inflow is a driver nobody knows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .. import engine
from ..errors import InputError
from ..outfolder import write_folder
from ..params import check
from ..provenance import manifest
from ..scenario import Scenario, load
from .outcomes_table import OUTCOMES, per_replicate
from .posterior import Posterior

#: The world's inflow paths every comparison reports (scenario.World.inflow_path).
INFLOW_PATHS = ("trend", "flat")


@dataclass
class Comparison:
    scenarios: list[Scenario]
    seed: int
    outcomes: pd.DataFrame  # scenario, inflow_path, replicate, one column per outcome
    trajectories: pd.DataFrame  # a few columns of every replicate's trajectory, for figures
    posterior: str  # where parameter uncertainty came from

    def table(self) -> pd.DataFrame:
        order = [s.name for s in self.scenarios]
        return pd.concat([summarise(g, order).assign(inflow_path=path) for path, g in
                          self.outcomes.groupby("inflow_path", sort=False)], ignore_index=True)


def run(names: list[str | Path | Scenario], replicates: int, seed: int,
        posterior: Posterior | None, progress: bool = False) -> Comparison:
    scenarios = [load(n) for n in names]
    for s in scenarios:
        check(s)
    if len({s.name for s in scenarios}) < len(scenarios):
        raise InputError("field 'scenarios': each scenario needs its own name")
    rows, trajs = [], []
    runs = len(scenarios) * len(INFLOW_PATHS)
    with tqdm(total=replicates * runs, unit="run", disable=not progress) as bar:
        for path in INFLOW_PATHS:
            for s in scenarios:
                on_path = s.with_changes({"world.inflow_path": path})
                batch = posterior.apply(on_path, replicates) if posterior else [on_path] * replicates
                recs = engine.run(batch, seed, replicates, tick=bar.update)
                traj = pd.concat([r.trajectories(s.name, seed) for r in recs], ignore_index=True)
                rows.append(per_replicate(traj).assign(scenario=s.name, inflow_path=path).reset_index())
                if path == s.world.inflow_path:  # the figure shows each scenario on its own path
                    trajs.append(traj[["scenario", "replicate", "date", "engagement_mean",
                                       "homes_created", "homeless_youth"]])
    return Comparison(scenarios, seed, pd.concat(rows, ignore_index=True),
                      pd.concat(trajs, ignore_index=True),
                      posterior.source if posterior else "none: parameters fixed at each scenario's values")


def summarise(outcomes: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Median and 90 % interval per scenario; paired difference from the first with its 95 % interval
    and the probability that the scenario beats the first, where ``better_if`` says which direction
    beats (a shallower dip is better: 'lower').
    """
    first = outcomes[outcomes["scenario"] == order[0]].set_index("replicate")
    rows = []
    for name in order:
        mine = outcomes[outcomes["scenario"] == name].set_index("replicate")
        for key, (label, better) in OUTCOMES.items():
            x, d = mine[key], (mine[key] - first[key]).dropna()
            rows.append({
                "scenario": name, "outcome": key, "label": label,
                "median": x.median(), "p05": x.quantile(0.05), "p95": x.quantile(0.95),
                "diff_median": d.median(), "diff_p025": d.quantile(0.025),
                "diff_p975": d.quantile(0.975),
                "p_better": float(np.mean(np.sign(d) == better)) if name != order[0] else np.nan,
                "better_if": "higher" if better > 0 else "lower",  # what p_better counts as better
            })
    return pd.DataFrame(rows)


def save(cmp: Comparison, out: Path, force: bool = False) -> Path:
    """Write comparison.csv, outcomes.parquet, summary.md, the figure and manifest.json, atomically.

    An earlier comparison in ``out`` is replaced only with ``force`` (outfolder.check_out).
    """
    return write_folder(out, lambda folder: _write(cmp, folder), "compare", force)


def _write(cmp: Comparison, folder: Path) -> None:
    from ..figures import comparison as draw
    from .summary import plain_summary

    cmp.table().to_csv(folder / "comparison.csv", index=False)
    cmp.outcomes.to_parquet(folder / "outcomes.parquet", index=False)
    (folder / "summary.md").write_text(plain_summary(cmp.outcomes, [s.name for s in cmp.scenarios],
                                                     cmp.seed, cmp.posterior))
    fig = draw(cmp.trajectories, [s.name for s in cmp.scenarios])
    fig.savefig(folder / "comparison.png", dpi=120, bbox_inches="tight")
    info = manifest(cmp.scenarios[0], cmp.seed, int(cmp.outcomes["replicate"].nunique()),
                    "vectorized", {"scenarios": [s.to_dict() for s in cmp.scenarios],
                                   "scenario_hashes": [s.digest() for s in cmp.scenarios],
                                   "parameter_uncertainty": cmp.posterior,
                                   "inflow_paths": list(INFLOW_PATHS),
                                   "tables": ["comparison.csv", "outcomes.parquet", "summary.md"],
                                   "figures": ["comparison.png"]})
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))

"""Compare scenarios on common random numbers, with honest uncertainty.

Every scenario runs the same replicates with the same seed: replicate r draws the same random numbers
in each (streams are keyed by replicate and partner slot), and, unless parameters are fixed, the same
parameter set from the calibration's posterior. Differences are therefore paired: what remains is
the scenario's effect, with chance and parameter uncertainty carried through.
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


@dataclass
class Comparison:
    scenarios: list[Scenario]
    seed: int
    outcomes: pd.DataFrame  # scenario, replicate, one column per outcome
    trajectories: pd.DataFrame  # a few columns of every replicate's trajectory, for figures
    posterior: str  # where parameter uncertainty came from

    def table(self) -> pd.DataFrame:
        return summarise(self.outcomes, [s.name for s in self.scenarios])


def run(names: list[str | Path | Scenario], replicates: int, seed: int,
        posterior: Posterior | None, progress: bool = False) -> Comparison:
    scenarios = [load(n) for n in names]
    for s in scenarios:
        check(s)
    if len({s.name for s in scenarios}) < len(scenarios):
        raise InputError("field 'scenarios': each scenario needs its own name")
    rows, trajs = [], []
    with tqdm(total=replicates * len(scenarios), unit="run", disable=not progress) as bar:
        for s in scenarios:
            batch = posterior.apply(s, replicates) if posterior else [s] * replicates
            recs = engine.run(batch, seed, replicates, tick=bar.update)
            traj = pd.concat([r.trajectories(s.name, seed) for r in recs], ignore_index=True)
            rows.append(per_replicate(traj).assign(scenario=s.name).reset_index())
            trajs.append(traj[["scenario", "replicate", "date", "engagement_mean", "homes_created"]])
    return Comparison(scenarios, seed, pd.concat(rows, ignore_index=True),
                      pd.concat(trajs, ignore_index=True),
                      posterior.source if posterior else "none: parameters fixed at each scenario's values")


def summarise(outcomes: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Median and 90 % interval per scenario; paired difference from the first with its 95 % interval
    and the probability that the scenario beats the first.
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
            })
    return pd.DataFrame(rows)


def save(cmp: Comparison, out: Path, force: bool = False) -> Path:
    """Write comparison.csv, outcomes.parquet, the figure and manifest.json, atomically.

    An earlier comparison in ``out`` is replaced only with ``force`` (outfolder.check_out).
    """
    return write_folder(out, lambda folder: _write(cmp, folder), "compare", force)


def _write(cmp: Comparison, folder: Path) -> None:
    from ..figures import comparison as draw

    cmp.table().to_csv(folder / "comparison.csv", index=False)
    cmp.outcomes.to_parquet(folder / "outcomes.parquet", index=False)
    fig = draw(cmp.trajectories, [s.name for s in cmp.scenarios])
    fig.savefig(folder / "comparison.png", dpi=120, bbox_inches="tight")
    info = manifest(cmp.scenarios[0], cmp.seed, int(cmp.outcomes["replicate"].nunique()),
                    "vectorized", {"scenarios": [s.to_dict() for s in cmp.scenarios],
                                   "scenario_hashes": [s.digest() for s in cmp.scenarios],
                                   "parameter_uncertainty": cmp.posterior,
                                   "tables": ["comparison.csv", "outcomes.parquet"],
                                   "figures": ["comparison.png"]})
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))

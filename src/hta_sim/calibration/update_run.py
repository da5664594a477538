"""``hta-sim calibrate --observations FILE``: the shipped posterior reweighted by later evidence.

The update restarts from the shipped posterior (``src/hta_sim/data/posterior.csv``, or
``--posterior``), not from the priors: importance reweighting (calibration.update). It writes the
reweighted particles (a posterior file ``compare``, ``sweep`` and ``forecast`` take), the predictive
bands of every observation before and after, and a short report with the effective sample sizes.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd

from ..outfolder import write_folder
from ..provenance import manifest
from ..scenario import load
from .counts import Observations
from .update import Update, update

PACKAGED = "posterior.csv"


def particles_path(path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    return Path(str(resources.files("hta_sim.data").joinpath(PACKAGED)))


def run_update(obs: Observations, particles: pd.DataFrame,
               files: tuple[str | Path, str | Path | None], seed: int, out: Path, force: bool) -> int:
    """Reweight ``particles`` by ``obs`` and write the result; ``files``: the observations' and the
    posterior's paths, for the manifest."""
    base = load("baseline")
    result = update(particles, base, obs, seed)
    write_folder(out, lambda folder: _write(result, folder, seed, *files), "calibrate", force)
    print(result.describe())
    print(f"wrote {out}/ (particles.csv, predictive.csv, report.md)")
    return 0


def _write(result: Update, folder: Path, seed: int, observations: str | Path,
           posterior: str | Path | None) -> None:
    result.particles.to_csv(folder / "particles.csv", index=False)
    result.predictive.to_csv(folder / "predictive.csv", index=False)
    (folder / "report.md").write_text("# The posterior updated with later evidence\n\n"
                                      + result.describe() + "\n")
    info = manifest(load("baseline"), seed, len(result.particles), "vectorized", {
        "update": {"observations": str(observations), "posterior": str(particles_path(posterior)),
                   "ess_before": result.ess_before, "ess_after": result.ess_after,
                   "degenerate": result.degenerate, "method": "importance reweighting"},
        "tables": ["particles.csv", "predictive.csv"]})
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))

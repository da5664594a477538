"""The calibration's outputs: the weighted posterior, tables, figures, pyABC's history and a report.

Everything is written into a staging folder beside the target and renamed into place at the end, so
a failure never leaves a half-written folder. Tables are tidy; docs/calibration.md gives their
columns. ``particles.csv`` is what ``src/hta_sim/data/posterior.csv`` ships.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..outfolder import write_folder
from ..provenance import manifest
from ..scenario import flatten
from . import space as sp
from .checks import acceptance, identifiability, predictive_table
from .evidence import PROGRAMME_DATE, PULSE_DATE, count_names, pulse_names
from .run import Calibration

FITTED_TO = PROGRAMME_DATE  # the latest evidence any target holds


def particles_frame(cal: Calibration) -> pd.DataFrame:
    return cal.fit.particles.assign(weight=np.round(cal.fit.weights, 10))


def generations_frame(cal: Calibration) -> pd.DataFrame:
    return pd.concat([cal.fit.generations.assign(fit="all targets"),
                      cal.holdout.generations.assign(fit="without the AB's scores")], ignore_index=True)


def point_values(ident: pd.DataFrame) -> dict[str, float | int]:
    """The posterior's marginal medians, as the scenario takes them."""
    return {p.name: p.value(v) for p, v in zip(sp.FREE, ident["median"], strict=True)}


def sections_toml(values: Mapping[str, float | int]) -> str:
    """Dotted-path values as TOML sections (floats to 4 decimals), for scenario files."""
    import tomli_w

    from ..scenario import unflatten

    return tomli_w.dumps(unflatten({k: v if isinstance(v, int) else round(v, 4)
                                    for k, v in values.items()}))


def scenario_toml(cal: Calibration, ident: pd.DataFrame) -> str:
    lines = ["# The posterior's marginal medians from `hta-sim calibrate` (ABC-SMC, seed "
             f"{cal.settings.seed}); the whole posterior is particles.csv.",
             'extends = "baseline"', 'name = "calibrated"', ""]
    return "\n".join(lines) + "\n" + sections_toml(point_values(ident))


def marginals_figure(cal: Calibration, folder: Path) -> str:
    n, cols = len(sp.FREE), 6
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.9 * cols, 2.3 * rows))
    for ax, p in zip(axes.ravel(), sp.FREE, strict=False):
        x = cal.fit.particles[p.name].to_numpy(dtype=float)
        edges = np.arange(p.low - 0.5, p.high + 1.0) if p.integer else np.linspace(p.low, p.high, 25)
        ax.hist(x, bins=edges, weights=cal.fit.weights, density=True, color="#4c72b0")
        ax.axhline(1.0 / (p.high - p.low + (1.0 if p.integer else 0.0)), color="grey", ls=":", lw=1)
        ax.set_title(p.name, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    fig.suptitle(f"Posterior marginals ({len(cal.fit.weights)} weighted particles, ABC-SMC); dotted: "
                 "the uniform prior", fontsize=9)
    fig.tight_layout()
    fig.savefig(folder / "posterior_marginals.png", dpi=110)
    plt.close(fig)
    return "posterior_marginals.png"


def predictive_figure(table: pd.DataFrame, folder: Path) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [2, 1]})
    for ax, names in ((left, pulse_names()), (right, count_names())):
        rows = table.set_index("target").loc[names]
        x = np.arange(len(rows))
        ax.vlines(x, rows["p05"], rows["p95"], color="#4c72b0", lw=3, alpha=0.5, label="90 % predictive")
        ax.plot(x, rows["median"], "o", color="#4c72b0", label="predictive median")
        ax.plot(x, rows["observed"], "x", color="#c44e52", ms=8, label="observed")
        ax.set_xticks(x, [n.split("_", 1)[1] for n in names], rotation=90, fontsize=7)
    left.set_title(f"Pulse scores, {PULSE_DATE} (board 1-8, AB 1-8)", fontsize=9)
    right.set_title("Homeless 18-29-year-olds, week 6", fontsize=9)
    left.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(folder / "predictive.png", dpi=110)
    plt.close(fig)
    return "predictive.png"


def write(cal: Calibration, out: str | Path, force: bool = False) -> Path:
    """Write the calibration's folder; an earlier one is replaced only with ``force``."""
    return write_folder(Path(out), lambda folder: _write(cal, folder), "calibrate", force)


def _write(cal: Calibration, folder: Path) -> None:
    from .report_text import markdown

    table = predictive_table(cal.predictive, cal.evidence)
    held = predictive_table(cal.holdout_predictive, cal.evidence.without_body("ab"))
    ident = identifiability(cal.fit)
    particles_frame(cal).to_csv(folder / "particles.csv", index=False)
    generations_frame(cal).to_csv(folder / "generations.csv", index=False)
    table.to_csv(folder / "predictive.csv", index=False)
    held.to_csv(folder / "holdout.csv", index=False)
    ident.to_csv(folder / "identifiability.csv", index=False)
    (folder / "fitted.toml").write_text(scenario_toml(cal, ident))
    (folder / "abc.db").write_bytes(cal.history)
    figs = [marginals_figure(cal, folder), predictive_figure(table, folder)]
    (folder / "report.md").write_text(markdown(cal, table, held, ident))
    settings = {k: str(getattr(cal.settings, k)) for k in cal.settings.__dataclass_fields__}
    info = manifest(cal.base, cal.settings.seed, len(cal.predictive), "vectorized", {
        "calibration": settings | {"model_runs": cal.simulations, "seconds": round(cal.seconds, 1),
                                   "method": f"ABC-SMC (pyABC), {cal.settings.budget.proposal}-kernel "
                                             "proposal, median tolerance; hold-out fit without the "
                                             "AB's scores",
                                   "fitted_to": FITTED_TO,
                                   "acceptance_met": acceptance(table).met,
                                   "free_parameters": sp.names()},
        "tables": ["particles.csv", "generations.csv", "predictive.csv", "holdout.csv",
                   "identifiability.csv"],
        "figures": figs, "scenario_file": "fitted.toml", "history": "abc.db",
        "fixed_values": {k: v for k, v in flatten(cal.base.to_dict()).items() if k not in sp.names()
                         and not k.startswith(("name", "description"))},
    })
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))

"""Which parameters move which outcomes: Sobol or Morris indices of a finished sweep, via SALib.

Each design point's outcome is the mean over its replicates; SALib then reads the design exactly as it
drew it (``design.parquet``'s raw sample). Sobol indices need a Sobol (Saltelli) design, Morris
indices a Morris design. The table is tidy (one row per outcome x parameter x index) and the figure
shows every index with its confidence interval.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..outfolder import check_out, write_folder
from ..provenance import manifest as provenance
from ..scenario import Scenario
from ..sweep.store import read_runs

#: Indices reported per method, with the key of their confidence half-width in SALib's result.
INDICES: dict[str, dict[str, str | None]] = {"sobol": {"S1": "S1_conf", "ST": "ST_conf"},
           "morris": {"mu_star": "mu_star_conf", "sigma": None, "mu": None}}


def default_outcomes(columns: list[str]) -> list[str]:
    """The headline outcomes: dip depth and timing, engagement, homes, initiative-taking share."""
    keep = ("dip_depth", "dip_trough_step")
    return [c for c in columns if c in keep or c.startswith(("homes_", "initiative_taking_share_"))
            or (c.startswith("engagement_") and not c.startswith(("engagement_board", "engagement_ab")))]


def analyse(folder: str | Path, method: str | None = None, outcomes: list[str] | None = None,
            resamples: int = 200, seed: int | None = None, conf_level: float = 0.95) -> pd.DataFrame:
    """Indices of every chosen outcome: outcome, parameter, index, value, conf_low, conf_high.

    ``seed`` (default: the sweep's seed) drives the bootstrap through ``salib_seed``.
    """
    folder = Path(folder)
    info = _manifest(folder)
    sweep = info["sweep"]
    seed = sweep_seed(info) if seed is None else seed
    design_method = sweep["design"]["method"]
    if method is None and design_method not in INDICES:
        raise InputError(f"sweep folder '{folder}': its design is {design_method!r}; sensitivity "
                         "indices need a sobol or morris design")
    method = method or design_method
    if method not in INDICES:
        raise InputError(f"field '--method' = {method!r}: must be sobol or morris")
    if method != design_method:
        raise InputError(f"field '--method' = {method!r}: the sweep's design is {design_method!r}; "
                         f"{method} indices need a {method} design")
    if info.get("status") != "complete":
        raise InputError(f"sweep folder '{folder}': not complete; finish it with hta-sim sweep --resume")
    columns = sweep["outcomes"]
    chosen = outcomes or default_outcomes(columns)
    unknown = [o for o in chosen if o not in columns]
    if unknown:
        raise InputError(f"field '--outcome' = {unknown[0]!r}: not an outcome of this sweep; it has "
                         f"{', '.join(columns)}")
    problem = sweep["design"]["problem"]
    design = pd.read_parquet(folder / "design.parquet").sort_values("point")
    X = design[[f"sample.{n}" for n in problem["names"]]].to_numpy(float)
    runs = read_runs(folder, columns=["point", *chosen])
    means = runs.groupby("point")[chosen].mean().reindex(design["point"])
    rows = []
    for outcome in chosen:
        Y = means[outcome].to_numpy(float)
        if np.isnan(Y).any():
            raise InputError(f"field '--outcome' = {outcome!r}: missing for {int(np.isnan(Y).sum())} "
                             "points (e.g. no active partner at that date); choose another outcome")
        res = _salib(method, problem, X, Y, sweep["spec"]["design"], resamples, salib_seed(seed),
                     conf_level)
        for index, conf_key in INDICES[method].items():
            for j, name in enumerate(problem["names"]):
                value = float(res[index][j])
                half = float(res[conf_key][j]) if conf_key else np.nan
                rows.append({"outcome": outcome, "parameter": name, "index": index, "value": value,
                             "conf_low": value - half, "conf_high": value + half})
    return pd.DataFrame(rows)


def sweep_seed(info: dict[str, Any]) -> int:
    """The sweep's own seed, from its manifest: the default seed of its sensitivity analysis."""
    seed = info["sweep"]["spec"].get("seed", 0)
    return int(seed) if isinstance(seed, int) and not isinstance(seed, bool) else 0


def salib_seed(seed: int) -> int:
    """A seed SALib honours: SALib leaves numpy unseeded when given 0 (any falsy seed), so every
    seed, 0 included, is mapped through SeedSequence to a whole number from 1 to 2**32 - 1.
    """
    drawn = int(np.random.SeedSequence(seed).generate_state(1, np.uint32)[0])
    return drawn or 1


def _salib(method: str, problem: dict[str, Any], X: np.ndarray, Y: np.ndarray,
           design: dict[str, Any], resamples: int, seed: int, conf_level: float) -> Any:
    if method == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(problem, Y, calc_second_order=design["second_order"],
                             num_resamples=resamples, conf_level=conf_level, seed=seed)
    from SALib.analyze import morris

    return morris.analyze(problem, X, Y, num_resamples=resamples, conf_level=conf_level,
                          num_levels=design["levels"], seed=seed)


def figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: each parameter's indices as bars, confidence intervals as whiskers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    params = list(dict.fromkeys(table["parameter"]))
    shown = [i for i in dict.fromkeys(table["index"]) if i != "mu"]  # Morris: mu* and sigma
    ncols = min(3, len(outcomes))
    nrows = -(-len(outcomes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols + 1.5, (0.45 * len(params) + 1.2) * nrows),
                             sharey=True, squeeze=False)
    y = np.arange(len(params))
    height = 0.8 / len(shown)
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        for k, index in enumerate(shown):
            sub = table[(table["outcome"] == outcome) & (table["index"] == index)].set_index("parameter")
            sub = sub.reindex(params)
            err = np.vstack([sub["value"] - sub["conf_low"], sub["conf_high"] - sub["value"]])
            ax.barh(y + (k - (len(shown) - 1) / 2) * height, sub["value"], height=height, label=index,
                    xerr=None if np.isnan(err).all() else np.nan_to_num(err), capsize=2)
        ax.axvline(0, color="#888", lw=0.8)
        ax.set_title(outcome, fontsize=9)
        ax.set_yticks(y, params, fontsize=8)
        ax.invert_yaxis()
    for ax in axes.flat[len(outcomes):]:
        ax.set_visible(False)
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Sensitivity indices (bars) with confidence intervals (whiskers)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def run(folder: str | Path, method: str | None = None, outcomes: list[str] | None = None,
        out: str | Path | None = None, resamples: int = 200, seed: int | None = None,
        force: bool = False) -> Path:
    """Write sensitivity.csv, sensitivity.png and manifest.json into ``out`` (replaced whole)."""
    folder = Path(folder)
    info = _manifest(folder)
    method = method or info["sweep"]["design"]["method"]
    target = Path(out) if out else folder / f"sensitivity-{method}"
    check_out(target, "sensitivity", force)  # before the analysis: a refused folder costs nothing
    seed = sweep_seed(info) if seed is None else seed
    table = analyse(folder, method, outcomes, resamples, seed)

    def fill(staging: Path) -> None:
        table.to_csv(staging / "sensitivity.csv", index=False)
        figure(table, staging / "sensitivity.png")
        meta = provenance(Scenario.model_validate(info["scenario"]), info["seed"], info["replicates"],
                          "vectorized", {"sensitivity": {"sweep": str(folder), "method": method,
                                                         "outcomes": sorted(set(table["outcome"])),
                                                         "resamples": resamples, "seed": seed,
                                                         "sweep_spec_hash": info["sweep"]["spec_hash"]},
                                         "tables": ["sensitivity.csv"], "figures": ["sensitivity.png"]})
        (staging / "manifest.json").write_text(json.dumps(meta, indent=2, default=str))

    return write_folder(target, fill, "sensitivity", force)


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        info: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
        info["sweep"]["design"]
        return info
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(f"sweep folder '{folder}': not an hta-sim sweep (no readable manifest.json)") \
            from None

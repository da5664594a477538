"""The calibration's outputs: the fitted scenario file, tables, figures and a markdown report.

Everything is written into a staging folder beside the target and renamed into place at the end, so
a failure never leaves a half-written folder. Tables (CSV, Parquet) are tidy; their columns are
documented in docs/calibration.md.
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

from .. import figures
from ..outcomes import at_date, ensemble_dip, replicate_dips
from ..outfolder import write_folder
from ..provenance import manifest
from ..results import Results
from ..scenario import flatten
from . import space as sp
from .run import Calibration, posterior_frame
from .targets import DIP_REPLICATE_MIN, DIP_REPLICATE_SHARE, PROGRAMME_COLUMNS, SEED_DATE, Targets

PINNED, PARTLY = 0.4, 0.75  # posterior 90 % width over the prior's 90 % width
STRONG_CORRELATION = 0.5  # a posterior correlation the report names as a trade-off


def scores_at(res: Results, targets: Targets) -> pd.DataFrame:
    """Per target score: simulated median, p05 and p95 over replicates."""
    p = res.pulse.assign(date=res.pulse["date"].astype(str).str[:7])
    g = p.groupby(["date", "body", "parameter"])["score"]
    stats = pd.DataFrame({"median": g.median(), "p05": g.quantile(0.05), "p95": g.quantile(0.95)})
    keys = pd.MultiIndex.from_frame(targets.scores[["date", "body", "parameter"]])
    return stats.reindex(keys).reset_index()


def target_table(cal: Calibration) -> pd.DataFrame:
    """Every target against the simulated median and 90 % interval, and against the null models."""
    t = cal.targets.scores
    sim, null = scores_at(cal.assessed, cal.targets), scores_at(cal.null, cal.targets)
    pred = cal.predictive
    mean_score = float(t["score"].mean())
    rows = pd.DataFrame({
        "target": [f"score {d} {b} {k} {n}" for d, b, k, n in
                   zip(t["date"], t["body"], t["parameter"], t["name"], strict=True)],
        "observed": t["score"].to_numpy(),
        "median": sim["median"].to_numpy(), "p05": sim["p05"].to_numpy(), "p95": sim["p95"].to_numpy(),
        "posterior_p05": np.quantile(pred, 0.05, axis=0), "posterior_p95": np.quantile(pred, 0.95, axis=0),
        "null_mechanisms_off": null["median"].to_numpy(), "null_mean_score": mean_score,
    })
    homes = _programme_at(cal.assessed.trajectories, cal.targets.homes_date)
    homes_null = _programme_at(cal.null.trajectories, cal.targets.homes_date)
    depths = replicate_dips(cal.assessed.trajectories)["depth"]
    null_depths = replicate_dips(cal.null.trajectories)["depth"]
    extra = pd.DataFrame([
        {"target": f"dorm places + host-home stays {cal.targets.homes_date} (about 20)",
         "observed": cal.targets.homes,
         "median": homes.median(), "p05": homes.quantile(0.05), "p95": homes.quantile(0.95),
         "null_mechanisms_off": homes_null.median()},
        {"target": "dip depth, ensemble (5-30 %)", "observed": np.nan,
         "median": ensemble_dip(cal.assessed.trajectories).depth,
         "null_mechanisms_off": ensemble_dip(cal.null.trajectories).depth},
        {"target": "dip depth, each replicate (>= 5 %)", "observed": np.nan,
         "median": depths.median(), "p05": depths.quantile(0.05), "p95": depths.quantile(0.95),
         "null_mechanisms_off": null_depths.median()},
        {"target": "share of replicates dipping >= 5 % (>= 80 %)", "observed": DIP_REPLICATE_SHARE,
         "median": float((depths >= DIP_REPLICATE_MIN).mean()),
         "null_mechanisms_off": float((null_depths >= DIP_REPLICATE_MIN).mean())},
    ])
    out = pd.concat([rows, extra], ignore_index=True)
    out["error"] = out["median"] - out["observed"]
    return out


def seed_fit(table: pd.DataFrame, column: str = "median") -> dict[str, float]:
    """Mean and largest absolute error over the 16 seed scores of October 2018."""
    seed = table[table["target"].str.startswith(f"score {SEED_DATE}")]
    err = (seed[column] - seed["observed"]).abs()
    return {"mae": float(err.mean()), "max": float(err.max()), "n": len(err)}


def parameter_table(cal: Calibration) -> pd.DataFrame:
    post = posterior_frame(cal)
    corr = post.corr().fillna(0.0)
    rows = []
    for i, f in enumerate(sp.FREE):
        s = post[f.name]
        p05, p95 = s.quantile(0.05), s.quantile(0.95)
        ratio = (p95 - p05) / (0.9 * (f.high - f.low))
        label = "pinned down" if ratio <= PINNED else "partly constrained" if ratio <= PARTLY else \
            "left free"
        partners = [f"{o} ({corr[o].loc[f.name]:+.2f})" for o in corr.columns
                    if o != f.name and abs(corr[o].loc[f.name]) >= STRONG_CORRELATION]
        rows.append({"parameter": f.name, "low": f.low, "high": f.high, "integer": f.integer,
                     "before": float(sp.read(cal.base)[i]), "fitted": f.value(cal.chosen[i]),
                     "optimum": f.value(cal.optimum.x[i]),
                     "posterior_median": float(s.median()), "p05": float(p05), "p95": float(p95),
                     "width_ratio": float(ratio), "identifiability": label,
                     "correlated_with": "; ".join(partners),
                     "autocorr_steps": float(cal.posterior.autocorr[i]), "why": f.why})
    return pd.DataFrame(rows)


def holdout_table(cal: Calibration) -> pd.DataFrame:
    """AB scores predicted by the fit made without them, against the seed and naive predictors."""
    t = cal.targets.scores
    ab = t[(t["body"] == "ab") & (t["date"] == SEED_DATE)]
    board = t[(t["body"] == "board") & (t["date"] == SEED_DATE)]
    pred = scores_at(cal.holdout, cal.targets.without("board"))
    pred = pred[pred["date"] == SEED_DATE]
    full = scores_at(cal.assessed, cal.targets.without("board"))
    full = full[full["date"] == SEED_DATE]
    return pd.DataFrame({
        "parameter": ab["parameter"].to_numpy(), "name": ab["name"].to_numpy(),
        "observed_ab": ab["score"].to_numpy(),
        "predicted_without_ab": pred["median"].to_numpy(),
        "p05": pred["p05"].to_numpy(), "p95": pred["p95"].to_numpy(),
        "fitted_with_ab": full["median"].to_numpy(),
        "naive_board_score": board["score"].to_numpy(),
    })


def radar_figure(cal: Calibration, folder: Path) -> str:
    fig = figures.radar(cal.assessed.pulse, f"{SEED_DATE}-01")
    fig.suptitle(f"Pulse measurement October 2018: seed vs simulated median at the fit "
                 f"({cal.settings.assess_replicates} replicates; cf. seed fig. 6.1)", y=1.04)
    fig.savefig(folder / "fig61_radar.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return "fig61_radar.png"


def marginals_figure(cal: Calibration, params: pd.DataFrame, folder: Path) -> str:
    post = posterior_frame(cal)
    n = len(sp.FREE)
    cols = 5
    fig, axes = plt.subplots(-(-n // cols), cols, figsize=(3.2 * cols, 2.6 * -(-n // cols)))
    for ax, f, (_, row) in zip(axes.ravel(), sp.FREE, params.iterrows(), strict=False):
        if f.integer:
            values = np.arange(f.low, f.high + 1)
            counts = post[f.name].value_counts(normalize=True).reindex(values, fill_value=0.0)
            ax.bar(values, counts.to_numpy(), color="#4c72b0", width=0.8)
            ax.axhline(1.0 / len(values), color="grey", ls=":", lw=1, label="prior")
        else:
            ax.hist(post[f.name], bins=30, range=(f.low, f.high), density=True, color="#4c72b0")
            ax.axhline(1.0 / (f.high - f.low), color="grey", ls=":", lw=1, label="prior")
        ax.axvline(row["fitted"], color="#c44e52", lw=1.5, label="fitted")
        ax.set_xlim(f.low - (0.6 if f.integer else 0), f.high + (0.6 if f.integer else 0))
        ax.set_title(f"{f.name}\n{row['identifiability']}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7)
    fig.suptitle(f"Quasi-posterior marginals ({len(post)} draws, emcee), prior uniform over the "
                 "range shown", fontsize=10)
    fig.tight_layout()
    fig.savefig(folder / "posterior_marginals.png", dpi=120)
    plt.close(fig)
    return "posterior_marginals.png"


def engagement_figure(cal: Calibration, folder: Path) -> str:
    ax = figures.engagement(cal.assessed.trajectories,
                            title="Engagement at the fitted values (cf. seed fig. 7.1)")
    fig = ax.get_figure(root=True)  # the whole figure, not a subfigure
    assert fig is not None
    fig.tight_layout()
    fig.savefig(folder / "fig71_engagement.png", dpi=120)
    plt.close(fig)
    return "fig71_engagement.png"


def scenario_toml(cal: Calibration) -> str:
    values = sp.changes(cal.chosen)
    lines = ["# The free parameters fitted to the 2018 evaluation by `hta-sim calibrate`",
             f"# (seed {cal.settings.seed}, budget {cal.settings.budget}, {cal.settings.replicates} "
             "replicates a candidate). Every other value is the baseline preset's.",
             'extends = "baseline"', 'name = "calibrated"', ""]
    return "\n".join(lines) + "\n" + sections_toml(values)


def sections_toml(values: Mapping[str, float]) -> str:
    """Fitted dotted-path values as TOML sections (floats to 4 decimals), for scenario files."""
    import tomli_w

    from ..scenario import unflatten

    return tomli_w.dumps(unflatten({k: v if isinstance(v, int) else round(v, 4)
                                    for k, v in values.items()}))


def write(cal: Calibration, out: str | Path, force: bool = False) -> Path:
    """Write the calibration's folder; an earlier one is replaced only with ``force``."""
    return write_folder(Path(out), lambda folder: _write(cal, folder), "calibrate", force)


def _write(cal: Calibration, folder: Path) -> None:
    from .report_text import markdown

    targets, params, hold = target_table(cal), parameter_table(cal), holdout_table(cal)
    (folder / "fitted.toml").write_text(scenario_toml(cal))
    targets.to_csv(folder / "targets.csv", index=False)
    params.to_csv(folder / "posterior.csv", index=False)
    hold.to_csv(folder / "holdout.csv", index=False)
    cal.shortlist.to_csv(folder / "shortlist.csv", index=False)
    post = posterior_frame(cal).assign(log_prob=cal.posterior.log_prob)
    post.to_parquet(folder / "posterior_samples.parquet", index=False)
    cal.targets.scores.to_csv(folder / "observed.csv", index=False)
    figs = [radar_figure(cal, folder), marginals_figure(cal, params, folder),
            engagement_figure(cal, folder)]
    (folder / "report.md").write_text(markdown(cal, targets, params, hold))
    settings = {k: getattr(cal.settings, k) for k in cal.settings.__dataclass_fields__}
    info = manifest(cal.fitted, cal.settings.seed, cal.settings.assess_replicates, "vectorized", {
        "calibration": settings | {"model_runs": cal.runs, "seconds": round(cal.seconds, 1),
                                   "method": "differential evolution (scipy) + emcee quasi-posterior",
                                   "free_parameters": sp.names(),
                                   "fitted": sp.changes(cal.chosen),
                                   "optimum": sp.changes(cal.optimum.x)},
        "tables": ["targets.csv", "posterior.csv", "holdout.csv", "observed.csv", "shortlist.csv",
                   "posterior_samples.parquet"],
        "figures": figs, "scenario_file": "fitted.toml",
        "fixed_values": {k: v for k, v in flatten(cal.base.to_dict()).items() if k not in sp.names()
                         and not k.startswith(("name", "description"))},
    })
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))


def _programme_at(traj: pd.DataFrame, date: str) -> pd.Series:
    """The seed's programme figure (targets.programme_count) of each replicate in a month."""
    first, second = PROGRAMME_COLUMNS
    return at_date(traj, first, date) + at_date(traj, second, date)

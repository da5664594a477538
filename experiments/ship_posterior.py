"""Ship the calibration's weighted posterior with the package, for forecast, compare and sweep.

    python experiments/ship_posterior.py

Copies results/calibration/particles.csv (written by experiments/calibrate_2018.py: one row per
particle, one column per free parameter by its dotted scenario path, and its weight) to
src/hta_sim/data/posterior.csv, and writes the companion posterior.json: the latest date of the
evidence it was fitted to, the CSV's sha256 and what the targets were.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from hta_sim.analysis.posterior import load_posterior
from hta_sim.calibration.report import FITTED_TO

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "results" / "calibration" / "particles.csv"
TARGET = ROOT / "src" / "hta_sim" / "data" / "posterior.csv"
TARGETS = ("the 16 pulse scores of October 2018, the national counts of homeless 18-29-year-olds "
           "2009-2017, dormitory places and host-home stays by December 2018, the dip, its timing "
           "and the AB below the board (docs/calibration.md)")


def main() -> None:
    shutil.copyfile(SOURCE, TARGET)
    digest = hashlib.sha256(TARGET.read_bytes()).hexdigest()
    report = (ROOT / "results" / "calibration" / "report.md").read_text(encoding="utf-8")
    said = next(line.strip("*") for line in report.splitlines() if "the acceptance" in line)
    info = {"fitted_to": FITTED_TO, "sha256": digest, "targets": TARGETS,
            "method": "ABC-SMC (pyABC), results/calibration/report.md", "acceptance": said}
    TARGET.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    post = load_posterior(TARGET)  # validates every column against the scenario schema
    assert post is not None and post.fitted_to == FITTED_TO
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(post.draws)} particles, effective sample size "
          f"{post.effective_size():.0f}) and its posterior.json")


if __name__ == "__main__":
    main()

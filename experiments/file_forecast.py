"""File the model's forecast of what happened after 2018: results/forecast/baseline-2018/ (issue 13).

    python experiments/file_forecast.py

Runs `hta-sim forecast` on the baseline under the shipped posterior (fitted to evidence dated 2018
or earlier only) and marks the folder's manifest as filed, so that no command replaces it, not even
with --force. It is the model's prediction, written before anyone compares it with what happened:
never regenerate it. A later model files a new folder beside it (change FOLDER). The manifest's
``files`` map holds every file's sha256; tests/test_forecast_filed.py checks them and the inputs' dates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "results" / "forecast" / "baseline-2018"
DRAWS, SEED = 1000, 2019
FILED = ("the model's forecast of 2019 and after from evidence dated 2018 or earlier, filed before "
         "any comparison with what happened; never regenerated")


def main() -> None:
    if FOLDER.exists():
        sys.exit(f"{FOLDER.relative_to(ROOT)} is filed already: it is never regenerated")
    subprocess.run([sys.executable, "-m", "hta_sim.cli", "forecast", "--scenario", "baseline",
                    "--draws", str(DRAWS), "--seed", str(SEED), "--out", str(FOLDER)], check=True)
    manifest = FOLDER / "manifest.json"
    info = json.loads(manifest.read_text(encoding="utf-8"))
    info["filed"] = FILED
    manifest.write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")
    print(f"filed {FOLDER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

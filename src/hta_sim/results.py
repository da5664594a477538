"""Results of a simulation: the tidy tables, and saving them with figures and a manifest.

Saving writes into a temporary folder beside the target and renames it into place at the end, so a
failure never leaves a half-written result folder.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import outcomes
from .errors import InputError
from .provenance import manifest
from .scenario import Scenario

Format = Literal["parquet", "csv"]


def check_out(target: Path) -> None:
    """Refuse an output path that exists and is neither empty nor an earlier result folder."""
    if not target.exists():
        return
    if not target.is_dir() or (any(target.iterdir()) and not (target / "manifest.json").exists()):
        raise InputError(f"field '--out' = '{target}': exists and is neither empty nor an earlier "
                         "hta-sim result folder")


def write_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Fill a temporary folder beside ``target``, then rename it into place.

    An earlier result folder is replaced whole; on any failure the temporary folder goes and nothing
    is left half-written.
    """
    check_out(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        fill(staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


@dataclass
class Results:
    scenario: Scenario
    seed: int
    engine: str
    trajectories: pd.DataFrame
    pulse: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    census: pd.DataFrame | None = None  # the national counts (week 6), by municipality and band

    @property
    def replicates(self) -> int:
        return int(self.trajectories["replicate"].nunique())

    def summary(self) -> pd.DataFrame:
        return outcomes.summary(self.trajectories, self.pulse)

    def manifest(self) -> dict[str, Any]:
        return manifest(self.scenario, self.seed, self.replicates, self.engine, self.meta)

    def save(self, out: str | Path, format: Format = "parquet", figures: bool = True) -> Path:
        """Write tables, figures and manifest.json into ``out``.

        ``out`` may be new, empty, or an earlier result folder (it has a manifest.json), which is
        replaced whole; any other existing path is refused.
        """
        if format not in ("parquet", "csv"):
            raise InputError(f"field 'format' = {format!r}: must be parquet or csv")
        return write_folder(Path(out), lambda folder: self._write(folder, format, figures))

    def _write(self, folder: Path, format: Format, figures: bool) -> None:
        tables = [("trajectories", self.trajectories), ("pulse", self.pulse)]
        if self.census is not None:
            tables.append(("census", self.census))
        for name, df in tables:
            if format == "parquet":
                df.to_parquet(folder / f"{name}.parquet", index=False)
            else:
                df.to_csv(folder / f"{name}.csv", index=False)
        self.summary().to_csv(folder / "summary.csv", index_label="outcome")
        written = []
        if figures:
            from . import figures as fig

            written = fig.standard(self, folder)
        info = self.manifest() | {"tables": [f"{name}.{format}" for name, _ in tables] + ["summary.csv"],
                                  "figures": written}
        (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str))

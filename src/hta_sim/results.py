"""Results of a simulation: the tidy tables, and saving them with figures and a manifest.

Saving goes through ``outfolder.write_folder``: a staging folder beside the target, renamed into
place at the end, so a failure never leaves a half-written result folder, and an earlier result is
replaced only with ``force`` (docs: README, "Output folders").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import outcomes
from .errors import InputError
from .outfolder import write_folder
from .provenance import manifest
from .scenario import Scenario

Format = Literal["parquet", "csv"]


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

    def save(self, out: str | Path, format: Format = "parquet", figures: bool = True,
             force: bool = False) -> Path:
        """Write tables, figures and manifest.json into ``out``.

        ``out`` may be new or empty; an earlier result of ``hta-sim run`` is replaced only with
        ``force``; any other existing path is refused (outfolder.check_out).
        """
        if format not in ("parquet", "csv"):
            raise InputError(f"field 'format' = {format!r}: must be parquet or csv")
        return write_folder(Path(out), lambda folder: self._write(folder, format, figures),
                            "run", force)

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

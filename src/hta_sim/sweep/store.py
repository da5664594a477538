"""The sweep's output folder: a Parquet dataset written one finished chunk at a time.

    OUT/manifest.json            provenance, the spec, the design's size, the status
    OUT/design.parquet           one row per point: its parameter values and SALib's raw sample
    OUT/runs/chunk-NNNNN.parquet one row per run: identity, parameter values, outcomes
    OUT/trajectories/chunk-NNNNN.parquet  down-sampled trajectories (only if asked for)

Every file is written to a hidden temporary name in its folder and renamed into place, so a file
that exists is whole. A chunk is done when its runs file exists; ``--resume`` runs the others.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

RUNS, TRAJECTORIES = "runs", "trajectories"
_CHUNK = re.compile(r"^chunk-(\d{5,})\.parquet$")


def chunk_name(chunk: int) -> str:
    return f"chunk-{chunk:05d}.parquet"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_parquet(path: Path, df: pd.DataFrame) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def check_new(self) -> None:
        """A fresh sweep needs a missing or empty folder (a sweep's hours are not overwritten)."""
        if self.root.exists() and (not self.root.is_dir() or any(self.root.iterdir())):
            raise InputError(f"field 'out' = '{self.root}': exists and is not empty; use --resume to "
                             "finish the sweep there, or choose another folder")

    def check_resume(self, digest: str) -> None:
        """Resuming needs the same sweep: the manifest's spec hash must match."""
        if not self.root.exists():
            return
        try:
            found = json.loads(self.manifest_path.read_text())["sweep"]["spec_hash"]
        except (OSError, ValueError, KeyError, TypeError):
            raise InputError(f"field 'out' = '{self.root}': not an hta-sim sweep folder "
                             "(no readable manifest.json)") from None
        if found != digest:
            raise InputError(f"field 'out' = '{self.root}': holds another sweep (spec hash {found}, "
                             f"this spec {digest}); choose another folder")

    def create(self) -> None:
        (self.root / RUNS).mkdir(parents=True, exist_ok=True)

    def write_manifest(self, info: dict[str, Any]) -> None:
        atomic_write_bytes(self.manifest_path, json.dumps(info, indent=2, default=str).encode())

    def read_manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_path.read_text())

    def write_design(self, design: pd.DataFrame) -> None:
        atomic_write_parquet(self.root / "design.parquet", design)

    def read_design(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / "design.parquet")

    def done(self) -> set[int]:
        """Chunks whose runs file exists (so is whole)."""
        folder = self.root / RUNS
        if not folder.exists():
            return set()
        return {int(m.group(1)) for f in folder.iterdir() if (m := _CHUNK.match(f.name))}

    def clean(self) -> None:
        """Remove temporary files a killed sweep left behind."""
        for sub in (RUNS, TRAJECTORIES):
            folder = self.root / sub
            if folder.exists():
                for f in folder.glob(".*.tmp"):
                    f.unlink(missing_ok=True)
        for f in self.root.glob(".*.tmp"):
            f.unlink(missing_ok=True)

    def write_chunk(self, chunk: int, runs: pd.DataFrame, trajectories: pd.DataFrame | None) -> None:
        """Trajectories first, runs last: the runs file is what marks the chunk done."""
        if trajectories is not None:
            (self.root / TRAJECTORIES).mkdir(exist_ok=True)
            atomic_write_parquet(self.root / TRAJECTORIES / chunk_name(chunk), trajectories)
        atomic_write_parquet(self.root / RUNS / chunk_name(chunk), runs)


def read_runs(root: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The runs table of a sweep folder, sorted by run (whatever chunks are done so far)."""
    return _read(Path(root) / RUNS, columns, "run")


def read_trajectories(root: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    return _read(Path(root) / TRAJECTORIES, columns, ["run", "step"])


def _read(folder: Path, columns: list[str] | None, order: str | list[str]) -> pd.DataFrame:
    files = sorted(f for f in folder.glob("chunk-*.parquet") if _CHUNK.match(f.name))
    keys = [order] if isinstance(order, str) else order
    if columns is not None:
        columns = [*keys, *(c for c in columns if c not in keys)]
    if not files:
        raise InputError(f"sweep folder '{folder.parent}': no finished chunks in {folder.name}/")
    df = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
    return df.sort_values(order, ignore_index=True)

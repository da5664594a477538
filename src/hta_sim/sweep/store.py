"""The sweep's output folder: a Parquet dataset written one finished chunk at a time.

    OUT/manifest.json            provenance, the spec, the design's size, the status, and a record
                                 (rows, SHA-256) of the design and of every chunk written
    OUT/design.parquet           one row per point: its parameter values and SALib's raw sample
    OUT/runs/chunk-NNNNN.parquet one row per run: identity, parameter values, outcomes
    OUT/trajectories/chunk-NNNNN.parquet  down-sampled trajectories (only if asked for)

A new sweep's folder is built whole (design, then manifest) in a staging folder beside OUT and
renamed into place, so a kill while the design is written leaves no OUT at all. Every later file is
written to a hidden temporary name and renamed; the manifest then records its rows and checksum.
A chunk is done only when its record matches its file: ``--resume`` recomputes missing or corrupt
chunks, and ``read_runs`` reads only recorded chunks, so a truncated chunk is never read and a
file the sweep did not write (a stray copy) is ignored and reported, never counted twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..outfolder import STAGING, clean_stale

RUNS, TRAJECTORIES, DESIGN, MANIFEST = "runs", "trajectories", "design.parquet", "manifest.json"
_CHUNK = re.compile(r"^chunk-(\d{5,})\.parquet$")
#: Test-only hook: "NAME:N" makes this process SIGKILL itself after writing N bytes of a file NAME,
#: so tests can kill a writer mid-file without sleeps (tests/test_store.py).
KILL_HOOK = "HTA_SIM_TEST_KILL_AFTER"


class StoreWarning(UserWarning):
    """A file in a sweep folder that the sweep did not write (ignored), or one it recomputes."""


def chunk_name(chunk: int) -> str:
    return f"chunk-{chunk:05d}.parquet"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_all(fd: int, data: bytes, name: str) -> None:
    """Write every byte (the test hook may stop the process part-way, as a kill would)."""
    hook = os.environ.get(KILL_HOOK, "")
    target, _, limit = hook.rpartition(":")
    if target == name and limit.isdigit():
        os.write(fd, data[: int(limit)])
        os.fsync(fd)
        os.kill(os.getpid(), signal.SIGKILL)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file beside ``path``, then rename: a file that exists is whole."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(fd, data, path.name)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parquet_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def atomic_write_parquet(path: Path, df: pd.DataFrame) -> dict[str, Any]:
    """Write a table atomically; returns its record (rows, sha256) for the manifest."""
    data = parquet_bytes(df)
    atomic_write_bytes(path, data)
    return {"rows": len(df), "sha256": sha256(data)}


@dataclass
class Check:
    """What a sweep folder holds: chunks whose files match their records, and the rest."""

    done: set[int] = field(default_factory=set)
    redo: dict[int, str] = field(default_factory=dict)  # chunk -> why it is recomputed
    ignored: list[str] = field(default_factory=list)  # files the sweep did not write
    notes: list[str] = field(default_factory=list)  # other repairs (a design written again)

    def report(self) -> list[str]:
        lines = [f"recomputing {RUNS}/{chunk_name(c)}: {why}" for c, why in sorted(self.redo.items())]
        return self.notes + lines + [f"ignored {name}: not written by this sweep" for name in self.ignored]


class Store:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.info: dict[str, Any] = {}

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def check_new(self) -> None:
        """A fresh sweep needs a missing or empty folder (a sweep's hours are not overwritten)."""
        if self.root.exists() and (not self.root.is_dir() or any(self.root.iterdir())):
            raise InputError(f"field 'out' = '{self.root}': exists and is not empty; use --resume to "
                             "finish the sweep there, or choose another folder")

    def check_resume(self, digest: str, posterior: str | None = None) -> None:
        """Resuming needs the same sweep: the same posterior (by sha256; None: none), then the same
        spec hash. A posterior that differs is named as such, not only as another spec hash.
        """
        if not self.root.exists() or (self.root.is_dir() and not any(self.root.iterdir())):
            return
        try:
            sweep = self.read_manifest()["sweep"]
            found = sweep["spec_hash"]
            drawn = sweep.get("parameter_uncertainty")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise InputError(f"field 'out' = '{self.root}': not an hta-sim sweep folder "
                             "(no readable manifest.json)") from None
        used = drawn.get("sha256") if isinstance(drawn, dict) else None
        if used != posterior:
            raise InputError(f"field 'posterior': the sweep in '{self.root}' drew its parameters from "
                             f"{_posterior_text(used)}, this spec from {_posterior_text(posterior)}; "
                             "resume with the posterior it was run with, or choose another folder")
        if found != digest:
            raise InputError(f"field 'out' = '{self.root}': holds another sweep (spec hash {found}, "
                             f"this spec {digest}); choose another folder")

    def initialise(self, design: pd.DataFrame, info: dict[str, Any]) -> None:
        """Build the folder whole beside its place (design first, then manifest), then rename it in."""
        self.root.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.root)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.root.name}{STAGING}{os.getpid()}-",
                                        dir=self.root.parent))
        try:
            staging.chmod(0o755)
            record = atomic_write_parquet(staging / DESIGN, design)
            self.info = info | {"files": {"design": record, "chunks": {}}}
            atomic_write_bytes(staging / MANIFEST, _json(self.info))
            (staging / RUNS).mkdir()
            if self.root.exists():
                self.root.rmdir()  # empty: check_new said so
            staging.rename(self.root)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def write_manifest(self, info: dict[str, Any]) -> None:
        self.info = info | {"files": self.info.get("files", {"chunks": {}})}
        atomic_write_bytes(self.manifest_path, _json(self.info))

    def read_manifest(self) -> dict[str, Any]:
        info = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise ValueError("manifest.json is not an object")
        return info

    def load(self) -> dict[str, Any]:
        """The manifest, kept for recording chunks as they are written."""
        self.info = self.read_manifest()
        self.info.setdefault("files", {"chunks": {}})
        return self.info

    def design_ok(self) -> bool:
        record = self.info.get("files", {}).get("design")
        return record is not None and _matches(self.root / DESIGN, record)

    def rewrite_design(self, design: pd.DataFrame) -> None:
        self.info["files"]["design"] = atomic_write_parquet(self.root / DESIGN, design)
        atomic_write_bytes(self.manifest_path, _json(self.info))

    def read_design(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / DESIGN)

    def check(self, chunks: int) -> Check:
        """Which of ``chunks`` chunks are done (file matches record), to redo, and stray files."""
        return verify(self.root, self.info, chunks)

    def clean(self) -> None:
        """Remove temporary files a killed sweep left behind (only this store's own names)."""
        for sub in (RUNS, TRAJECTORIES):
            folder = self.root / sub
            if folder.exists():
                for f in folder.glob(".chunk-*.tmp"):
                    f.unlink(missing_ok=True)
        for name in (DESIGN, MANIFEST):
            for f in self.root.glob(f".{name}.*.tmp"):
                f.unlink(missing_ok=True)

    def write_chunk(self, chunk: int, runs: pd.DataFrame, trajectories: pd.DataFrame | None) -> None:
        """Trajectories first, runs last, then the manifest's record: the record marks it done."""
        entry: dict[str, Any] = {}
        if trajectories is not None:
            (self.root / TRAJECTORIES).mkdir(exist_ok=True)
            entry[TRAJECTORIES] = atomic_write_parquet(self.root / TRAJECTORIES / chunk_name(chunk),
                                                       trajectories)
        entry[RUNS] = atomic_write_parquet(self.root / RUNS / chunk_name(chunk), runs)
        self.info["files"]["chunks"][str(chunk)] = entry
        atomic_write_bytes(self.manifest_path, _json(self.info))


def _posterior_text(sha256: str | None) -> str:
    return f"the posterior of sha256 {sha256[:12]}" if sha256 else "no posterior (parameters fixed)"


def _json(info: dict[str, Any]) -> bytes:
    return json.dumps(info, indent=2, default=str).encode()


def _matches(path: Path, record: dict[str, Any]) -> bool:
    try:
        return sha256(path.read_bytes()) == record.get("sha256")
    except OSError:
        return False


def _recorded(info: dict[str, Any]) -> dict[int, dict[str, Any]]:
    chunks = info.get("files", {}).get("chunks", {})
    return {int(k): v for k, v in chunks.items()} if isinstance(chunks, dict) else {}


def verify(root: Path, info: dict[str, Any], chunks: int | None = None) -> Check:
    """Compare every chunk file with the manifest's record (``chunks``: how many the design has)."""
    records, result = _recorded(info), Check()
    total = chunks if chunks is not None else int(info.get("sweep", {}).get("chunks", 0))
    for c in range(total):
        entry = records.get(c)
        if entry is None:
            if (root / RUNS / chunk_name(c)).exists():
                result.redo[c] = "its file is not recorded in the manifest"
            continue
        bad = [sub for sub, rec in entry.items() if not _matches(root / sub / chunk_name(c), rec)]
        if bad:
            result.redo[c] = f"{bad[0]} file missing or corrupt (checksum differs from the manifest)"
        else:
            result.done.add(c)
    for sub in (RUNS, TRAJECTORIES):
        folder = root / sub
        for f in sorted(folder.iterdir()) if folder.is_dir() else []:
            m = _CHUNK.match(f.name)
            if not f.name.startswith(".") and (m is None or int(m.group(1)) >= total):
                result.ignored.append(f"{sub}/{f.name}")
    return result


def read_runs(root: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The runs table of a sweep folder, sorted by run: recorded chunks only, each verified."""
    return _read(Path(root), RUNS, columns, ["run"])


def read_trajectories(root: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    return _read(Path(root), TRAJECTORIES, columns, ["run", "step"])


def _read(root: Path, sub: str, columns: list[str] | None, keys: list[str]) -> pd.DataFrame:
    try:
        info = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"sweep folder '{root}': not an hta-sim sweep (no readable manifest.json)") \
            from None
    check = verify(root, info)
    for name in check.ignored:
        warnings.warn(f"sweep folder '{root}': ignored {name}: not written by this sweep", StoreWarning,
                      stacklevel=3)
    if check.redo:
        c, why = min(check.redo.items())
        raise InputError(f"sweep folder '{root}': {RUNS}/{chunk_name(c)}: {why}; run hta-sim sweep "
                         "--resume to recompute it")
    records = _recorded(info)
    wanted = [*keys, *(c for c in columns if c not in keys)] if columns is not None else None
    frames = [_frame(root / sub / chunk_name(c), wanted) for c in sorted(check.done)
              if sub in records[c]]
    if not frames:
        raise InputError(f"sweep folder '{root}': no finished chunks in {sub}/")
    df = pd.concat(frames, ignore_index=True).sort_values(keys, ignore_index=True)
    df.attrs["ignored"] = check.ignored
    if df.duplicated(keys).any():  # cannot happen with one file per chunk; never return it
        raise InputError(f"sweep folder '{root}': duplicate {', '.join(keys)} rows in {sub}/")
    return df


def _frame(path: Path, columns: list[str] | None) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(path.read_bytes()), columns=columns)

"""Output folders: which folders a command may write into, and how it writes them.

A command writes only into a folder that is missing, empty, or holds an earlier result of the same
command, and replaces that only when asked (``--force``). Every result folder's manifest.json says
which command wrote it (``result``) and which files (``files``: a list, or a map of each file to
its sha256 where the writer asks for hashes), so a replacement removes only those files' folder and
never a file that hta-sim did not write (a thesis, a sweep's runs).

Writing goes to a staging folder beside the target, named with the writer's process id, which is
renamed into place at the end; staging folders of processes that died (a kill while saving) are
removed by the next write to the same target.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputError

MANIFEST = "manifest.json"
STAGING = ".staging-"  # staging folders: .<target>.staging-<pid>-<random>
COMMANDS = ("run", "compare", "optimise", "calibrate", "sensitivity", "sweep", "forecast")
#: An experiment script that writes its own folder (results/engagement: experiments/engagement_failure.py).
EXPERIMENT = re.compile(r"experiments/[a-z0-9_]+\.py")
#: Files that writers older than the ``files`` record wrote without listing them.
LEGACY_UNLISTED = {"calibrate": ("report.md",)}


def check_out(target: Path, command: str, force: bool = False) -> None:
    """Refuse, before any work, an output folder this command may not write into.

    Allowed: a missing path whose parent can be created and written; an empty folder; with
    ``force``, a folder holding an earlier result of the same command and nothing else.
    """
    if target.exists():
        _check_existing(target, command, force)
    check_writable(target)


def _check_existing(target: Path, command: str, force: bool) -> None:
    where = f"field '--out' = '{target}'"
    if not target.is_dir():
        raise InputError(f"{where}: exists and is not a folder; choose a new or empty folder")
    if not any(target.iterdir()):
        return
    info = _read_manifest(target)
    if info is None:
        raise InputError(f"{where}: holds files that hta-sim did not write; choose a new or empty "
                         "folder")
    found = written_by(info)
    if found != command:
        raise InputError(f"{where}: holds a result of {_command_text(found)}, not of hta-sim "
                         f"{command}; choose another folder")
    if info.get("filed"):
        raise InputError(f"{where}: holds a filed result ({info['filed']}); it is never replaced, "
                         "not even with --force: write a new folder beside it")
    if not force:
        raise InputError(f"{where}: holds an earlier result of hta-sim {command}; add --force to "
                         "replace it, or choose another folder")
    foreign = sorted(set(_files(target)) - set(files_of(info)))
    if foreign:
        raise InputError(f"{where}: holds {foreign[0]!r}, which hta-sim did not write; move it "
                         "away or choose another folder")


def _command_text(command: str | None) -> str:
    return f"hta-sim {command}" if command else "an unknown command"


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("package") == "hta-sim" else None


def written_by(info: dict[str, Any]) -> str | None:
    """The command whose result a manifest describes (inferred for manifests older than ``result``)."""
    stated = info.get("result")
    if isinstance(stated, str):
        return stated if stated in COMMANDS or EXPERIMENT.fullmatch(stated) else None
    if "sweep" in info:
        return "sweep"
    if info.get("analysis") == "optimise":
        return "optimise"
    for key, command in (("sensitivity", "sensitivity"), ("calibration", "calibrate"),
                         ("scenarios", "compare")):
        if key in info:
            return command
    return "run" if "tables" in info else None


def files_of(info: dict[str, Any]) -> list[str]:
    """The files a result folder's manifest says the command wrote (manifest.json included)."""
    listed = info.get("files")
    if isinstance(listed, dict) and all(isinstance(v, str) for v in listed.values()):
        listed = list(listed)  # a map of file -> sha256
    if not isinstance(listed, list):  # an older manifest: what it lists, and what its writer added
        scenario_file = info.get("scenario_file")
        listed = [*_strings(info.get("tables")), *_strings(info.get("figures")),
                  *([scenario_file] if isinstance(scenario_file, str) else []),
                  *LEGACY_UNLISTED.get(written_by(info) or "", ())]
    return [MANIFEST, *(str(f) for f in listed)]


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def check_writable(target: Path) -> None:
    """Probe the nearest existing folder above the target (creating nothing that stays), so a
    read-only or impossible place fails before any work.
    """
    existing = target if target.exists() else target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "a file is in the way")
        Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING}{os.getpid()}-probe-", dir=existing)).rmdir()
    except OSError as exc:
        raise InputError(f"field '--out' = '{target}': cannot be written "
                         f"({exc.strerror or exc.__class__.__name__})") from None


def clean_stale(target: Path) -> list[Path]:
    """Remove staging folders beside ``target`` left by writers that no longer run."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}{STAGING}(\d+)-")
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.iterdir():
        m = pattern.match(entry.name)
        if m and entry.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def write_folder(target: Path, fill: Callable[[Path], None], command: str,
                 force: bool = False, hashes: bool = False) -> Path:
    """Fill a staging folder beside ``target``, stamp its manifest, then rename it into place.

    An earlier result of the same command is replaced (with ``force``) only after the new one is
    whole; on any failure the staging folder goes and the target is as it was. ``hashes``: the
    manifest's ``files`` maps each file to its sha256.
    """
    check_out(target, command, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING}{os.getpid()}-",
                                    dir=target.parent))
    staging.chmod(0o755)
    try:
        fill(staging)
        stamp(staging, command, hashes)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def stamp(folder: Path, command: str, hashes: bool = False) -> None:
    """Record in the folder's manifest which command wrote it and every file it holds (with
    ``hashes``, each with its sha256, so that a reader can check nothing changed since).
    """
    path = folder / MANIFEST
    info = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"package": "hta-sim"}
    info["result"] = command
    written = [f for f in _files(folder) if f != MANIFEST]
    info["files"] = {f: sha256(folder / f) for f in written} if hashes else written
    path.write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _swap(staging: Path, target: Path) -> None:
    """Rename staging into place; an old result is moved aside first and removed after."""
    if not target.exists():
        staging.rename(target)
        return
    old = staging.with_name(staging.name + "-old")
    target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)

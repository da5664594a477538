"""What a forecast read, and when its evidence ends; ``verify`` checks a forecast folder still is so.

A forecast is honest only if it was made before the data it will be compared with: every input it
read must hold evidence dated no later than the cut-off (2018), and its written files must be as
written. The manifest records each input as ``{path, sha256, dated}``: ``dated`` is the latest year
(``YYYY``) or month (``YYYY-MM``) of evidence the input holds, or null when nothing says. A data file
says it in a header comment, ``# evidence-dated: 2018``; a posterior in its companion ``.json``
(``fitted_to``, analysis/posterior.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..outfolder import MANIFEST, sha256
from ..scenario import Scenario
from .posterior import Posterior

CUT_OFF = 2018  # the last year of evidence a forecast may rest on
EVIDENCE_DATED = re.compile(r"^#\s*evidence-dated:\s*(\d{4}(?:-\d{2})?)\b", flags=re.M)
WORLD_DATA = "homelessness.toml"  # the national evidence, read by every run
ROSTER_DATA = "roster.toml"  # the seed's organisations, read unless the scenario names a roster


def inputs(scenario: Scenario, posterior: Posterior) -> list[dict[str, Any]]:
    """The files the forecast read, each as {path, sha256, dated}: the data, then the posterior."""
    files = [_packaged(WORLD_DATA)]
    files.append(_packaged(ROSTER_DATA) if scenario.roster.file is None
                 else _entry(scenario.roster.file, Path(scenario.roster.file).read_bytes()))
    files.append({"path": posterior.file or posterior.source, "sha256": posterior.sha256,
                  "dated": posterior.fitted_to})
    return files


def _packaged(name: str) -> dict[str, Any]:
    return _entry(f"hta_sim/data/{name}", resources.files("hta_sim.data").joinpath(name).read_bytes())


def _entry(path: str, data: bytes) -> dict[str, Any]:
    found = EVIDENCE_DATED.search(data.decode("utf-8", errors="replace"))
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(),
            "dated": found.group(1) if found else None}


def verify(folder: str | Path, cut_off: int = CUT_OFF) -> list[str]:
    """The problems of a forecast folder, one line each; none when every file the manifest lists has
    its sha256, no other file is there, and every input is dated ``cut_off`` or earlier.
    """
    root = Path(folder)
    try:
        info = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"{root / MANIFEST}: missing or not JSON"]
    files, listed = info.get("files") if isinstance(info, dict) else None, info.get("inputs", None)
    if not isinstance(files, dict) or not isinstance(listed, list) or info.get("result") != "forecast":
        return [f"{root / MANIFEST}: not a forecast's manifest (no files map or inputs)"]
    problems = [_file_problem(root, str(name), expected) for name, expected in sorted(files.items())]
    present = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - {MANIFEST}
    problems += [f"{name}: not in the manifest" for name in sorted(present - set(files))]
    problems += [_input_problem(entry, cut_off) for entry in listed]
    return [p for p in problems if p]


def _file_problem(root: Path, name: str, expected: object) -> str:
    path = root / name
    if not path.is_file():
        return f"{name}: listed in the manifest but missing"
    return "" if sha256(path) == expected else f"{name}: sha256 differs from the manifest's"


def _input_problem(entry: object, cut_off: int) -> str:
    if not isinstance(entry, dict):
        return f"input {entry!r}: not a {{path, sha256, dated}} record"
    dated, path = entry.get("dated"), entry.get("path")
    if not isinstance(dated, str) or not re.fullmatch(r"\d{4}(-\d{2})?", dated):
        return f"input {path!r}: undated (dated = {dated!r}); its evidence may be later than {cut_off}"
    if int(dated[:4]) > cut_off:
        return f"input {path!r}: dated {dated}, after {cut_off}"
    return ""

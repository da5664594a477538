"""Provenance for every result folder: package and library versions, machine, scenario, seed, date."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
from functools import lru_cache
from importlib import metadata
from typing import Any

import numpy as np

from .scenario import Scenario

LIBRARIES = ("numpy", "scipy", "pandas", "pyarrow", "mesa", "matplotlib", "pydantic", "SALib", "dask",
             "distributed")


def version() -> str:
    try:
        return metadata.version("hta-sim")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def cpu_features() -> list[str]:
    """The SIMD features numpy found on this CPU: bits can differ between machines that differ here."""
    try:
        from numpy._core._multiarray_umath import (  # type: ignore[import-not-found]
            __cpu_features__ as found,
        )
    except ImportError:  # pragma: no cover - older numpy
        return []
    return sorted(k for k, v in found.items() if v)


@lru_cache(maxsize=1)
def machine_fingerprint() -> str:
    """A short hash of what can change a result's last bits: platform, CPU features, numeric libraries.

    Runs on machines with the same fingerprint give the same bits; a sweep records it per run.
    """
    libs: list[str | None] = []
    for lib in ("numpy", "scipy"):
        try:
            libs.append(metadata.version(lib))
        except metadata.PackageNotFoundError:
            libs.append(None)
    text = json.dumps([platform.machine(), platform.system(), sys.version.split()[0], cpu_features(),
                       libs])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def manifest(scenario: Scenario, seed: int, replicates: int, engine: str,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    libs: dict[str, str | None] = {}
    for lib in LIBRARIES:
        try:
            libs[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            libs[lib] = None
    return {
        "package": "hta-sim",
        "version": version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "seed": seed,
        "replicates": replicates,
        "engine": engine,
        "scenario_name": scenario.name,
        "scenario_hash": scenario.digest(),
        "scenario": scenario.to_dict(),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpu_features": cpu_features(),
            "numpy_config_simd": np.__version__,
        },
        "libraries": libs,
        **(extra or {}),
    }

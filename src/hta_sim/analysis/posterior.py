"""Parameter uncertainty: draws from the calibration's posterior, one parameter set per replicate.

A posterior file is a CSV with one row per draw (a particle) and one column per calibrated
parameter, named by its dotted scenario path (``results_lag.weight``), and optionally a ``weight``
column (a particle's non-negative weight, not a parameter; without it every row weighs the same).
``apply`` gives replicate r draw r (cycling when there are fewer draws than replicates), whatever the
scenario, so that comparisons stay paired; ``resample`` draws rows by weight, reproducibly from a
seed, for a forecast. A whole-number parameter written as 7.0 is read as 7.

A companion ``<name>.json`` beside ``<name>.csv`` may say what the draws were fitted to:
``{"fitted_to": "2018-12", "sha256": "<the CSV's sha256>"}`` (sha256 optional; a sidecar whose
sha256 is another file's describes another fit and is ignored).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..arrays import Array, Codes
from ..csvfile import number, parse_rows, read_rows
from ..errors import InputError, read_text
from ..scenario import Scenario, flatten

PACKAGED = "posterior.csv"
WEIGHT = "weight"  # the particles' weights: a column of the file, not a scenario parameter
#: The least the weights may sum to: below it the sum is subnormal, and resampling by it rounds away
#: the weights' proportions (all-subnormal weights of 5e-324 each drew 1 row in 5, not 1 in 2).
SMALLEST_TOTAL = float(np.finfo(float).tiny)
#: The resampling stream's spawn key: beyond any replicate number (int64), so it never is a
#: replicate's stream (streams.py keys those by (replicate,) and (replicate, stream)).
RESAMPLE_TAG = 2**63 + 0x5245_5341
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Posterior:
    draws: pd.DataFrame
    source: str
    weights: Array | None = None  # (rows,) non-negative, one at least > 0; None: all the same
    sha256: str | None = None  # of the file the draws were read from
    fitted_to: str | None = None  # YYYY-MM: the latest target date the draws were fitted to
    file: str | None = None  # the path read (package-relative for the shipped draws)
    quality: str | None = None  # the sidecar's "acceptance": how well the fit met its targets

    def __post_init__(self) -> None:
        w = self.weights
        if w is not None and (w.shape != (len(self.draws),) or not np.all(np.isfinite(w))
                              or np.any(w < 0) or not w.sum() >= SMALLEST_TOTAL):
            raise ValueError("weights: one finite number >= 0 per draw, summing to a normal number > 0")

    def apply(self, scenario: Scenario, replicates: int) -> list[Scenario]:
        """One scenario per replicate, the same rows for every scenario (comparisons stay paired).

        Unweighted draws cycle (replicate r takes row r mod rows); weighted ones are resampled by
        weight (``drawn`` with seed 0), so that a comparison reads the posterior, not its proposal.
        """
        if self.weights is not None:
            return self.drawn(scenario, replicates, 0)
        rows = [{str(k): v for k, v in row.items()} for row in self.draws.to_dict("records")]
        return [scenario.with_changes(rows[r % len(rows)]) for r in range(replicates)]

    def normalised(self) -> Array:
        """The rows' weights, summing to 1 (equal without a weight column)."""
        w = np.ones(len(self.draws)) if self.weights is None else np.asarray(self.weights, float)
        return w / w.sum()

    def effective_size(self) -> float:
        """(sum w)^2 / sum w^2: how many equally weighted draws the weighted rows are worth."""
        w = np.ones(len(self.draws)) if self.weights is None else np.asarray(self.weights, float)
        return float(w.sum() ** 2 / np.sum(w * w))

    def resample(self, n: int, seed: int) -> Codes:
        """``n`` row indices drawn by weight (systematic resampling), the same for the same seed.

        A row of weight 0 is never drawn; a row of weight w is drawn floor(n w / sum) or one more times.
        """
        w = np.ones(len(self.draws)) if self.weights is None else np.asarray(self.weights, float)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(RESAMPLE_TAG,))))
        cum = np.cumsum(w)
        at = (rng.random() + np.arange(n)) / n * cum[-1]
        picked: Codes = np.searchsorted(cum, at, side="right").astype(np.int64)
        return np.minimum(picked, int(np.flatnonzero(w > 0)[-1]))  # rounding never passes the last

    def drawn(self, scenario: Scenario, n: int, seed: int) -> list[Scenario]:
        """``n`` scenarios, one per resampled row (``resample``): replicate j takes the j-th."""
        picked = self.resample(n, seed)
        rows = self.draws.to_dict("records")  # each column its own type: a rung stays whole
        made = {int(r): scenario.with_changes({str(k): v for k, v in rows[int(r)].items()})
                for r in np.unique(picked)}
        return [made[int(r)] for r in picked]


def load_posterior(path: str | Path | None = None) -> Posterior | None:
    """The posterior at ``path``, or the one the package ships (None when it ships none)."""
    if path is None:
        shipped = resources.files("hta_sim.data")
        if not shipped.joinpath(PACKAGED).is_file():
            return None
        source = f"hta_sim/data/{PACKAGED} (the calibration's)"
        data = shipped.joinpath(PACKAGED).read_bytes()
        dated = shipped.joinpath(Path(PACKAGED).with_suffix(".json").name)
        post = _validated(*parse_rows(data.decode("utf-8"), source), source,
                          hashlib.sha256(data).hexdigest(),
                          dated.read_text("utf-8") if dated.is_file() else None)
        return dataclasses.replace(post, file=f"hta_sim/data/{PACKAGED}")
    label = f"field '--posterior' = '{path}'"
    header, rows = read_rows(path, label)
    companion = Path(path).with_suffix(".json")
    sidecar = (read_text(companion, f"{label}: its companion '{companion.name}'", "a JSON file")
               if companion.is_file() else None)
    post = _validated(header, rows, str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                      sidecar)
    return dataclasses.replace(post, file=str(path))


def _validated(header: list[str], rows: list[tuple[int, dict[str, str]]], source: str,
               sha256: str | None = None, sidecar: str | None = None) -> Posterior:
    """Draws whose every row makes a valid scenario; a bad one is named by its line."""
    label = f"field '--posterior' = '{source}'"
    defaults = flatten(Scenario().to_dict())
    unknown = [c for c in header if c not in defaults and c != WEIGHT]
    if unknown:
        raise InputError(f"{label}: columns {unknown} are not scenario parameters")
    if not rows:
        raise InputError(f"{label}: needs at least one row of draws")
    draws, weights = [], []
    for line, row in rows:
        if any(not v.strip() for v in row.values()):
            raise InputError(f"{label}, line {line}: has an empty field; every draw needs every column")
        values = {k: _whole(number(v), defaults[k]) for k, v in row.items() if k != WEIGHT}
        if WEIGHT in row:
            weights.append(_weight(row[WEIGHT], f"{label}, line {line}"))
        try:
            Scenario().with_changes(values)  # the scenario's own strict ranges and types
        except InputError as exc:
            raise InputError(f"{label}, line {line}: {str(exc).split(': ', 1)[-1]}") from None
        draws.append(values)
    if weights and not any(w > 0 for w in weights):
        raise InputError(f"{label}: field '{WEIGHT}': every weight is 0; at least one must be > 0")
    if weights and not sum(weights) >= SMALLEST_TOTAL:
        raise InputError(f"{label}: field '{WEIGHT}': the weights sum to {sum(weights):g}, below "
                         f"{SMALLEST_TOTAL:g}; scale them up (only their proportions matter)")
    params = [c for c in header if c != WEIGHT]
    return Posterior(pd.DataFrame(draws, columns=params), source,
                     np.asarray(weights, float) if weights else None, sha256,
                     _fitted_to(sidecar, sha256, label), quality=_quality(sidecar, sha256))


def _quality(sidecar: str | None, sha256: str | None) -> str | None:
    """The sidecar's ``acceptance`` sentence, when the sidecar describes this very file."""
    try:
        info = json.loads(sidecar) if sidecar is not None else None
    except ValueError:
        return None
    if not isinstance(info, dict) or info.get("sha256") not in (None, sha256):
        return None
    said = info.get("acceptance")
    return said if isinstance(said, str) else None


def _whole(value: int | float | str, default: Any) -> int | float | str:
    """A whole-number field's value written as a float (7.0) as the whole number; others as they are."""
    is_int = isinstance(default, int) and not isinstance(default, bool)
    return int(value) if is_int and isinstance(value, float) and value.is_integer() else value


def _weight(text: str, where: str) -> float:
    value = number(text)
    if isinstance(value, str) or value < 0:
        raise InputError(f"{where}: field '{WEIGHT}' = {text.strip()!r}: must be a finite number >= 0")
    return float(value)


def _fitted_to(sidecar: str | None, sha256: str | None, label: str) -> str | None:
    """The sidecar's ``fitted_to`` (YYYY-MM), or None without a sidecar or when it is another file's."""
    if sidecar is None:
        return None
    try:
        info = json.loads(sidecar)
    except ValueError:
        info = None
    stated = info.get("fitted_to") if isinstance(info, dict) else None
    if not isinstance(stated, str) or not MONTH.fullmatch(stated):
        raise InputError(f"{label}: its companion .json needs \"fitted_to\": \"YYYY-MM\" (the latest "
                         f"target date the draws were fitted to), not {sidecar.strip()[:60]!r}")
    described = info.get("sha256") if isinstance(info, dict) else None
    return None if isinstance(described, str) and described != sha256 else stated

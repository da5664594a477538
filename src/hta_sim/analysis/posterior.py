"""Parameter uncertainty: draws from the calibration's posterior, one parameter set per replicate.

A posterior file is a CSV with one row per draw and one column per calibrated parameter, named by
its dotted scenario path (``results_lag.weight``). Replicate r takes draw r (cycling when there are
fewer draws than replicates), whatever the scenario, so that comparisons stay paired.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from ..csvfile import number, parse_rows, read_rows
from ..errors import InputError
from ..scenario import Scenario, flatten

PACKAGED = "posterior.csv"


@dataclass(frozen=True)
class Posterior:
    draws: pd.DataFrame
    source: str

    def apply(self, scenario: Scenario, replicates: int) -> list[Scenario]:
        rows = [{str(k): v for k, v in row.items()} for row in self.draws.to_dict("records")]
        return [scenario.with_changes(rows[r % len(rows)]) for r in range(replicates)]


def load_posterior(path: str | Path | None = None) -> Posterior | None:
    """The posterior at ``path``, or the one the package ships (None when it ships none)."""
    if path is None:
        ref = resources.files("hta_sim.data").joinpath(PACKAGED)
        if not ref.is_file():
            return None
        source = f"hta_sim/data/{PACKAGED} (the calibration's)"
        return _validated(*parse_rows(ref.read_text("utf-8"), source), source)
    label = f"field '--posterior' = '{path}'"
    return _validated(*read_rows(path, label), str(path))


def _validated(header: list[str], rows: list[tuple[int, dict[str, str]]], source: str) -> Posterior:
    """Draws whose every row makes a valid scenario; a bad one is named by its line."""
    label = f"field '--posterior' = '{source}'"
    known = set(flatten(Scenario().to_dict()))
    unknown = [c for c in header if c not in known]
    if unknown:
        raise InputError(f"{label}: columns {unknown} are not scenario parameters")
    if not rows:
        raise InputError(f"{label}: needs at least one row of draws")
    draws = []
    for line, row in rows:
        if any(not v.strip() for v in row.values()):
            raise InputError(f"{label}, line {line}: has an empty field; every draw needs every column")
        values = {k: number(v) for k, v in row.items()}
        try:
            Scenario().with_changes(values)  # the scenario's own strict ranges and types
        except InputError as exc:
            raise InputError(f"{label}, line {line}: {str(exc).split(': ', 1)[-1]}") from None
        draws.append(values)
    return Posterior(pd.DataFrame(draws, columns=header), source)

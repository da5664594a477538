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

from ..errors import InputError
from ..scenario import Scenario, flatten

PACKAGED = "posterior.csv"


@dataclass(frozen=True)
class Posterior:
    draws: pd.DataFrame
    source: str

    def apply(self, scenario: Scenario, replicates: int) -> list[Scenario]:
        rows = self.draws.to_dict("records")
        return [scenario.with_changes(rows[r % len(rows)]) for r in range(replicates)]


def load_posterior(path: str | Path | None = None) -> Posterior | None:
    """The posterior at ``path``, or the one the package ships (None when it ships none)."""
    if path is None:
        ref = resources.files("hta_sim.data").joinpath(PACKAGED)
        if not ref.is_file():
            return None
        return _validated(pd.read_csv(ref), f"hta_sim/data/{PACKAGED} (the calibration's)")
    try:
        return _validated(pd.read_csv(path), str(path))
    except FileNotFoundError:
        raise InputError(f"field '--posterior' = '{path}': file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"field '--posterior' = '{path}': not a readable CSV ({exc})") from None


def _validated(draws: pd.DataFrame, source: str) -> Posterior:
    known = set(flatten(Scenario().to_dict()))
    unknown = [c for c in draws.columns if c not in known]
    if unknown:
        raise InputError(f"field '--posterior' = '{source}': columns {unknown} are not scenario "
                         "parameters")
    if draws.empty or draws.isna().any().any():
        raise InputError(f"field '--posterior' = '{source}': needs at least one complete row")
    Scenario().with_changes(draws.iloc[0].to_dict())  # validates ranges with the scenario's errors
    return Posterior(draws, source)

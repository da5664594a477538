"""hta_sim as a plain function of keyword arguments, for EMA Workbench 3 (``pip install "hta-sim[ema]"``).

EMA Workbench calls a model function with one keyword argument per uncertainty or lever and reads
the outcomes from the dict it returns. ``run`` is that function: keyword arguments name scenario
fields by their dotted path (``results_lag.weight``) or with ``__`` for the dots
(``results_lag__weight``, handy where names must be identifiers); the returned dict holds the
sweep outcomes (docs/sweeps.md, "Outputs"), e.g. ``dip_depth``, ``engagement_2018_12``,
``homes_2027_12``, ``initiative_taking_share_2027_12``, ``pulse_ab_ambassador_2018_10``.

Two ways to use it (experiments/ema_prim.py shows the first):

* ``ReplicatorModel``: EMA calls ``run`` once per replication; give the replications as
  ``[{"replicate": 0}, {"replicate": 1}, ...]``. Each call returns scalars; declare outcomes as
  ``ScalarOutcome(name, function=np.mean)`` (a plain ScalarOutcome fails on the list of replications)
  or ``ArrayOutcome(name)`` to keep them all.
* ``Model`` with ``replicates=N`` as a constant: one call runs N replicates as one vectorised batch
  and returns each outcome's mean over them (plain ``ScalarOutcome``).

PRIM on outcome columns that hold whole numbers (``dip_trough_step``) can fail under pandas 3: cast
them to float first, as the example does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from . import engine
from .scenario import Scenario
from .scenario import load as load_scenario
from .sweep.outcomes import Plan
from .sweep.spec import Outcomes, resolve_outcomes


def run(*, scenario: str = "baseline", seed: int = 0, replicate: int | None = None, replicates: int = 1,
        dip: bool = True, **parameters: Any) -> dict[str, float]:
    """Outcomes of one point of parameter space.

    scenario: a preset name or a scenario TOML path, the point's starting place.
    seed: the random seed; ``replicate`` runs that one replicate (EMA's replications), else
    ``replicates`` runs replicates 0..N-1 together and returns the mean of each outcome.
    dip: also measure the dip (needs a run of at least 49 months).
    parameters: scenario fields to set, dotted (``results_lag.weight=0.3``) or with ``__``.
    Raises ``InputError`` (one line) for an unknown field or a value the scenario refuses.
    """
    changes = {name.replace("__", "."): _plain(value) for name, value in parameters.items()}
    base = _base(scenario)
    sc = base.with_changes(changes) if changes else base
    ids = np.array([replicate] if replicate is not None else range(replicates), dtype=np.int64)
    roster = engine.roster_of(sc)
    layout, p, draws, state = engine.start([sc] * len(ids), roster, seed, ids)
    plan = Plan(resolve_outcomes(Outcomes(dip=dip), sc), layout)
    recs = plan.recorders(ids)
    engine.simulate_batch(state, p, layout, draws, recs)
    measured = plan.measure(recs)  # dates (dip_peak_date, ...) are left out: their steps stay
    return {name: float(np.mean(values)) for name, values in measured.items() if values.dtype.kind != "M"}


@lru_cache(maxsize=8)
def _base(ref: str) -> Scenario:
    return load_scenario(ref)


def _plain(value: Any) -> Any:
    """Numpy scalars (as EMA passes them) to Python values the scenario schema takes."""
    return value.item() if isinstance(value, np.generic) else value

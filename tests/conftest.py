"""Shared fixtures: small ensembles of the default scenario, computed once per test session."""

import pytest

import hta_sim

REPLICATES = 50
SEED = 2018


@pytest.fixture(scope="session")
def baseline():
    return hta_sim.simulate("baseline", replicates=REPLICATES, seed=SEED)


def run(changes: dict | None = None, replicates: int = REPLICATES, seed: int = SEED):
    """The default scenario with dotted-path changes, over the standard ensemble."""
    scenario = hta_sim.load("baseline")
    if changes:
        scenario = scenario.with_changes(changes)
    return hta_sim.simulate(scenario, replicates=replicates, seed=seed)

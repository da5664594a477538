"""Strict values: no coercion from a user's file, finite bounded numbers, dates inside the horizon,
ordered ranges, a capped horizon and named extends cycles. Each bad input: one line, exit 2, nothing
written (tests/contract.py).
"""

from __future__ import annotations

import math
import typing
from pathlib import Path

import annotated_types
import numpy as np
import pytest
from contract import refused
from pydantic import BaseModel

from hta_sim.scenario import Scenario, load

RUN = ["run", "--replicates", "2", "--out", "res"]

BAD = {  # name: (TOML after 'extends = "baseline"', text the one line must hold)
    "bool as number": ('[engagement]\nbase = true\n', "'engagement.base' = true"),
    "string as number": ('[engagement]\nbase = "0.5"\n', "'engagement.base' = \"0.5\""),
    "string as switch": ('[mechanisms]\nresults_lag = "yes"\n', "'mechanisms.results_lag' = \"yes\""),
    "bool as count": ('[initiatives]\nslots = true\n', "'initiatives.slots' = true"),
    "fraction as count": ('[initiatives]\nslots = 3.5\n', "'initiatives.slots' = 3.5"),
    "infinite credit": ('[results_lag]\nbuild_credit = inf\n', "'results_lag.build_credit'"),
    "infinite flats": ('[flats]\npublic_affairs_flats_per_fte_year = inf\n',
                       "'flats.public_affairs_flats_per_fte_year'"),
    "nan share": ('[engagement]\nresponse = nan\n', "'engagement.response'"),
    "huge rooms": ('[solutions.dormitory]\nrooms_per_dormitory = 1e300\n',
                   "'solutions.dormitory.rooms_per_dormitory'"),
    "association after the end": ('[time]\nassociation = "2040-01"\n', "'time.association' = \"2040-01\""),
    "funding ends before the start": ('[secretariat]\nfunding_ends = "1990-01"\n',
                                      "'secretariat.funding_ends' = \"1990-01\""),
    "pool starts after the end": ('[development_pool]\nenabled = true\nstart = "2099-01"\n',
                                  "'development_pool.start' = \"2099-01\""),
    "pool ends before it starts": ('[development_pool]\nstart = "2020-01"\nend = "2019-01"\n',
                                   "'development_pool'"),
    "grant ends before it starts": (
        '[[funding.grants]]\npartner = "bikubenfonden"\npurpose = "secretariat"\n'
        'mdkk_per_year = 1.0\nstart = "2020-01"\nend = "2019-01"\n', "'funding.grants[0]'"),
    "grant of an unknown partner": (
        '[[funding.grants]]\npartner = "nobody"\npurpose = "secretariat"\nmdkk_per_year = 1.0\n'
        'start = "2016-01"\n', "'funding.grants[0].partner' = \"nobody\""),
    "duplicate pulse dates": ('[time]\npulse_dates = ["2018-10", "2018-10"]\n', "2018-10 twice"),
    "pulse after the end": ('[time]\npulse_dates = ["2030-10"]\n', "'time.pulse_dates[0]'"),
    "endless horizon": ('[time]\nend = "9999-12"\n', "at most 1200"),
    "end before start": ('[time]\nstart = "2020-01"\nend = "2019-01"\n', "comes before start"),
    "path in name": ('name = "../../../victim"\n', "'name'"),
    "control char in name": ('name = "a\\u0000b"\n', "'name'"),
    "extends a number": ('extends = 3\n', "'extends' = 3"),
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_value(tmp_path, capsys, case):
    text, expect = BAD[case]
    body = text if text.startswith("extends") else f'extends = "baseline"\n{text}'
    (tmp_path / "bad.toml").write_text(body)
    refused(capsys, tmp_path, [*RUN, "--scenario", "bad.toml"], expect)


def test_an_extends_cycle_is_named_in_one_short_line(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "./a.toml"\n')
    line = refused(capsys, tmp_path, [*RUN, "--scenario", "a.toml"], "a.toml -> b.toml -> a.toml")
    assert len(line) < 120


def test_a_self_extending_scenario(tmp_path, capsys):
    (tmp_path / "me.toml").write_text('extends = "me.toml"\n')
    refused(capsys, tmp_path, [*RUN, "--scenario", "me.toml"], "cycle: me.toml -> me.toml")


def test_deep_nesting_is_one_line(tmp_path, capsys):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    refused(capsys, tmp_path, [*RUN, "--scenario", "deep.toml"], "deep.toml")


def test_never_is_an_explicit_end(tmp_path):
    (tmp_path / "ok.toml").write_text('extends = "baseline"\n[secretariat]\nfunding_ends = "never"\n')
    assert load("ok.toml").secretariat.funding_ends is None
    assert load("ok.toml").digest() == load("baseline").digest()


def test_an_empty_grant_list_is_allowed(tmp_path):
    """Not bad input: no grants is a scenario without founder money (docs/ODD.md)."""
    (tmp_path / "none.toml").write_text('extends = "baseline"\nname = "nogrants"\n[funding]\ngrants = []\n')
    assert load("none.toml").funding.grants == []


def test_values_the_code_produces_still_pass():
    """numpy scalars from a design or the optimiser are plain values, not user coercions."""
    base = load("baseline")
    changed = base.with_changes({"initiatives.slots": np.int64(16), "engagement.base": np.float64(0.4),
                                 "mechanisms.stake": np.bool_(False)})
    assert changed.initiatives.slots == 16 and type(changed.initiatives.slots) is int
    assert changed.engagement.base == 0.4 and changed.mechanisms.stake is False


def test_a_sweep_over_an_integer_field(tmp_path):
    from hta_sim.sweep.runner import run_sweep
    from hta_sim.sweep.spec import from_dict
    from hta_sim.sweep.store import read_runs

    (tmp_path / "short.toml").write_text('extends = "baseline"\nname = "short"\n[time]\nend = "2018-12"\n'
                                         'pulse_dates = ["2018-10"]\n')
    spec = from_dict({"name": "ints", "scenario": "short.toml", "replicates": 2, "seed": 3,
                      "design": {"method": "lhs", "samples": 4},
                      "parameters": [{"name": "trust_ladder.start_rung_initiator", "low": 0, "high": 7}],
                      "outcomes": {"dip": False}}, base_dir=str(tmp_path))
    out = run_sweep(spec, workers=1, progress=False, out=tmp_path / "sw")
    rungs = read_runs(out)["trust_ladder.start_rung_initiator"]
    assert rungs.between(0, 7).all() and len(rungs) == 8


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[type[BaseModel]]:
    if model in seen:
        return []
    seen.add(model)
    found = [model]
    for info in model.model_fields.values():
        for arg in _flat(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found += _models(arg, seen)
    return found


def _flat(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _flat(args[0])
    if args:
        return [a for arg in args for a in _flat(arg)]
    return [annotation]


def _is_float(annotation: object) -> bool:
    return float in _flat(annotation)


def _is_count(annotation: object) -> bool:
    return int in _flat(annotation) and bool not in _flat(annotation)


def _bounds(metadata: list[object]) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for m in metadata:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            low = float(getattr(m, "ge", getattr(m, "gt", -math.inf)))
        if isinstance(m, annotated_types.Le | annotated_types.Lt):
            high = float(getattr(m, "le", getattr(m, "lt", math.inf)))
    return low, high


def test_every_float_field_has_finite_bounds():
    """Fields added later cannot forget their bounds: every float and count in the scenario schema
    has both, and every section is strict and refuses inf and nan.
    """
    missing = []
    for model in _models(Scenario, set()):
        assert model.model_config.get("strict") is True, model
        assert model.model_config.get("allow_inf_nan") is False, model
        for name, info in model.model_fields.items():
            numeric = _is_float(info.annotation) or _is_count(info.annotation)
            if numeric and not all(map(math.isfinite, _bounds(info.metadata))):
                missing.append(f"{model.__name__}.{name}")
    assert not missing, f"number fields without finite bounds: {missing}"


def test_the_walker_sees_a_missing_bound():
    class Loose(BaseModel):
        x: float = 1.0

    info = Loose.model_fields["x"]
    assert _is_float(info.annotation)
    assert not all(map(math.isfinite, _bounds(info.metadata)))


SPEC_GOOD = '[[parameters]]\nname = "results_lag.weight"\nlow = 0.0\nhigh = 0.5\n'
BAD_SPECS = {  # name: (spec TOML, text the one line must hold)
    "bool as replicates": ("replicates = true\n" + SPEC_GOOD, "'replicates' = true"),
    "string as seed": ('seed = "7"\n' + SPEC_GOOD, "'seed' = \"7\""),
    "seed beyond int64": (f"seed = {2**63 - 1}\n[design]\nseed = -1\n" + SPEC_GOOD, "'design.seed'"),
    "infinite high": (SPEC_GOOD.replace("high = 0.5", "high = inf"), "'parameters[0].high'"),
    "parameter named twice": (SPEC_GOOD + SPEC_GOOD, "names 'results_lag.weight' twice"),
    "string as low": (SPEC_GOOD.replace("low = 0.0", 'low = "0"'), "'parameters[0].low' = \"0\""),
    "huge sobol": ("[design]\nmethod = \"sobol\"\nsamples = 8388608\n" + SPEC_GOOD * 1, "memory"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_sweep_spec_value(tmp_path, capsys, case):
    text, expect = BAD_SPECS[case]
    (tmp_path / "spec.toml").write_text(text)
    line = refused(capsys, tmp_path, ["sweep", "spec.toml", "--out", "o", "--workers", "1",
                                      "--max-memory", "1GiB"], expect)
    assert "field ''" not in line

"""A fuzz harness for the bad-input contract (hypothesis, in process, bounded).

Hypothesis makes malformed scenarios, sweep specs and observation files: wrong types, non-finite
numbers, dates outside the horizon, unknown keys at every level, extends cycles and garbage bytes.
Each is given to ``cli.main`` with ``--out`` an existing result folder; the contract: exit 2,
exactly one stderr line (not about ``--out``: the input itself is refused), no traceback, and no
file written, changed or deleted anywhere under the test's folder. Every strategy makes only
invalid input, so a valid one slipping through (a run that starts) fails the test.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from contract import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hta_sim.cli import main
from hta_sim.scenario import LEVER_DATES, Scenario, flatten, unflatten

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
BASE = Scenario().to_dict()
LEAVES = {k: v for k, v in flatten(BASE).items() if k not in ("name", "description")}
FLOATS = sorted(k for k, v in LEAVES.items() if isinstance(v, float))
INTS = sorted(k for k, v in LEAVES.items() if isinstance(v, int) and not isinstance(v, bool))
BOOLS = sorted(k for k, v in LEAVES.items() if isinstance(v, bool))
STRINGS = sorted(k for k, v in LEAVES.items() if isinstance(v, str))
MONTHS = ("time.association", "time.start", "time.end", *LEVER_DATES)
SECTIONS = ["", *sorted({k.rsplit(".", 1)[0] for k in flatten(BASE) if "." in k})]
OUTSIDE = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.one_of(st.integers(1000, 2015),
                                                                st.integers(2028, 9999)),
                    st.integers(1, 12))


def _run_contract(folder: Path, argv: list[str]) -> None:
    """The CLI refuses ``argv`` in one line, exit 2, and nothing under ``folder`` changes."""
    out = _earlier_result(folder / "res")
    before = snapshot(folder)
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        try:
            code = main([*argv, "--out", str(out)])
        except SystemExit as exc:
            code = exc.code
    lines = err.getvalue().strip().splitlines()
    assert code == 2, (argv, err.getvalue())
    assert len(lines) == 1, err.getvalue()
    assert lines[0].startswith("hta-sim: error: ") and "Traceback" not in err.getvalue()
    assert "'--out'" not in lines[0], lines[0]  # the input was refused, not the folder
    assert snapshot(folder) == before


def _earlier_result(out: Path) -> Path:
    """An existing output folder holding a result of hta-sim run (it must stay untouched)."""
    if not out.exists():
        out.mkdir()
        (out / "summary.csv").write_text("outcome,mean\n")
        (out / "manifest.json").write_text(json.dumps(
            {"package": "hta-sim", "result": "run", "files": ["summary.csv"]}))
    return out


def _in_tmp(check: Callable[[Path], None]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check(Path(tmp))


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    flat = flatten(data)
    flat[dotted] = value
    return unflatten(flat)


# --- scenarios -------------------------------------------------------------------------------------

WRONG_TYPE = st.one_of(
    st.tuples(st.sampled_from(FLOATS), st.one_of(st.booleans(), st.text(max_size=5), st.just([1.0]))),
    st.tuples(st.sampled_from(INTS), st.one_of(st.booleans(), st.floats(0.1, 0.9), st.text(max_size=3))),
    st.tuples(st.sampled_from(BOOLS), st.one_of(st.integers(0, 1), st.sampled_from(["yes", "true", "1"]))),
    st.tuples(st.sampled_from(STRINGS), st.one_of(st.integers(), st.booleans(), st.just({"a": 1}))),
)
NON_FINITE = st.tuples(st.sampled_from(FLOATS), st.sampled_from([float("inf"), float("-inf"),
                                                                 float("nan"), 1e308]))


def _scenario_mutation() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.one_of(WRONG_TYPE, NON_FINITE).map(lambda kv: _set(BASE, *kv))
    late = st.tuples(st.sampled_from(sorted(LEVER_DATES)), OUTSIDE.filter(lambda m: m > "2027-12"))
    lever = late.map(lambda kv: _set(_set(BASE, LEVER_DATES[kv[0]], _switch_on(LEVER_DATES[kv[0]])),
                                     *kv))
    point = st.tuples(st.sampled_from(["time.association", "secretariat.funding_ends"]), OUTSIDE)
    pulse = OUTSIDE.map(lambda m: _set(BASE, "time.pulse_dates", ["2018-10", m]))
    unknown = st.tuples(st.sampled_from(SECTIONS), st.sampled_from(["zz", "Base", "colour"]))
    grant = st.sampled_from(["zz", "until"]).map(
        lambda k: _set(BASE, "funding.grants", [BASE["funding"]["grants"][0] | {k: 1}]))
    return st.one_of(leaf, lever, point.map(lambda kv: _set(BASE, *kv)), pulse,
                     unknown.map(lambda sk: _set(BASE, f"{sk[0]}.{sk[1]}".lstrip("."), 1)), grant)


def _switch_on(switch: str) -> Any:
    return "revitalise" if switch == "advisory_board.change" else True


@FUZZ
@given(_scenario_mutation())
def test_malformed_scenarios(data):
    def check(folder: Path) -> None:
        (folder / "bad.toml").write_text(tomli_w.dumps(data))
        _run_contract(folder, ["run", "--replicates", "2", "--scenario", str(folder / "bad.toml")])

    _in_tmp(check)


@FUZZ
@given(st.integers(1, 4), st.sampled_from(["{}.toml", "./{}.toml", "sub/../{}.toml"]))
def test_extends_cycles(length, form):
    def check(folder: Path) -> None:
        (folder / "sub").mkdir()
        for i in range(length):
            target = form.format(f"f{(i + 1) % length}")
            (folder / f"f{i}.toml").write_text(f'extends = "{target}"\n')
        _run_contract(folder, ["run", "--scenario", str(folder / "f0.toml")])

    _in_tmp(check)


GARBAGE = st.one_of(st.binary(max_size=200).map(lambda b: b"\xff" + b),
                    st.text(max_size=100).map(lambda t: ("= " + t).encode()),
                    st.integers(1, 3000).map(lambda n: b"x = " + b"[" * n + b"]" * n + b"\n[[x]]"))


@FUZZ
@given(GARBAGE, st.sampled_from(["scenario", "spec", "roster"]))
def test_garbage_bytes(data, where):
    def check(folder: Path) -> None:
        (folder / "bad.toml").write_bytes(data)
        if where == "roster":
            (folder / "s.toml").write_text('extends = "baseline"\n[roster]\nfile = "bad.toml"\n')
            argv = ["run", "--scenario", str(folder / "s.toml")]
        else:
            argv = ["run", "--scenario", str(folder / "bad.toml")] if where == "scenario" else \
                ["sweep", str(folder / "bad.toml"), "--workers", "1"]
        _run_contract(folder, argv)

    _in_tmp(check)


# --- sweep specs -------------------------------------------------------------------------------------

SPEC = {"name": "f", "replicates": 2, "design": {"method": "lhs", "samples": 2},
        "parameters": [{"name": "results_lag.weight", "low": 0.0, "high": 0.5}],
        "outcomes": {"dip": True}}
SPEC_SECTIONS = ["", "design", "outcomes", "parameters[0]"]


def _spec_with(path: str, value: Any) -> dict[str, Any]:
    spec = json.loads(json.dumps(SPEC))
    if path.startswith("parameters[0]."):
        spec["parameters"][0][path.split(".", 1)[1]] = value
    else:
        spec.update(_set(spec, path, value)) if "." in path else spec.__setitem__(path, value)
    return spec


SPEC_BAD = st.one_of(
    st.tuples(st.sampled_from(["replicates", "seed", "chunk_runs", "design.samples"]),
              st.one_of(st.booleans(), st.text(max_size=3), st.floats(0.1, 0.9))),
    st.tuples(st.sampled_from(["parameters[0].low", "parameters[0].high"]),
              st.one_of(st.booleans(), st.text(max_size=3), st.sampled_from([float("inf"),
                                                                             float("nan")]))),
    st.tuples(st.sampled_from(["outcomes.homes_dates", "outcomes.engagement_dates"]),
              OUTSIDE.map(lambda m: [m])),
    st.tuples(st.sampled_from(["design.method", "name"]), st.sampled_from(["taguchi", "../x", 3])),
    st.tuples(st.sampled_from(SPEC_SECTIONS), st.just("zz")).map(
        lambda sk: (f"{sk[0]}.{sk[1]}".lstrip("."), 1)),
)


@FUZZ
@given(SPEC_BAD)
def test_malformed_sweep_specs(change):
    def check(folder: Path) -> None:
        (folder / "spec.toml").write_text(tomli_w.dumps(_spec_with(*change)))
        _run_contract(folder, ["sweep", str(folder / "spec.toml"), "--workers", "1"])

    _in_tmp(check)


# --- observation files --------------------------------------------------------------------------------

ROW = {"date": "2018-10", "body": "board", "parameter": "1", "score": "3.5"}
OBS_BAD = st.one_of(
    st.tuples(st.just("date"), OUTSIDE.filter(lambda m: m > "2027-12" or m < "2017-08")),
    st.tuples(st.just("score"), st.sampled_from(["inf", "nan", "-inf", "6", "0", "high", ""])),
    st.tuples(st.just("parameter"), st.sampled_from(["0", "9", "1.5", "one", "true"])),
    st.tuples(st.just("body"), st.sampled_from(["steering", "Board", ""])),
    st.tuples(st.just("extra"), st.text(alphabet="abc,", min_size=1, max_size=4)),
    st.tuples(st.just("column"), st.sampled_from(["colour", "Score", "zz"])),
)


def _observations(change: tuple[str, str]) -> str:
    key, value = change
    header, row = list(ROW), dict(ROW)
    if key == "column":
        header.append(value)
        row[value] = "x"
    elif key != "extra":
        row[key] = value
    line = ",".join(row[h] for h in header) + ("," + value if key == "extra" else "")
    return ",".join(header) + "\n" + line + "\n"


@FUZZ
@given(OBS_BAD)
def test_malformed_observation_files(change):
    pytest.importorskip("pyabc")

    def check(folder: Path) -> None:
        (folder / "obs.csv").write_text(_observations(change))
        _run_contract(folder, ["calibrate", "--quick", "--observations", str(folder / "obs.csv")])

    _in_tmp(check)


@FUZZ
@given(st.binary(max_size=100).map(lambda b: b"\xff" + b))
def test_observation_garbage_bytes(data):
    pytest.importorskip("pyabc")

    def check(folder: Path) -> None:
        (folder / "obs.csv").write_bytes(data)
        _run_contract(folder, ["calibrate", "--quick", "--observations", str(folder / "obs.csv")])

    _in_tmp(check)

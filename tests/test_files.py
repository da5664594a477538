"""Roster, posterior and observation files: a folder, a file that is not UTF-8, or a malformed row
gets one line naming the file (and the row), exit 2, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from contract import refused

OBS_HEADER = "date,body,parameter,score\n"
OBS_ROW = "2018-10,board,1,3.5\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _make(tmp_path: Path, kind: str, name: str) -> str:
    """A bad file (or folder) of a kind: 'folder', 'latin1', or text for a CSV/TOML body."""
    path = tmp_path / name
    if kind == "folder":
        path.mkdir()
    elif kind == "latin1":
        path.write_bytes("date,body\nsk\xf8n,board\n".encode("latin-1"))
    else:
        path.write_text(kind)
    return name


ROSTERS = {
    "folder": ("folder", "a folder"),
    "not utf-8": ("latin1", "not UTF-8"),
    "not toml": ("[sectors\n", "not valid TOML"),
    "string as money": (
        '[sectors.ngo]\nmoney = "lots"\nstaff = 1.0\nknowledge = 0.5\nalignment = 0.5\n'
        '[[partners]]\nid = "a"\nname = "A"\nsector = "ngo"\ninitiator = true\nbody = "board"\nslot = 0\n',
        "'sectors.ngo.money'"),
    "extra key in a partner row": (
        '[sectors.ngo]\nmoney = 1.0\nstaff = 1.0\nknowledge = 0.5\nalignment = 0.5\n'
        '[[partners]]\nid = "a"\nname = "A"\nsector = "ngo"\ninitiator = true\nbody = "board"\nslot = 0\n'
        'colour = "red"\n', "'partners[0].colour'"),
}


@pytest.mark.parametrize("case", sorted(ROSTERS))
def test_bad_roster_file(tmp_path, capsys, case):
    kind, expect = ROSTERS[case]
    roster = _make(tmp_path, kind, "roster.toml")
    (tmp_path / "s.toml").write_text(f'extends = "baseline"\n[roster]\nfile = "{roster}"\n')
    refused(capsys, tmp_path, ["run", "--replicates", "2", "--scenario", "s.toml", "--out", "o"],
            "roster roster.toml", expect)


POSTERIORS = {
    "folder": ("folder", "a folder"),
    "not utf-8": ("latin1", "not UTF-8"),
    "extra field in a row": ("engagement.base\n0.5\n0.4,0.3\n", "line 3: has 2 fields"),
    "out of range in row 3": ("engagement.base\n0.5\n1.5\n", "line 3"),
    "text for a number": ("engagement.base\nhigh\n", "'engagement.base' = \"high\""),
    "infinite draw": ("engagement.base\ninf\n", "'engagement.base'"),
    "unknown column": ("engagement.bsae\n0.5\n", "not scenario parameters"),
    "empty": ("", "empty"),
}


@pytest.mark.parametrize("case", sorted(POSTERIORS))
def test_bad_posterior_file(tmp_path, capsys, case):
    kind, expect = POSTERIORS[case]
    post = _make(tmp_path, kind, "post.csv")
    refused(capsys, tmp_path, ["compare", "baseline", "more-funders", "--replicates", "2",
                               "--posterior", post, "--out", "o"], "'--posterior' = 'post.csv'", expect)


OBSERVATIONS = {
    "folder": ("folder", "a folder"),
    "not utf-8": ("latin1", "not UTF-8"),
    "extra field in a row": (OBS_HEADER + "2018-10,board,1,3.5,oops\n", "line 2: has 5 fields"),
    "dated 2099": (OBS_HEADER + "2099-10,board,1,3.5\n", "'date' = '2099-10'"),
    "unknown column": ("date,body,parameter,score,colour\n2018-10,board,1,3.5,red\n", "'colour'"),
    "NUL bytes": (OBS_HEADER + OBS_ROW.replace(",1,", ",\x00,"), "NUL"),
    "infinite score": (OBS_HEADER + "2018-10,board,1,inf\n", "'score'"),
}


@pytest.mark.parametrize("case", sorted(OBSERVATIONS))
def test_bad_observation_file(tmp_path, capsys, case):
    pytest.importorskip("pyabc")
    kind, expect = OBSERVATIONS[case]
    obs = _make(tmp_path, kind, "obs.csv")
    refused(capsys, tmp_path, ["calibrate", "--quick", "--observations", obs, "--out", "o"],
            "observations obs.csv", expect)


def test_a_good_observation_file_reads(tmp_path):
    from hta_sim.calibration.targets import load_observations

    (tmp_path / "obs.csv").write_text(OBS_HEADER + OBS_ROW)
    table = load_observations(tmp_path / "obs.csv", "2016-01", "2017-08", "2027-12")
    assert table["score"].tolist() == [3.5]

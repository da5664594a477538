"""The seed's roster (seed §1) and users' own rosters."""

import pytest

from hta_sim.errors import InputError
from hta_sim.roster import load_roster


def test_seed_roster_counts():
    r = load_roster()
    assert r.size == 18  # the named organisations; the report's "15 partners" is documented
    assert r.initiator.sum() == 11
    assert r.board.sum() == 8
    assert r.ab.sum() == 12
    assert (r.board & r.ab).sum() == 2
    assert r.municipality.sum() == 3


def test_resources_follow_the_sector_profiles():
    r = load_roster()
    foundation = r.ids.index("bikubenfonden")
    municipality = r.ids.index("copenhagen")
    assert r.money[foundation] > r.money[municipality]
    assert r.staff[municipality] > r.staff[foundation]


def test_exclude_removes_partners():
    r = load_roster(exclude=["falck"])
    assert r.size == 17 and "falck" not in r.ids


def test_user_roster(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("""
[sectors.ngo]
money = 0.1
staff = 1.0
knowledge = 0.5
alignment = 0.9

[[partners]]
id = "a"
name = "A"
sector = "ngo"
initiator = true
body = "board"
slot = 0
staff = 2.5
""")
    r = load_roster(path)
    assert r.ids == ("a",) and r.staff[0] == 2.5 and r.money[0] == 0.1


def test_bad_roster_names_the_field(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[sectors.ngo]\nmoney = -1\nstaff = 1\nknowledge = 0.5\nalignment = 0.5\n'
                    'partners = []\n')
    with pytest.raises(InputError, match=r"sectors\.ngo\.money"):
        load_roster(path)

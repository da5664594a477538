"""docs/ODD.md stays true to the code: every parameter and switch is documented, and vice versa."""

import re
from pathlib import Path

from hta_sim.mechanisms import NAMES
from hta_sim.scenario import Scenario, flatten

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def _fields() -> set[str]:
    """Every scenario field; a tactical mix counts as one field (its six shares are the efforts)."""
    flat = flatten(Scenario().model_dump(mode="json"))
    names = {re.sub(r"\.(strategy|local_alliances|data_collection|campaign|public_affairs|"
                    r"fundraising)$", "", k) for k in flat}
    return names - {"name", "description"}


def _documented() -> set[str]:
    """Parameters named in the ODD's parameter table: rows starting with | `section.field` |."""
    return set(re.findall(r"^\|\s*`([a-z_]+(?:\.[a-z_]+)+)`\s*\|", ODD.read_text(), flags=re.M))


def test_every_scenario_parameter_is_documented():
    assert _fields() - _documented() == set()


def test_every_documented_parameter_exists():
    assert _documented() - _fields() == set()


def test_every_mechanism_has_a_section_citing_the_seed():
    text = ODD.read_text()
    for name in NAMES:
        section = re.search(rf"^#### `{name}`.*?(?=^#### |^### |\Z)", text, flags=re.M | re.S)
        assert section, name
        assert re.search(r"seed §\d", section.group(0), flags=re.I), name

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
    return set(re.findall(r"^\|\s*`([a-z_]+(?:\.[a-z_0-9]+)+)`\s*\|", ODD.read_text(), flags=re.M))


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


ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "hta_sim"


def _layout_paths() -> set[str]:
    """The paths the README's Layout tree names, from its indentation (two spaces a level)."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"^## Layout\n.*?```text\nsrc/hta_sim/\n(.*?)```", text, flags=re.M | re.S)
    assert block, "README.md has no Layout tree"
    stack: list[str] = []
    paths = set()
    for line in block.group(1).splitlines():
        name = line.split()[0]
        depth = (len(line) - len(line.lstrip())) // 2 - 1
        stack[depth:] = [name]
        paths.add("".join(stack))
    return paths


def _modules() -> set[str]:
    """Every module and folder of the package; a subpackage's __init__.py is its folder."""
    found = set()
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE)
        if "__pycache__" in rel.parts or path.suffix not in (".py", ""):
            continue
        if path.is_dir():
            found.add(f"{rel.as_posix()}/")
        elif rel.name != "__init__.py" or len(rel.parts) == 1:
            found.add(rel.as_posix())
    return found


def test_readme_layout_names_every_module():
    assert _modules() - _layout_paths() == set()


def test_readme_layout_names_no_missing_module():
    assert _layout_paths() - _modules() == set()

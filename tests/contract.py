"""The bad-input contract, shared by the named tests and the fuzz harness: exit 2, one stderr line
naming what is wrong, no traceback, nothing written or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from hta_sim.cli import main


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders), to prove nothing changed."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*"))}


def refused(capsys: pytest.CaptureFixture[str], root: Path, argv: Sequence[str],
            *expect: str) -> str:
    """Run the CLI in process on bad input and check the contract; returns the one line."""
    before = snapshot(root)
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's errors exit through SystemExit
        code = exc.code
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("hta-sim: error: "), err
    for text in expect:
        assert text in lines[0], lines[0]
    assert snapshot(root) == before, "bad input changed files"
    return lines[0]

"""The baseline's numbers are pinned: a refactoring that changes one bit fails here."""

from fingerprint import FILE, fingerprint


def test_baseline_2018_200_reproduces_its_fingerprint():
    assert fingerprint() == FILE.read_text(), (
        "the baseline's numbers changed; if on purpose, run `python tests/fingerprint.py --write` "
        "and say why in the commit")

"""A fingerprint of the baseline's numbers: seed 2018, 200 replicates, every table column.

Refactorings must leave it unchanged (``tests/test_fingerprint.py``); a change to the model made on
purpose rewrites it in the same commit, which says why::

    python tests/fingerprint.py            # print the fingerprint
    python tests/fingerprint.py --write    # rewrite tests/data/baseline_2018_200.sha256
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import hta_sim

FILE = Path(__file__).parent / "data" / "baseline_2018_200.sha256"
SEED, REPLICATES = 2018, 200


def table_digest(df: pd.DataFrame) -> str:
    """SHA-256 over each column's name, dtype and raw values, in column order."""
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(f"{name}:{col.dtype}\n".encode())
        values = col.to_numpy()
        if values.dtype.kind in "biufcmM":  # numbers, booleans and dates: their raw bytes
            h.update(np.ascontiguousarray(values).tobytes())
        else:  # strings and categories: their text (an object array's bytes are pointers)
            h.update("\x1f".join(map(str, col.tolist())).encode())
    return h.hexdigest()


def fingerprint() -> str:
    res = hta_sim.simulate("baseline", replicates=REPLICATES, seed=SEED)
    return (f"trajectories {table_digest(res.trajectories)}\n"
            f"pulse {table_digest(res.pulse)}\n")


if __name__ == "__main__":
    text = fingerprint()
    if "--write" in sys.argv:
        FILE.write_text(text)
    sys.stdout.write(text)

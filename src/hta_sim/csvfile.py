"""Reading a user's CSV file (a posterior, observations) strictly, with one line per problem.

pandas guesses: a row with an extra field silently becomes an index, a folder or a binary file ends
in an exception of its own. Here a file must be UTF-8 text, every row must have exactly the
header's fields, and a problem names the file and the line.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from .errors import InputError, read_text

MAX_BYTES = 64 * 2**20  # a posterior or an observation table is small; refuse anything larger
Row = dict[str, str]


def read_rows(path: str | Path, label: str) -> tuple[list[str], list[tuple[int, Row]]]:
    """(header, [(line number, row)]) of a CSV file; InputError naming ``label`` and the line."""
    return parse_rows(_text(Path(path), label), label)


def _text(path: Path, label: str) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # missing or unreadable: read_text names the problem
    if size > MAX_BYTES:
        raise InputError(f"{label}: larger than {MAX_BYTES // 2**20} MiB; not a table of scores or draws")
    return read_text(path, label, "a CSV file")


def parse_rows(text: str, label: str) -> tuple[list[str], list[tuple[int, Row]]]:
    """The rows of CSV text: each with exactly the header's fields, or one line naming the line."""
    if "\x00" in text:
        raise InputError(f"{label}: cannot be read (a NUL byte; not CSV text)")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        if not header or not any(header):
            raise InputError(f"{label}: empty; needs a header row")
        dup = sorted({h for h in header if header.count(h) > 1})
        if dup:
            raise InputError(f"{label}, line 1: column {dup[0]!r} appears twice")
        rows = []
        for fields in reader:
            if not fields:
                continue
            if len(fields) != len(header):
                raise InputError(f"{label}, line {reader.line_num}: has {len(fields)} fields; the "
                                 f"header has {len(header)} ({', '.join(header)})")
            rows.append((reader.line_num, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        raise InputError(f"{label}, line {reader.line_num}: not valid CSV ({exc})") from None
    return header, rows


def check_columns(header: list[str], required: tuple[str, ...], optional: tuple[str, ...],
                  label: str, unknown_at: str) -> None:
    """One line naming what is missing, or the first column that is neither required nor optional
    (``unknown_at``: where that line says the column is, e.g. the label with its line)."""
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{label}: missing column(s) {', '.join(missing)}; needs {', '.join(required)}")
    unknown = [c for c in header if c not in (*required, *optional)]
    if unknown:
        raise InputError(f"{unknown_at}: column {unknown[0]!r} is unknown; columns are "
                         f"{', '.join((*required, *optional))}")


def number(text: str) -> int | float | str:
    """A cell as a whole number, a finite number, or (when neither) the text itself, so that a
    strict schema downstream names the field when the text is not what it takes.
    """
    cleaned = text.strip()
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        return cleaned
    return value if math.isfinite(value) else cleaned

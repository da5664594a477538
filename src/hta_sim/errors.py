"""One error type for bad user input, so the CLI can answer it with one line and exit status 2."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input from a user: a scenario, a roster, a sweep spec or a command-line value.

    The message is one line naming the field, the value and what is allowed.
    """


def read_text(path: Path, label: str, kind: str, not_found: str = "file not found") -> str:
    """A user's text file as UTF-8, or one line naming ``label`` and what is wrong with it.

    ``kind`` names what the file should be ("a .toml file"), for the message when it is a folder.
    """
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{label}: {not_found}") from None
    except IsADirectoryError:
        raise InputError(f"{label}: cannot be read (a folder, not {kind})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: cannot be read (not UTF-8 text at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None

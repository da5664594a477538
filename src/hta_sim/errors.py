"""One error type for bad user input, so the CLI can answer it with one line and exit status 2."""


class InputError(ValueError):
    """Bad input from a user: a scenario, a roster, a sweep spec or a command-line value.

    The message is one line naming the field, the value and what is allowed.
    """

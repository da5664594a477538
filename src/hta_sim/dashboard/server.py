"""Serving the page with Solara's server, on the loopback interface unless told otherwise."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys

LOOPBACK = "127.0.0.1"
APP = "hta_sim.dashboard.app"


EXTRA = ("solara", "ipyvuetify", "networkx")


def missing_extra() -> str | None:
    """The first library of the 'dashboard' extra that is not installed, if any."""
    return next((name for name in EXTRA if importlib.util.find_spec(name) is None), None)


def exposure_warning(host: str) -> str | None:
    """A warning when the page would be reachable from other machines (it has no login)."""
    if host in (LOOPBACK, "localhost", "::1"):
        return None
    return (f"hta-sim dashboard: warning: serving on {host} exposes the page, with no login, to "
            "every machine that can reach this one; use the default 127.0.0.1 unless you mean it")


def serve(host: str = LOOPBACK, port: int = 8765) -> int:
    """Run Solara's server in this process until interrupted; returns its exit status."""
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # before solara reads its settings
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    from solara.__main__ import cli  # imported late: Solara reads its settings on import

    args = ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version"]
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a teacher stops it
        cli.main(args=args, prog_name="hta-sim dashboard", standalone_mode=False)
    return 0

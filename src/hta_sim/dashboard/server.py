"""Serving the page with Solara's server, on the loopback interface unless told otherwise.

Everything that would otherwise fail inside the browser (a missing library, ipyvue 3's blank page,
an address that cannot be bound, assets out of reach) is checked here first, and refused with one
line that names the fix: a teacher should never meet a white page.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import socket
import sys
from importlib import metadata

from . import assets

LOOPBACK = "127.0.0.1"
APP = "hta_sim.dashboard.app"
INSTALL = "pip install 'hta-sim[dashboard]'"

NEVER = (10**6,)

#: The libraries the page needs (distribution names), the versions that work (lowest <= v < below),
#: and the pip spec to name: pyproject's `dashboard` extra says the same. ipyvue/ipyvuetify 3 load a
#: Vue 3 front end that Mesa's page grid does not render ("GlobalVue.use is not a function"); solara
#: is held to the release whose assets hta_sim.dashboard.assets lists.
LIBRARIES: tuple[tuple[str, tuple[int, ...], tuple[int, ...], str], ...] = (
    ("solara", (1, 64), (1, 65), "==1.64.*"),
    ("ipyvue", (1, 9), (2,), ">=1.9,<2"),
    ("ipyvuetify", (1, 8), (2,), ">=1.8,<2"),
    ("networkx", (3, 2), NEVER, ">=3.2"),
    ("altair", (5,), NEVER, ">=5"),
)


def _version(text: str) -> tuple[int, ...]:
    """The leading numbers of a version string ('1.64.1' -> (1, 64, 1); '3.1.0rc1' -> (3, 1, 0))."""
    return tuple(int(n) for n in re.findall(r"\d+", text.split("+", maxsplit=1)[0])[:3])


def library_problem() -> str | None:
    """What is wrong with the installed dashboard libraries, as a sentence with the fix, or None."""
    for dist, lowest, below, wanted in LIBRARIES:
        try:
            installed = metadata.version(dist)
        except metadata.PackageNotFoundError:
            return f"the dashboard needs the 'dashboard' extra ({dist} is not installed): {INSTALL}"
        if not lowest <= _version(installed) < below:
            return (f"the dashboard needs {dist}{wanted}, but {dist} {installed} is installed: "
                    f"{INSTALL} (or pip install '{dist}{wanted}')")
    return None


def host_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, or None: checked by binding a socket."""
    if re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"--host {host!r} is not an IPv4 address (each part 0-255, e.g. 127.0.0.1)"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return f"--host {host!r} is not an address or a known host name ({exc})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return f"cannot listen on {host}:{port} ({exc.strerror}): choose another --host or --port"
    return None


def exposure_warning(host: str) -> str | None:
    """A warning when the page would be reachable from other machines (it has no login)."""
    if host in (LOOPBACK, "localhost", "::1"):
        return None
    return (f"hta-sim dashboard: warning: serving on {host} exposes the page, with no login, to "
            "every machine that can reach this one; use the default 127.0.0.1 unless you mean it")


def prepare_assets() -> str | None:
    """Point Solara at a cache that holds every asset the page loads, filling it if need be.

    Returns the refusal's sentence if an asset cannot be had, else None. Sets the cache variable
    before Solara is imported: Solara reads its settings once, on import.
    """
    cache = assets.cache_dir()
    try:
        assets.ensure(cache, say=lambda line: print(line, file=sys.stderr))
    except (assets.AssetError, OSError) as exc:
        return f"{exc}; {assets.fix(cache)}"
    os.environ[assets.CACHE_VARIABLE] = str(cache)
    return None


def serve(host: str = LOOPBACK, port: int = 8765) -> int:
    """Run Solara's server in this process until interrupted; returns its exit status."""
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # before solara reads its settings
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "False"  # "This website runs on Solara" covers a plot
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    from solara.__main__ import cli  # imported late: Solara reads its settings on import

    args = ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version"]
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a teacher stops it
        cli.main(args=args, prog_name="hta-sim dashboard", standalone_mode=False)
    return 0

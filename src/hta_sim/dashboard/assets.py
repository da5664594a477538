"""Solara's browser assets, made sure of before the page is served.

Solara serves ``/_solara/cdn/<package>@<version>/<file>`` from its proxy cache
(``SOLARA_ASSETS_PROXY_CACHE_DIR``) and, on a miss, fetches the file from a CDN. Where the CDN is out
of reach (a classroom, CI) that fetch fails file by file and the page stays white, with nothing said.
So ``hta-sim dashboard`` checks every file below first, fills what is missing from the npm registry
(the same packages the CDN mirrors, verified against the registry's SHA-512), and otherwise refuses
with one line giving the fix. ``python -m hta_sim.dashboard.assets [DIR]`` fills a cache ahead of time.

The list is what solara 1.64 asks for with ipyvue/ipyvuetify 1 and ipywidgets 8 (the ``dashboard``
extra pins all three); ``tests/test_dashboard_assets.py`` checks it against the installed solara's
templates, so a solara upgrade that asks for another file fails the suite instead of the page.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CACHE_VARIABLE = "SOLARA_ASSETS_PROXY_CACHE_DIR"
REGISTRY = "https://registry.npmjs.org/"
TIMEOUT_S = 30


@dataclass(frozen=True)
class Package:
    """One npm package at an exact version, and the files of it that the page loads."""

    name: str
    version: str
    files: tuple[str, ...]

    @property
    def spec(self) -> str:
        """The folder Solara looks in: ``<name>@<version>``, as written in its templates."""
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package("@widgetti/solara-vuetify-app", "10.1.1",
            ("dist/main8.css", "dist/fonts.css", "dist/solara-vuetify-app8.min.js",
             "dist/solara-vuetify-app8.js")),  # .js: Solara's development mode
    Package("font-awesome", "4.5.0", ("css/font-awesome.min.css",)),
    Package("requirejs", "2.3.6", ("require.js",)),
    Package("@widgetti/vue-grid-layout", "2.3.13-alpha.2", ("dist/vue-grid-layout.umd.js",)),
    Package("katex", "0.16.9", ("dist/katex.min.js", "dist/katex.min.css",
                                "dist/contrib/auto-render.min.js")),
    Package("mermaid", "10.8.0", ("dist/mermaid.min.js",)),
)

#: Files Solara's sources name that this page never asks for, and why (checked by the same test).
UNUSED = {
    "vega": "solara.FigureAltair / vegalite only: the page draws with matplotlib",
    "vega-lite": "solara.FigureAltair / vegalite only",
    "vega-embed": "solara.FigureAltair / vegalite only",
    "@widgetti/solara-vuetify3-app": "ipyvue/ipyvuetify 3 only: the dashboard extra pins < 2",
    "requirejs@2.3.6/require.min.js": "solara.Markdown loads it only when requirejs is not loaded "
                                      "yet; the page loads require.js first",
}


class AssetError(Exception):
    """An asset that cannot be had; the message is one line with the fix."""


def cache_dir() -> Path:
    """Where Solara's proxy cache is: the variable if set, else a per-user cache folder."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hta-sim" / "solara-cdn"


def registry() -> str:
    """The npm registry npm itself would use (its ``npm_config_registry`` variable), with a slash."""
    env = {key.lower(): value for key, value in os.environ.items()}  # npm reads either spelling
    url = env.get("npm_config_registry") or REGISTRY
    return url if url.endswith("/") else url + "/"


def missing(cache: Path) -> list[str]:
    """The ``<spec>/<file>`` paths Solara would not find in ``cache``."""
    return [f"{p.spec}/{f}" for p in PACKAGES for f in p.files if not (cache / p.spec / f).is_file()]


def ensure(cache: Path, say: Callable[[str], None] = print) -> None:
    """Fill ``cache`` with every package that lacks a file; raise AssetError if one cannot be had."""
    for package in PACKAGES:
        if all((cache / package.spec / f).is_file() for f in package.files):
            continue
        _install(package, cache)
        say(f"hta-sim dashboard: fetched {package.spec} from {registry()} into {cache}")
    left = missing(cache)
    if left:
        raise AssetError(f"{left[0]} is not in the npm package {left[0].split('/')[0]}")


def _install(package: Package, cache: Path) -> None:
    data = _fetch_tarball(package)
    target = cache / package.spec
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as work:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(work, filter="data")  # refuses absolute paths, links out, devices
        unpacked = next(Path(work).iterdir())  # npm tarballs hold one folder, usually package/
        if target.exists():
            shutil.rmtree(target)
        unpacked.rename(target)  # whole or not at all: a half-fetched package is never seen


def _fetch_tarball(package: Package) -> bytes:
    """The package's tarball, checked against the SHA-512 the registry publishes for it."""
    name = urllib.parse.quote(package.name, safe="@")
    url = f"{registry()}{name}/{package.version}"
    try:
        meta = json.loads(_get(url))
        dist = meta["dist"]
        data = _get(dist["tarball"])
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        raise AssetError(f"{package.spec} is not in {cache_dir()} and {url} cannot be read "
                         f"({_reason(exc)})") from exc
    algorithm, _, expected = str(dist.get("integrity", "")).partition("-")
    if algorithm != "sha512" or base64.b64decode(expected) != hashlib.sha512(data).digest():
        raise AssetError(f"{package.spec} from {dist['tarball']} does not match the registry's "
                         "sha512 integrity")
    return data


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        body: bytes = response.read()
        return body


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return " ".join(str(reason).split())


def fix(cache: Path) -> str:
    """What to do when the assets cannot be had: said in the refusal's one line."""
    return (f"run 'python -m hta_sim.dashboard.assets {cache}' once where {registry()} is reachable "
            f"(or set {CACHE_VARIABLE} to a folder filled that way)")


def main(argv: list[str] | None = None) -> int:
    """Fill a cache folder (default: the one the dashboard uses) ahead of time."""
    args = sys.argv[1:] if argv is None else argv
    cache = Path(args[0]) if args else cache_dir()
    try:
        ensure(cache)
    except AssetError as exc:
        print(f"hta_sim.dashboard.assets: error: {exc}", file=sys.stderr)
        return 2
    print(f"solara assets in {cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

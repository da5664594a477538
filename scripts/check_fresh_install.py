"""Check `hta-sim dashboard` as a newcomer meets it: fresh virtual environments, the README's commands.

Usage: python scripts/check_fresh_install.py [WORKDIR]     (needs python3.12, PyPI, the npm registry,
Chromium and Playwright in the Python that runs this; takes minutes: it installs three environments)

1. `pip install -e ".[dashboard]"` (the README's dashboard command), then `hta-sim dashboard` with no
   cache variable and an empty user cache: the page must show all six views in Chromium, with
   every request that is not to localhost aborted (the assets come from the npm registry, fetched
   by the server itself).
2. `pip install -e .` (the plain install), then `hta-sim dashboard`: one line naming the fix, exit 2.
3. The plain install plus `mesa[rec]` (ipyvuetify/ipyvue 3): one line naming the fix, exit 2.

Not part of the test suite: it needs PyPI and the npm registry, and the tests reach only localhost.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("engagement", "homes", "pulse", "partners", "trustladder", "initiatives")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def venv(where: Path, *installs: str) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    subprocess.run(["python3.12", "-m", "venv", str(where)], check=True)
    for spec in installs:
        subprocess.run([str(where / "bin" / "pip"), "install", "-q", spec], check=True, cwd=ROOT)
    return where / "bin" / "hta-sim"


def clean_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOLARA_ASSETS_PROXY_CACHE_DIR", "PYTHONPATH")}
    return env | {"XDG_CACHE_HOME": str(cache)}


def refusal(exe: Path, cache: Path) -> str:
    done = subprocess.run([str(exe), "dashboard"], capture_output=True, text=True, env=clean_env(cache),
                          timeout=120, check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, (done.returncode, done.stderr)
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shows_every_view(exe: Path, cache: Path) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    server = subprocess.Popen([str(exe), "dashboard", "--port", str(port)], env=clean_env(cache),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - started > 180:
                    raise SystemExit(f"the dashboard did not start ({server.returncode})") from None
                time.sleep(0.3)
        served = time.monotonic()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            local = re.compile(r"^https?://127\.0\.0\.1[:/]")
            context.route("**/*", lambda r: r.continue_() if local.match(r.request.url) else r.abort())
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            for view in VIEWS:
                page.wait_for_function(f"() => {{ const i = document.querySelector('.hta-{view} img'); "
                                       "return i && i.complete && i.naturalWidth > 0; }", timeout=60_000)
            browser.close()
        assert not errors, errors
        assert (cache / "hta-sim" / "solara-cdn").is_dir()
        return (f"all six views; server up with a cold asset cache in {served - started:.1f} s, "
                f"page loaded in {time.monotonic() - served:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    dash = venv(work / "dashboard", "-e.[dashboard]")
    print("1. pip install -e '.[dashboard]'; hta-sim dashboard:", shows_every_view(dash, work / "cache1"))
    plain = venv(work / "plain", "-e.")
    print("2. pip install -e .; hta-sim dashboard:", refusal(plain, work / "cache2"))
    subprocess.run([str(work / "plain" / "bin" / "pip"), "install", "-q", "mesa[rec]==3.5.*"], check=True)
    print("3. ... plus mesa[rec]; hta-sim dashboard:", refusal(plain, work / "cache3"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="hta-fresh-")))

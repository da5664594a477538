"""Take the screenshot in docs/dashboard.png: the lesson "Why the dip?" played into late 2019.

Usage: python scripts/dashboard_screenshot.py [OUT.png]   (default docs/dashboard.png)

Needs Debian's chromium, Playwright and Solara's asset cache (scripts/fetch_solara_assets.sh), like
the browser tests.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET_MONTH = 44  # August 2019, in the dip (Step advances one month)
VIEWPORT = {"width": 1280, "height": 800}  # a classroom projector


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(out: Path) -> None:
    port = free_port()
    env = {**os.environ, "SOLARA_ASSETS_PROXY_CACHE_DIR": os.environ.get(
        "SOLARA_ASSETS_PROXY_CACHE_DIR", str(ROOT / ".cache" / "solara-cdn"))}
    server = subprocess.Popen([sys.executable, "-m", "hta_sim.cli", "dashboard", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the dashboard did not start") from None
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            page.goto(url)
            page.get_by_text(re.compile(r"^Time: 0(\.0)?$")).wait_for()
            page.get_by_role("button", name="Why the dip?").click()
            page.get_by_text("switch off").wait_for()
            for month in range(1, TARGET_MONTH + 1):
                page.get_by_role("button", name="Step", exact=True).click()
                page.get_by_text(f"month {month} of").wait_for()
            page.wait_for_timeout(2000)  # let the last images decode before the picture is taken
            tmp = out.with_suffix(".tmp.png")
            page.screenshot(path=tmp)
            tmp.replace(out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "dashboard.png")

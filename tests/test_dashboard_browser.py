"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against `hta-sim dashboard`.

Needs the browser, Playwright and Solara's asset cache (scripts/fetch_solara_assets.sh). Without
them these tests skip with the reason locally, and fail in CI (CI=true), where .ci/run installs them.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("HTA_CHROMIUM", "/usr/bin/chromium"))
ASSETS = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR", ROOT / ".cache" / "solara-cdn"))
#: One file of each package the page loads; scripts/fetch_solara_assets.sh puts them there.
ASSET_FILES = ("@widgetti/solara-vuetify-app@10.1.1/package.json", "requirejs@2.3.6/require.js",
               "@widgetti/vue-grid-layout@2.3.13-alpha.2/package.json", "mermaid@10.8.0/package.json",
               "katex@0.16.9/package.json", "font-awesome@4.5.0/package.json")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 90
WAIT_MS = 30_000


def _unavailable(reason: str) -> None:
    """Skip locally; in CI a missing browser is a broken pipeline, not a reason to pass."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


def _check_prerequisites() -> None:
    try:
        import playwright.sync_api  # noqa: F401
        import solara  # noqa: F401
    except ImportError as exc:
        _unavailable(f"{exc.name} is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    missing = [f for f in ASSET_FILES if not (ASSETS / f).exists()]
    if missing:
        _unavailable(f"Solara's asset cache {ASSETS} lacks {missing[0]} (scripts/fetch_solara_assets.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`hta-sim dashboard` on a free loopback port; waits (bounded) until it answers."""
    _check_prerequisites()
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(ASSETS),
           "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "hta_sim.cli", "dashboard", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the dashboard server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not answer in {START_TIMEOUT_S} s:\n"
                            f"{log.read_text()[-3000:]}")
            time.sleep(0.2)  # polling interval, not an assertion
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the dashboard, with every page error and console error collected."""
    context = browser.new_context(viewport={"width": 1600, "height": 1500})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"page error: {exc}"))
    pg.on("console", lambda msg: pg.errors.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" else None)
    pg.set_default_timeout(WAIT_MS)
    pg.goto(server)
    time_is(pg, 0)
    yield pg
    context.close()


def time_is(page, n: int) -> None:
    """Wait until Mesa's counter shows ``Time: n`` (it prints a float: 'Time: 3.0')."""
    page.get_by_text(re.compile(rf"^Time: {n}(\.0)?$")).wait_for()


#: The SHA-256 of the pixels an <img> shows (RGBA, row by row); '' until it has loaded. Read from a
#: canvas, not fetched again: fetching a blob the page has just replaced logs an error of its own.
DIGEST_JS = """async (img) => {
    if (!img.complete || !img.naturalWidth) return "";
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", pixels));
    return Array.from(hash, (x) => x.toString(16).padStart(2, "0")).join("");
}"""


def picture(page, index: int = 0) -> str:
    """The digest of the pixels a view shows now ('' while it is being swapped)."""
    from playwright.sync_api import Error

    try:
        return page.locator(".vue-grid-item img").nth(index).evaluate(DIGEST_JS, timeout=5_000)
    except Error:
        return ""


def picture_until(page, ok, index: int = 0, timeout_s: float = 20.0) -> str:
    """The view's digest once ``ok(digest)`` holds, or the last one seen at the deadline."""
    deadline = time.monotonic() + timeout_s
    now = picture(page, index)
    while not (now and ok(now)) and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # polling interval, not an assertion
        now = picture(page, index)
    return now


def expected_engagement(settings) -> str:
    """The pixel digest of the engagement view the server must show at month 0 of ``settings``."""
    from PIL import Image

    from hta_sim.dashboard import plots
    from hta_sim.dashboard.runs import TeachingModel, ensemble
    from hta_sim.dashboard.views import png

    image = png(plots.engagement, TeachingModel(settings), ensemble(settings))
    return hashlib.sha256(Image.open(io.BytesIO(image)).convert("RGBA").tobytes()).hexdigest()


def test_step_slider_lesson_reset_without_errors(page, tmp_path):
    from hta_sim.dashboard.lessons import BY_KEY
    from hta_sim.dashboard.settings import Settings

    start = picture_until(page, lambda d: d == expected_engagement(Settings()))
    assert start == expected_engagement(Settings()), "the page does not show the default run"
    for n in (1, 2, 3):
        page.get_by_role("button", name="Step", exact=True).click()
        time_is(page, n)
    assert picture_until(page, lambda d: d != start) != start, "the engagement plot did not change"

    # move a slider: the strategy share; the other five rescale and the run restarts
    slider = page.locator(".v-input", has_text="strategy (").locator("[role=slider]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("secretariat.mix.strategy = 0.31").wait_for()
    time_is(page, 0)

    # open a lesson: its text appears, its settings load, its run starts
    page.get_by_role("button", name="When funding ends").click()
    page.get_by_text("the secretariat's paid staff drops from 3 to 0 FTE").wait_for()
    page.get_by_text("secretariat.funding_ends = 2021-01").wait_for()
    time_is(page, 0)
    lesson_start = expected_engagement(BY_KEY["funding_ends"].settings())
    assert picture_until(page, lambda d: d == lesson_start) == lesson_start

    # step, then reset: back to month 0 of the same settings, and the same picture
    page.get_by_role("button", name="Step", exact=True).click()
    time_is(page, 1)
    assert picture_until(page, lambda d: d != lesson_start) != lesson_start
    page.get_by_role("button", name="Reset", exact=True).click()
    time_is(page, 0)
    assert picture_until(page, lambda d: d == lesson_start) == lesson_start
    page.get_by_text("secretariat.funding_ends = 2021-01").wait_for()

    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    out = os.environ.get("HTA_DASHBOARD_SCREENSHOT")
    if out:
        page.screenshot(path=out)
    assert page.errors == []


def test_pool_lesson_is_offered_when_its_lever_exists(page):
    """With the lever in the schema the lesson is enabled; without it, the page says why."""
    from hta_sim.dashboard.settings import POOL_MISSING, pool_available

    button = page.get_by_role("button", name="The development pool")
    if pool_available():
        button.wait_for()
        assert button.is_enabled()
    else:
        page.get_by_text(f"Disabled: {POOL_MISSING}.").wait_for()
        assert button.is_disabled()
    assert page.errors == []

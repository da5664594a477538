"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against `hta-sim dashboard`.

Needs Chromium (apt-get install chromium), Playwright (in the test extra) and Solara's assets in
.cache/solara-cdn (scripts/fetch_solara_assets.sh); the README's test section says so. Without them
each test skips with one line saying what to run; in CI (CI=true) they fail instead. The browser
reaches nothing but localhost: every other request is aborted.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import npm_registry
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("HTA_CHROMIUM", "/usr/bin/chromium"))
ASSETS = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR", ROOT / ".cache" / "solara-cdn"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 90
WAIT_MS = 30_000
PROJECTOR = {"width": 1280, "height": 800}
VIEW_CLASSES = ("engagement", "homes", "pulse", "partners", "trustladder", "initiatives")


def _unavailable(reason: str) -> None:
    """Skip locally with one line saying how to enable; in CI a missing browser is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(f"browser test skipped: {reason}")


def _check_prerequisites() -> None:
    try:
        import playwright.sync_api  # noqa: F401
        import solara  # noqa: F401
    except ImportError as exc:
        _unavailable(f"{exc.name} is not installed; enable with: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}; enable with: apt-get install chromium")
    from hta_sim.dashboard import assets

    missing = assets.missing(ASSETS)
    if missing:
        _unavailable(f"{ASSETS} lacks {missing[0]}; enable with: scripts/fetch_solara_assets.sh")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict[str, str], log: Path):
    """`hta-sim dashboard` on a free loopback port; yields its URL once it answers (bounded wait)."""
    port = _free_port()
    env = {**env, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
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
def server(tmp_path_factory):
    _check_prerequisites()
    yield from _serve({**os.environ, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(ASSETS)},
                      tmp_path_factory.mktemp("dashboard") / "server.log")


@pytest.fixture(scope="module")
def browser():
    _check_prerequisites()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _local_only(route) -> None:
    host = re.match(r"^[a-z]+://([^/:]+)", route.request.url)
    if host and host.group(1) in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def open_page(browser, url: str, viewport=PROJECTOR):
    """A fresh page at a projector's size; page and console errors collected, non-local blocked."""
    context = browser.new_context(viewport=viewport)
    context.route("**/*", _local_only)
    pg = context.new_page()
    pg.errors = []
    pg.assets = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"page error: {exc}"))
    pg.on("console", lambda msg: pg.errors.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" else None)
    pg.on("response", lambda r: pg.assets.append((r.status, r.url)) if "/_solara/cdn/" in r.url else None)
    pg.set_default_timeout(WAIT_MS)
    pg.goto(url)
    time_is(pg, 0)
    return pg


@pytest.fixture
def page(browser, server):
    pg = open_page(browser, server)
    yield pg
    pg.context.close()


def time_is(page, n: int) -> None:
    """Wait until Mesa's counter shows ``Time: n`` (it may print a float: 'Time: 3.0')."""
    page.get_by_text(re.compile(rf"^Time: {n}(\.0)?$")).wait_for()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


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


def picture(page, view: str = "engagement") -> str:
    """The digest of the pixels a view shows now ('' while it is being swapped)."""
    from playwright.sync_api import Error

    try:
        return page.locator(f".hta-{view} img").first.evaluate(DIGEST_JS, timeout=5_000)
    except Error:
        return ""


def picture_until(page, ok, view: str = "engagement", timeout_s: float = 20.0) -> str:
    """The view's digest once ``ok(digest)`` holds, or the last one seen at the deadline."""
    deadline = time.monotonic() + timeout_s
    now = picture(page, view)
    while not (now and ok(now)) and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # polling interval, not an assertion
        now = picture(page, view)
    return now


def expected(kind_name: str, model) -> str:
    """The pixel digest of a view the server must show for ``model`` now (the page's own drawing)."""
    from PIL import Image

    from hta_sim.dashboard import plots, views

    kind = dict(plots.VIEWS)[kind_name]
    image = views.png(kind, model)
    return hashlib.sha256(Image.open(io.BytesIO(image)).convert("RGBA").tobytes()).hexdigest()


def month_zero(settings):
    from hta_sim.dashboard.runs import TeachingModel

    return TeachingModel(settings)


#: Marks every view's current <img> source, then reports the ms until each has a new, decoded one.
MARK_JS = f"""() => {{
    window.__olds = {list(VIEW_CLASSES)!r}.map((v) => document.querySelector(`.hta-${{v}} img`).src);
    window.__t0 = performance.now();
}}"""
ALL_NEW_JS = f"""() => {{
    const imgs = {list(VIEW_CLASSES)!r}.map((v) => document.querySelector(`.hta-${{v}} img`));
    const fresh = imgs.every((img, i) => img && img.src !== window.__olds[i] && img.complete
                                          && img.naturalWidth > 0);
    return fresh ? performance.now() - window.__t0 : false;
}}"""


def step_time_ms(page) -> float:
    """From the click on Step to every view redrawn in the browser, in ms."""
    page.evaluate(MARK_JS)
    button(page, "Step").click()
    return float(page.wait_for_function(ALL_NEW_JS, polling="raf").json_value())


def test_step_slider_lesson_reset_without_errors(page, tmp_path):
    from hta_sim.dashboard.lessons import BY_KEY
    from hta_sim.dashboard.settings import Settings

    start = expected("Engagement", month_zero(Settings()))
    assert picture_until(page, lambda d: d == start) == start, "the page does not show the default run"
    times = []
    for n in (1, 2, 3, 4, 5):
        times.append(step_time_ms(page))
        time_is(page, n)
    print(f"\nstep, click to all six views redrawn (ms): {', '.join(f'{t:.0f}' for t in times)}; "
          f"median {sorted(times)[2]:.0f}")
    assert picture_until(page, lambda d: d != start) != start, "the engagement plot did not change"

    # move a slider: the strategy share; the other five rescale and the run restarts
    slider = page.locator(".v-input", has_text="strategy (").locator("[role=slider]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("secretariat.mix.strategy = 0.31").wait_for()
    time_is(page, 0)

    # open a lesson: its text appears, its settings load, its run starts
    page.get_by_role("button", name="The backbone").click()
    page.get_by_text("the secretariat's paid staff drops from 3 to 0 FTE").wait_for()
    page.get_by_text("secretariat.funding_ends = 2021-01").wait_for()
    time_is(page, 0)
    from hta_sim.dashboard.app import lesson_run

    lesson = BY_KEY["funding_ends"]
    lesson_start = expected("Engagement", lesson_run(lesson, lesson.settings()))
    assert picture_until(page, lambda d: d == lesson_start) == lesson_start

    # step, then reset: back to month 0 of the same settings, and the same picture
    button(page, "Step").click()
    time_is(page, 1)
    assert picture_until(page, lambda d: d != lesson_start) != lesson_start
    button(page, "Reset").click()
    time_is(page, 0)
    assert picture_until(page, lambda d: d == lesson_start) == lesson_start
    page.get_by_text("secretariat.funding_ends = 2021-01").wait_for()

    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    out = os.environ.get("HTA_DASHBOARD_SCREENSHOT")
    if out:
        page.screenshot(path=out)
    assert page.errors == []
    assert page.assets and all(status in (200, 304) for status, _ in page.assets), page.assets


def test_layout_fits_a_projector(browser, server):
    """1280x800: fig. 7.1 and homes wholly above the fold, no Solara badge, no dead Mesa controls."""
    loads = []
    for _ in range(2):  # a first visitor, then a second one (Solara's own start-up is behind them)
        started = time.monotonic()
        page = open_page(browser, server)
        for view in VIEW_CLASSES:
            assert picture_until(page, bool, view=view), view
        loads.append(time.monotonic() - started)
    print(f"\npage load to all six views shown: first visitor {loads[0]:.1f} s, next {loads[1]:.1f} s")
    for view in ("engagement", "homes"):
        box = page.locator(f".hta-{view} img").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PROJECTOR["height"], (view, box)
        assert box["width"] >= 400, (view, box)  # readable on a projector
    text = page.inner_text("body")
    for absent in ("runs on Solara", "Model Parameters", "Use Threads"):
        assert absent not in text
    assert page.errors == []
    page.context.close()


def test_each_lesson_restarts_from_its_settings_from_any_month(page):
    from hta_sim.dashboard.app import lesson_run
    from hta_sim.dashboard.lessons import LESSONS

    for n, lesson in enumerate(lesson for lesson in LESSONS if lesson.available):
        for _ in range(n + 1):  # a different month each time, with the lesson itself loaded before
            button(page, "Step").click()
        time_is(page, n + 1)
        page.locator(f".lesson-{lesson.key}").click()
        time_is(page, 0)
        want = expected("Homes", lesson_run(lesson, lesson.settings()))
        assert picture_until(page, lambda d, w=want: d == w, view="homes") == want, lesson.key
    assert page.errors == []


def test_the_pool_lesson_draws_the_band_without_the_pool(page):
    from hta_sim.dashboard.app import lesson_run
    from hta_sim.dashboard.lessons import BY_KEY

    lesson = BY_KEY["pool"]
    if not lesson.available:
        pytest.skip("this install's schema has no development pool")
    page.locator(".lesson-pool").click()
    page.get_by_text("without it").wait_for()
    model = lesson_run(lesson, lesson.settings())
    assert model.contrast == lesson.contrasted()  # the band behind it: the pool switched off
    with_band = expected("Homes", model)
    without_band = expected("Homes", month_zero(lesson.settings()))
    assert with_band != without_band
    assert picture_until(page, lambda d: d == with_band, view="homes") == with_band
    assert page.errors == []


def test_a_full_run_with_play_ends_ready_for_a_reset_and_a_lesson_restarts_it(page):
    from hta_sim.dashboard.app import lesson_run
    from hta_sim.dashboard.lessons import BY_KEY

    started = time.monotonic()
    button(page, "▶").click()
    page.get_by_text("End of the run").wait_for(timeout=120_000)
    took = time.monotonic() - started
    print(f"\nfull run with Play at the default interval: {took:.1f} s")
    page.get_by_text("month 144 of 144").wait_for()
    assert button(page, "▶").is_disabled() and button(page, "Step").is_disabled()
    assert button(page, "❚❚").count() == 0  # not left "playing"
    page.locator(".lesson-board_ab").click()  # from the end of the run
    time_is(page, 0)
    lesson = BY_KEY["board_ab"]
    want = expected("Engagement", lesson_run(lesson, lesson.settings()))
    assert picture_until(page, lambda d: d == want) == want
    assert button(page, "▶").is_enabled() and button(page, "Step").is_enabled()
    button(page, "▶").click()
    button(page, "❚❚").wait_for()
    page.locator(".lesson-dip").click()  # a lesson chosen while playing: a fresh run, paused
    time_is(page, 0)
    from playwright.sync_api import expect

    button(page, "▶").wait_for()  # shown only while not playing
    expect(button(page, "Step")).to_be_enabled()
    time_is(page, 0)
    assert button(page, "❚❚").count() == 0
    assert page.errors == []


# --- a cold start: no cache variable, no cache prepared by hand, a registry on localhost --------


def _pack(folder: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.add(folder, arcname="package")
    return out.getvalue()


@pytest.fixture(scope="module")
def registry():
    """A stand-in for the npm registry on localhost, serving the listed packages' real files."""
    _check_prerequisites()
    from hta_sim.dashboard import assets

    tarballs = {p.spec: _pack(ASSETS / p.spec) for p in assets.PACKAGES}

    with npm_registry.serve(tarballs) as url:
        yield url


def test_a_cold_start_fetches_the_assets_itself_and_shows_every_view(browser, registry, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOLARA_ASSETS_PROXY_CACHE_DIR"}
    env |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"),
            "npm_config_registry": registry}
    started = time.monotonic()
    served = _serve(env, tmp_path / "server.log")
    url = next(served)
    try:
        pg = open_page(browser, url)
        for view in VIEW_CLASSES:
            assert picture_until(pg, bool, view=view), view
        print(f"\ncold start, assets fetched, to all six views shown: {time.monotonic() - started:.1f} s")
        assert (tmp_path / "cache" / "hta-sim" / "solara-cdn").is_dir()
        assert "fetched @widgetti/solara-vuetify-app" in (tmp_path / "server.log").read_text()
        assert pg.errors == []
        assert pg.assets and all(status in (200, 304) for status, _ in pg.assets), pg.assets
        pg.context.close()
    finally:
        served.close()


def test_the_pool_lesson_is_offered_when_its_lever_exists(page):
    """With the lever in the schema the lesson is enabled; without it, the page says why."""
    from hta_sim.dashboard.settings import POOL_MISSING, pool_available

    lesson_button = page.get_by_role("button", name="The development pool")
    if pool_available():
        lesson_button.wait_for()
        assert lesson_button.is_enabled()
    else:
        page.get_by_text(f"Disabled: {POOL_MISSING}.").wait_for()
        assert lesson_button.is_disabled()
    assert page.errors == []

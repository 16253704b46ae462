"""Browser tests: Playwright driving Debian's Chromium, axe-core on every page, CSP violations fail.

One browser serves the whole package (``scope="package"``: Playwright's sync API keeps an asyncio loop
running in the main thread while it is started, which would break Django's async safety checks and
``async_to_sync`` in the tests of other packages, so it stops when this package is done). Under
pytest-xdist each worker starts its own Chromium (and pytest-django its own live server, on a free port,
against that worker's test database); a worker that runs other packages between browser modules stops
and restarts it. Each test gets a fresh context (no cookies carried over) and a page that records:

- Content Security Policy violations: the ``securitypolicyviolation`` event (an init script pushes it
  into ``window.__cspViolations`` and hands it to Python), Chromium's console messages about them
  ("Refused to ..."), and reports posted to the portal's CSP report endpoint (its logger);
- JavaScript errors on the page;
- any request to a host other than the live server's: the portal loads nothing from elsewhere.

Any of these fails the test. A failing test leaves a screenshot in ``test-artifacts/screenshots/``.
"""

import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from tests.conftest import skip_or_fail

from .helpers import install_axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Debian's Chromium, headless, with nothing that phones home (the test must see every request).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
SCREENSHOTS = Path("test-artifacts") / "screenshots"

# Runs in every document before the page's own scripts: collect CSP violations where the test can see them.
CSP_INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var v = {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
           line: e.lineNumber, sample: e.sample, page: document.location.pathname};
  window.__cspViolations.push(v);
  if (window.__portalCspViolation) { window.__portalCspViolation(v); }
}, true);
"""


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Chromium, started once for the browser tests; missing Chromium or Playwright skips (fails in CI).

    Needs the test databases first (``django_db_setup``): they are set up outside Playwright's loop.
    """
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # The ORM runs in this thread while Playwright's loop is running: allow it for as long as it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Error as exc:
            skip_or_fail(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        # With a loop running, Django's per-thread connections are per-context ones: this thread got new
        # connection objects to the test database. Close them while they are reachable (an open one would
        # keep the PostgreSQL test database from being dropped at the end).
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Watch:
    """What a page did that must not happen: CSP violations, script errors, requests leaving the server."""

    def __init__(self):
        self.csp = []
        self.errors = []
        self.external = []

    def clear(self):
        self.csp.clear()
        self.errors.clear()
        self.external.clear()

    def problems(self):
        lines = [f"CSP violation: {v}" for v in self.csp]
        lines += [f"JavaScript error: {e}" for e in self.errors]
        lines += [f"request to another host: {u}" for u in self.external]
        return lines

    def assert_clean(self):
        problems = self.problems()
        assert not problems, "\n".join(problems)


class _CspReportHandler(logging.Handler):
    def __init__(self, watch):
        super().__init__(logging.WARNING)
        self.watch = watch

    def emit(self, record):
        self.watch.csp.append(f"report to the CSP endpoint: {record.getMessage()}")


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context per test (no cookies, no storage) against the live server."""
    ctx = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def page(context, watch, request):
    """A page that fails the test on any CSP violation, script error or request to another host."""
    context.expose_function("__portalCspViolation", lambda violation: watch.csp.append(violation))
    context.add_init_script(CSP_INIT_SCRIPT)
    install_axe(context)

    def route(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            watch.external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    csp_logger = logging.getLogger("accounts.security.csp")
    handler = _CspReportHandler(watch)
    csp_logger.addHandler(handler)
    page = context.new_page()
    _screenshot_path(request.node).unlink(missing_ok=True)  # a screenshot left by an earlier failure
    page.on("console", lambda msg: _is_csp_message(msg.text) and watch.csp.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.passed and watch.problems():
            # The last page's violation may come after the test's own checks: still a failure.
            _screenshot(request.node, page)
            pytest.fail("\n".join(watch.problems()))
    finally:
        csp_logger.removeHandler(handler)


def _is_csp_message(text: str) -> bool:
    """Chromium's console line for a blocked resource ("Refused to load ...", or in newer versions
    "Executing inline script violates the following Content Security Policy directive ...")."""
    return text.startswith("Refused to") or "Content Security Policy" in text


def _screenshot_path(item) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("tests/browser/")[-1]).strip("_")
    return Path(item.config.rootpath) / SCREENSHOTS / f"{name}.png"


def _screenshot(item, page):
    path = _screenshot_path(item)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a closed page must not hide the test's own failure
        print(f"no screenshot of {item.nodeid}: {exc}")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item; on a failure, save a screenshot of the page."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    if report.when in ("setup", "call") and report.failed:
        page = getattr(item, "funcargs", {}).get("page")
        if page is not None and not page.is_closed():
            _screenshot(item, page)

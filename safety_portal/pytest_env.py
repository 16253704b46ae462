"""Pytest plugin loaded with ``-p`` before Django reads its settings.

Production is the default ``PORTAL_ENV``; the test suite runs as ``test`` unless told otherwise.

Under ``REQUIRE_ALL=1`` (CI) nothing may go untested: a skipped test (for example a ``postgres``,
``live_worker`` or ``browser`` test whose service is missing) fails, a module skipped at collection
fails, and a run in which no test ran fails. Locally, skips stay skips and ``-ra`` prints their reasons.
Tests should still call ``tests.conftest.skip_or_fail``, which fails with the reason right away; this
plugin is the net under every other ``pytest.skip`` / ``importorskip``.

Under pytest-xdist (``make test`` runs ``-n 2``) this plugin is loaded in the controller and in every
worker: a worker turns its skips into failures before it sends the report, so the controller counts them
as failures; the controller sees "no tests ran" (every worker collected nothing, or ``-k`` matched
nothing) and fails the run.

Each process of a run (the controller, each xdist worker, a serial run) gets its own ``MEDIA_ROOT`` in a
temporary folder, removed at the end, unless ``MEDIA_ROOT`` is set: uploaded and generated files of one
worker never meet another's, nor the developer's ``media/``. (The test databases are per worker already:
pytest-django adds ``_gw0``, ``_gw1``... to their names.)
"""

import os
import shutil
import tempfile

import pytest

os.environ.setdefault("PORTAL_ENV", "test")

REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"
# "gw0", "gw1"... in an xdist worker (set before this plugin is imported); "main" otherwise.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

_AUTO_MEDIA_ROOT = "PORTAL_TEST_AUTO_MEDIA_ROOT"  # the folder this plugin made, as opposed to one the user set
_media_root = None
_inherited = os.environ.get("MEDIA_ROOT") and os.environ.get("MEDIA_ROOT") == os.environ.get(_AUTO_MEDIA_ROOT)
if os.environ["PORTAL_ENV"] == "test" and (not os.environ.get("MEDIA_ROOT") or _inherited):
    # Before Django reads its settings (this plugin is loaded with -p, ahead of pytest-django's set-up). An xdist
    # worker inherits the controller's environment: it replaces the controller's folder with one of its own.
    _media_root = tempfile.mkdtemp(prefix=f"portal-test-media-{XDIST_WORKER}-")
    os.environ["MEDIA_ROOT"] = os.environ[_AUTO_MEDIA_ROOT] = _media_root


def _skip_reason(report) -> str:
    """The reason pytest recorded for a skip: longrepr is (path, line, 'Skipped: why')."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_skip(report, where: str) -> None:
    # An xfail is also reported as "skipped"; it is a declared outcome, not a missing service.
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_ALL=1 forbids skips; {where} skipped: {_skip_reason(report)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skip(outcome.get_result(), item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_skip(outcome.get_result(), collector.nodeid or "collection")


_no_tests_ran = False


def pytest_sessionfinish(session, exitstatus):
    global _no_tests_ran
    if REQUIRE_ALL and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        # Already non-zero (5); make it a plain failure so no wrapper can mistake it for "nothing to do".
        _no_tests_ran = True
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _no_tests_ran:
        terminalreporter.write_line("REQUIRE_ALL=1: no tests ran, which counts as a failure.", red=True)


def pytest_unconfigure(config):
    if _media_root is not None:
        shutil.rmtree(_media_root, ignore_errors=True)

"""The checks of the browser tests can fail: a page with an unlabelled input fails axe-core, an inline
script is caught by the Content Security Policy, and a request to another host is stopped and reported.

The pages live in ``tests/browser/urls.py``, used only here (never in the portal's URL configuration).
"""

import pytest

from .helpers import Walk, axe_violations

UNLABELLED = "/test-only/unlabelled-input/"
INLINE_SCRIPT = "/test-only/inline-script/"


@pytest.mark.browser
@pytest.mark.urls("tests.browser.urls")
def test_axe_reports_the_unlabelled_input(page, watch):
    page.goto(UNLABELLED)
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == ["label"]
    assert violations[0]["nodes"][0]["html"] == '<input type="text" name="q">'


@pytest.mark.browser
@pytest.mark.urls("tests.browser.urls")
def test_the_page_walk_fails_on_the_unlabelled_input(page, watch):
    walk = Walk(page, watch)
    walk.visit(UNLABELLED)
    with pytest.raises(AssertionError, match=r"\[label\].*Form elements must have labels"):
        walk.assert_clean()


@pytest.mark.browser
@pytest.mark.urls("tests.browser.urls")
def test_an_inline_script_is_blocked_and_reported(page, watch):
    page.goto(INLINE_SCRIPT)
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.title() != "inline script ran"
    assert any(v["directive"].startswith("script-src") for v in page.evaluate("window.__cspViolations"))
    assert any(isinstance(v, dict) and v["page"] == INLINE_SCRIPT for v in watch.csp)
    page.wait_for_timeout(300)  # the console line and the report to the endpoint follow the event
    assert any(isinstance(v, str) and v.startswith("console: ") and "inline script" in v for v in watch.csp)
    assert any(isinstance(v, str) and v.startswith("report to the CSP endpoint") for v in watch.csp)
    watch.clear()  # seen: the page fixture must not fail this test for it


@pytest.mark.browser
def test_a_request_to_another_host_is_stopped_and_reported(page, watch):
    from playwright.sync_api import Error

    # A navigation: the Content Security Policy does not stop it, so only the route can.
    with pytest.raises(Error):
        page.goto("http://tracker.example/pixel")
    assert watch.external == ["http://tracker.example/pixel"]
    assert "request to another host: http://tracker.example/pixel" in watch.problems()
    watch.clear()


def test_the_test_only_pages_are_not_in_the_portal(client):
    assert client.get(UNLABELLED).status_code == 404
    assert client.get(INLINE_SCRIPT).status_code == 404

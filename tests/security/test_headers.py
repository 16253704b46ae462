"""Security headers on every response: a nonce-based CSP, nosniff, Referrer-Policy, Permissions-Policy;
and templates that a strict CSP does not break (no inline scripts, handlers or style attributes)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.security import SecurityHeadersMiddleware, permissions_policy

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, str]:
    return {
        d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
        for d in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if d
    }


def test_the_csp_allows_scripts_only_from_the_portal_or_with_this_requests_nonce(client, district_admin):
    client.force_login(district_admin)
    response = client.get("/district/schools/")
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy["script-src"])
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["report-uri"] == "/security/csp-report/"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_each_request_gets_a_new_nonce(client, db):
    first = _policy(client.get("/accounts/login/"))["script-src"]
    second = _policy(client.get("/accounts/login/"))["script-src"]
    assert first != second


def test_the_other_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_a_view_can_allow_one_feature_it_needs():
    @permissions_policy(camera="self")
    def scan_badge(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/scan/")
    response = SecurityHeadersMiddleware(scan_badge)(request)
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_csp_report_endpoint_logs_the_violation(client, caplog, db):
    body = b'{"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}'
    with caplog.at_level("WARNING", logger="accounts.security.csp"):
        response = client.post("/security/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 204
    assert "violated-directive" in caplog.text


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code():
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base


def _template_files():
    return sorted(p for p in TEMPLATES.rglob("*.html") if "documents" not in p.parts)


def test_no_template_uses_inline_styles_scripts_or_event_handlers():
    """Style attributes, inline scripts and on*= handlers would be blocked by the CSP: none in templates.

    (PDF templates under */documents/ are rendered by WeasyPrint, never by a browser, and are skipped.)
    """
    problems = []
    for path in _template_files():
        text = path.read_text()
        for pattern, what in (
            (r"\sstyle\s*=", "style attribute"),
            (r"<style[\s>]", "<style> element"),
            (r"\son[a-z]+\s*=\s*[\"']", "inline event handler"),
            (r"javascript:", "javascript: URL"),
        ):
            if re.search(pattern, text, re.I):
                problems.append(f"{path.relative_to(TEMPLATES)}: {what}")
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" not in tag and "nonce=" not in tag and 'type="application/json"' not in tag:
                problems.append(f"{path.relative_to(TEMPLATES)}: inline <script> without a nonce")
    assert problems == []

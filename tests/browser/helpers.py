"""Helpers of the browser tests: signing in through the pages (password, then the second factor),
axe-core with the WCAG 2.1 A and AA rules, and the links of a person's navigation."""

import base64
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DEFAULT_PASSWORD

# axe-core's tags for WCAG 2.0 and 2.1, levels A and AA: the ADA Title II rule's bar.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = None


def axe():
    """axe-core as bundled by axe-playwright-python (a local copy: nothing is fetched)."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return _axe


def install_axe(context) -> None:
    """Load axe-core into every document of the context before its own scripts (cheaper than per page)."""
    context.add_init_script(script=axe().axe_script)


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.1 A/AA rules on the page as it is now."""
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(axe().axe_script)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def describe(violations: list[dict], where: str) -> str:
    """One block per rule: id, impact, what it checks, and each failing node (selector and markup)."""
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['id']}] ({v.get('impact')}) {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {node.get('html', '')[:200]}")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def code_now(device: TOTPDevice) -> str:
    """The six digits the person's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def confirmed_device(user) -> TOTPDevice:
    """The person's authenticator app (set up before the test, as a real person has it on their phone)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def log_in(page, user, password=DEFAULT_PASSWORD, on_page=None):
    """Sign in through the pages: email and password, then the second factor.

    A person with an authenticator types its current code on the verify page; a person without one goes
    through enrolment: the key shown on the set-up page goes into the "app", its code confirms it, and
    the backup codes page follows. ``on_page(page)`` runs on every page passed on the way (axe checks).
    """
    page.goto("/accounts/login/")
    _visit(page, on_page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if "/two-factor/setup/" in page.url:
        _visit(page, on_page)
        secret = page.locator(".otp-secret").inner_text()
        key = base64.b32decode(_pad(re.sub(r"\s+", "", secret).upper()))
        page.get_by_role("textbox", name="Code").fill(f"{totp(key):06d}")
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm").click()
        _visit(page, on_page)
        with page.expect_navigation():
            page.get_by_role("link", name="I have saved my codes").click()
    elif "/two-factor/verify/" in page.url:
        _visit(page, on_page)
        page.get_by_role("textbox", name="Code").fill(code_now(TOTPDevice.objects.get(user=user, confirmed=True)))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert "/accounts/login/" not in page.url and "/two-factor/" not in page.url, (
        f"{user.email} is not signed in: still on {page.url}"
    )


def sign_in_directly(context, base_url, user):
    """For tests about something other than signing in: a session verified with both factors, made by
    Django's test client (``force_login``, see tests/conftest.py) and handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base_url}])


def _pad(b32: str) -> str:
    return b32 + "=" * (-len(b32) % 8)


def _visit(page, on_page):
    if on_page is not None:
        on_page(page)


def nav_links(page) -> list[str]:
    """The portal paths the navigation offers on this page (menus, the brand link, the account menu)."""
    hrefs = page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/")))


class Walk:
    """Visits portal paths once each, runs axe-core on each, and collects what went wrong."""

    def __init__(self, page, watch):
        self.page, self.watch = page, watch
        self.seen: set[str] = set()
        self.failures: list[str] = []

    def check(self, page=None):
        """axe-core on the page as it is now, and what the watch saw since the last check."""
        page = page or self.page
        parts = urlsplit(page.url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        violations = axe_violations(page)
        if violations:
            self.failures.append(describe(violations, where))
        self.failures.extend(f"{where}: {problem}" for problem in self.watch.problems())
        self.watch.clear()  # each problem reported once, with the page it happened on

    def assert_clean(self):
        assert not self.failures, "\n".join(self.failures)

    def visit(self, path) -> bool:
        if path in self.seen:
            return False
        self.seen.add(path)
        response = self.page.goto(path)
        if response is None or response.status != 200:
            self.failures.append(f"{path}: HTTP {response.status if response else 'no response'}")
            return False
        self.check()
        return True

    def first_href(self, selector) -> str | None:
        """The portal path of the first link matching ``selector`` on the current page, if any."""
        link = self.page.locator(selector).first
        href = link.get_attribute("href") if link.count() else None
        return href if href and href.startswith("/") else None

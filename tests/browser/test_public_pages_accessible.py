"""The pages before signing in, and the steps of signing in, pass axe-core's WCAG 2.1 A and AA rules,
in their first state and with a form's errors showing."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .helpers import Walk, code_now, confirmed_device, log_in

pytestmark = pytest.mark.browser


def submit(walk, button):
    with walk.page.expect_navigation():
        walk.page.get_by_role("button", name=button).click()
    walk.check()


def test_the_public_pages_pass_axe(page, watch, school_a_staff):
    walk = Walk(page, watch)
    walk.visit(reverse("login"))
    page.get_by_label("Email").fill(school_a_staff.email)
    page.get_by_label("Password").fill("not the password")
    submit(walk, "Log in")
    assert page.get_by_role("alert").count() == 1

    walk.visit(reverse("password_reset"))
    page.get_by_label("Email").fill(school_a_staff.email)
    submit(walk, "Continue")  # lands on the "check your email" page
    assert page.url.endswith(reverse("password_reset_done"))

    uid = urlsafe_base64_encode(force_bytes(school_a_staff.pk))
    token = default_token_generator.make_token(school_a_staff)
    walk.visit(reverse("password_reset_confirm", args=[uid, token]))  # redirects to the set-password form
    page.locator("#id_new_password1").fill("a new long passphrase 1")
    page.locator("#id_new_password2").fill("a different passphrase 2")
    submit(walk, "Continue")
    assert page.get_by_role("alert").count() >= 1

    walk.visit(reverse("password_reset_confirm", args=[uid, "expired-token"]))
    walk.visit(reverse("password_reset_complete"))
    walk.visit(reverse("accounts:invite-accept", args=[uid, "expired-token"]))
    walk.assert_clean()


def test_the_second_factor_pages_pass_axe(page, watch, school_a_staff):
    """Verification, with a wrong code first (the error state), then the right one."""
    device = confirmed_device(school_a_staff)
    walk = Walk(page, watch)
    walk.visit(reverse("login"))
    page.get_by_label("Email").fill(school_a_staff.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    submit(walk, "Log in")
    assert "/two-factor/verify/" in page.url
    wrong = f"{(int(code_now(device)) + 1) % 1_000_000:06d}"
    page.get_by_role("textbox", name="Code").fill(wrong)
    submit(walk, "Continue")
    assert page.get_by_role("textbox", name="Code").get_attribute("aria-invalid") == "true"
    page.wait_for_timeout(1100)  # django-otp makes a person wait a second after a wrong code
    page.get_by_role("textbox", name="Code").fill(code_now(device))
    submit(walk, "Continue")
    assert page.url.endswith("/")
    walk.assert_clean()


def test_enrolment_pages_pass_axe(page, watch, district_leader):
    """A person without an authenticator sets one up through the pages: set-up, backup codes, home."""
    walk = Walk(page, watch)
    log_in(page, district_leader, on_page=walk.check)
    walk.check()
    assert district_leader.totpdevice_set.filter(confirmed=True).count() == 1
    walk.assert_clean()

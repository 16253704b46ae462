"""A password reset ends at the second factor: it never signs anyone in, and every session ends."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import login_password_only

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase for 2026"


def _reset(client, user):
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_after_a_reset_the_login_still_asks_for_the_second_factor(client, counselor_threat_team):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=counselor_threat_team, name="Phone", confirmed=True)
    response = _reset(client, counselor_threat_team)
    assert response["Location"] == "/accounts/reset/done/"
    assert client.get("/").status_code == 302  # not signed in by the reset
    assert client.get("/")["Location"].startswith("/accounts/login/")

    login_password_only(client, counselor_threat_team, password=NEW_PASSWORD)
    assert client.get("/")["Location"].startswith("/account/two-factor/verify/")
    assert client.get("/district/schools/")["Location"].startswith("/account/two-factor/verify/")


def test_a_reset_ends_every_session_of_the_person(client, counselor_threat_team):
    elsewhere = Client()
    elsewhere.force_login(counselor_threat_team)
    _reset(client, counselor_threat_team)
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")

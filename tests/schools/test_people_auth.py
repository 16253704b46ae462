"""Log in, log out, password change and reset, end to end through the project's own pages."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
NEW_PASSWORD = "quiet harbor 51 maple"


def log_in(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_login_ignores_the_case_of_the_email(client, school_a_staff, password):
    response = log_in(client, "TEACHER.A@District.Example", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(school_a_staff.pk)


def test_a_wrong_password_gets_the_plain_message_and_no_hint(client, school_a_staff):
    school_a_staff.is_active = False
    school_a_staff.save()
    response = log_in(client, school_a_staff.email, "not the password at all")
    html = response.content.decode()
    assert response.status_code == 200
    assert "did not match" in html
    assert "not enabled" not in html
    assert "_auth_user_id" not in client.session


def test_an_account_not_enabled_cannot_log_in_and_is_told_why(client, school_a_staff, password):
    school_a_staff.is_active = False
    school_a_staff.save()
    response = log_in(client, school_a_staff.email, password)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your account is not enabled yet" in html
    assert "did not match" not in html
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, school_a_staff):
    client.force_login(school_a_staff)
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_a_password_change_takes_effect(client, school_a_staff, password):
    client.force_login(school_a_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert log_in(Client(), school_a_staff.email, NEW_PASSWORD).status_code == 302
    assert log_in(Client(), school_a_staff.email, password).status_code == 200


def test_the_reset_email_link_sets_a_new_password(client, school_a_staff, password):
    response = client.post(reverse("password_reset"), {"email": "Teacher.A@district.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)

    form_page = client.get(urlsplit(link).path)
    assert form_page.status_code == 302
    done = client.post(form_page.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")

    assert log_in(Client(), school_a_staff.email, NEW_PASSWORD).status_code == 302
    assert log_in(Client(), school_a_staff.email, password).status_code == 200
    assert "expired or was already used" in client.get(urlsplit(link).path).content.decode()


def test_no_reset_email_goes_to_an_account_not_enabled(client, school_a_staff):
    school_a_staff.is_active = False
    school_a_staff.save()
    client.post(reverse("password_reset"), {"email": school_a_staff.email})
    assert mail.outbox == []

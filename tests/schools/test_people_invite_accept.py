"""An invited person follows the emailed link, chooses a password, and logs in once an admin enables them."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from schools.models import AuditEvent, Membership, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard 7 violet"


@pytest.fixture
def invitation(client, district_admin, world, django_capture_on_commit_callbacks):
    """The admin invites Nia; returns (person, path of the link in the email actually sent)."""
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user-invite"),
            {
                "email": "nia@district.example",
                "display_name": "Nia Newcomer",
                "role": Membership.Role.SCHOOL_STAFF,
                "district": world.district.pk,
                "school": world.school_a.pk,
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia@district.example"]
    link = re.search(r"https?://\S+/district/invitation/\S+/", message.body).group(0)
    return User.objects.get(email="nia@district.example"), urlsplit(link).path


def log_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def choose_password(client, path, password=NEW_PASSWORD):
    form_page = client.get(path)
    assert form_page.status_code == 302  # the token moves into the session, off the address bar
    return client.post(form_page.url, {"new_password1": password, "new_password2": password})


def test_the_person_chooses_a_password_and_learns_they_must_wait_to_be_enabled(invitation):
    person, path = invitation
    anonymous = Client()
    response = choose_password(anonymous, path)
    assert response.status_code == 302
    assert response.url == reverse("accounts:invite-accepted")
    page = anonymous.get(response.url)
    assert "You cannot log in yet" in page.content.decode()
    assert "until your district administrator enables them" in page.content.decode()

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not person.is_active
    assert AuditEvent.objects.filter(
        actor=person, action=AuditEvent.Action.UPDATE, note="invitation accepted"
    ).exists()


def test_accepting_does_not_enable_the_account_until_the_admin_does(client, invitation):
    person, path = invitation
    anonymous = Client()
    choose_password(anonymous, path)

    refused = log_in(anonymous, "nia@district.example", NEW_PASSWORD)
    assert refused.status_code == 200
    assert "not enabled yet" in refused.content.decode()
    assert "_auth_user_id" not in anonymous.session

    assert client.post(reverse("accounts:user-enable", kwargs={"pk": person.pk})).status_code == 302
    accepted = log_in(anonymous, "nia@district.example", NEW_PASSWORD)
    assert accepted.status_code == 302
    assert anonymous.session["_auth_user_id"] == str(person.pk)


def test_a_person_enabled_before_accepting_is_told_they_can_log_in(client, invitation):
    person, path = invitation
    client.post(reverse("accounts:user-enable", kwargs={"pk": person.pk}))
    anonymous = Client()
    response = choose_password(anonymous, path)
    page = anonymous.get(response.url)
    assert "you can log in now" in page.content.decode()
    person.refresh_from_db()
    assert person.is_active  # saving the password did not undo the admin's enabling


def test_the_link_works_only_once(invitation):
    _person, path = invitation
    choose_password(Client(), path)
    again = Client().get(path)
    assert again.status_code == 200
    assert "expired or was already used" in again.content.decode()


def test_a_weak_password_is_refused_by_the_projects_validators(invitation):
    person, path = invitation
    anonymous = Client()
    response = choose_password(anonymous, path, password="password")
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_forged_token_shows_the_expired_page(invitation):
    _person, path = invitation
    forged = re.sub(r"/[^/]+/$", "/abc-123/", path)
    response = Client().get(forged)
    assert response.status_code == 200
    assert "expired or was already used" in response.content.decode()


def test_a_deactivated_persons_old_invitation_no_longer_works(client, invitation):
    person, path = invitation
    client.post(reverse("accounts:user-deactivate", kwargs={"pk": person.pk}))
    response = Client().get(path)
    assert "expired or was already used" in response.content.decode()

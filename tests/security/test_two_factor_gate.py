"""Until the session is verified with a second factor, every page but the allowlist sends a signed-in
person to enrolment (no device) or verification (a device): portal pages, htmx fragments, downloads,
exports and the Django admin alike."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from schools.models import AuditEvent
from tests.conftest import login_password_only

from .helpers import all_urls

pytestmark = pytest.mark.django_db

SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/verify/"


def test_every_url_sends_a_password_only_session_to_enrolment(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    urls, unbuildable = all_urls()
    assert not unbuildable, f"add sample arguments for these URLs to tests/security/helpers.py: {unbuildable}"
    assert any(name.startswith("admin:") for name, _ in urls)
    exempt = security.exempt_url_names()
    let_through = []
    for name, path in urls:
        if name in exempt:
            continue
        response = client.get(path)
        if response.status_code != 302 or not response["Location"].startswith(SETUP):
            let_through.append((name, path, response.status_code))
    assert let_through == []


def test_the_admin_and_unknown_admin_pages_are_behind_the_second_factor_too(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    for path in ("/operator/", "/operator/schools/user/", "/operator/no-such-page/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)


def test_the_page_asked_for_comes_back_as_next(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    response = client.get("/district/schools/?level=high")
    assert response["Location"] == f"{SETUP}?next=%2Fdistrict%2Fschools%2F%3Flevel%3Dhigh"


def test_an_htmx_request_gets_an_hx_redirect_instead_of_a_fragment(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    response = client.get("/district/schools/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(SETUP)
    assert response.content == b""


def test_a_person_with_a_device_is_sent_to_verification_not_enrolment(client, counselor_threat_team):
    TOTPDevice.objects.create(user=counselor_threat_team, name="Phone", confirmed=True)
    login_password_only(client, counselor_threat_team)
    response = client.get("/")
    assert response["Location"].startswith(VERIFY)


def test_an_unconfirmed_device_does_not_count_as_a_device(client, counselor_threat_team):
    TOTPDevice.objects.create(user=counselor_threat_team, name="Half set up", confirmed=False)
    login_password_only(client, counselor_threat_team)
    assert client.get("/")["Location"].startswith(SETUP)


def test_public_pages_and_the_sign_in_steps_stay_open(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    assert client.get("/accounts/password/reset/").status_code == 200
    assert client.get(SETUP).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_the_menu_is_hidden_until_the_second_factor(client, district_admin):
    login_password_only(client, district_admin)
    page = client.get(SETUP).content.decode()
    assert "Audit log" not in page
    assert "Your sessions" not in page


def test_a_verified_session_opens_pages(client, district_admin):
    client.force_login(district_admin)  # conftest: force_login includes the second factor
    assert client.get("/district/schools/").status_code == 200


def test_a_verified_superuser_opens_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/operator/").status_code == 200
    assert client.get("/operator/login/")["Location"] == "/operator/"


def test_a_superuser_with_only_a_password_is_sent_to_enrolment(client, superuser):
    login_password_only(client, superuser)
    assert client.get("/operator/")["Location"].startswith(SETUP)


def test_a_verified_staff_member_who_is_not_a_superuser_is_refused_the_admin(client, district_admin):
    district_admin.is_staff = True
    district_admin.save()
    client.force_login(district_admin)
    response = client.get("/operator/", follow=True)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, object_type="admin").exists()


def test_anonymous_visitors_of_the_admin_go_to_the_portal_login(client, db):
    response = client.get("/operator/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200

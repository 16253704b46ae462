"""Setting up the authenticator app, the backup codes shown once, and the verify step at login."""

import re

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security, two_factor
from schools.models import AuditEvent
from tests.conftest import login_password_only

from .helpers import code_for

pytestmark = pytest.mark.django_db

SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/verify/"


def _enrol(client, user):
    """Go through the setup page with a real code; returns (device, backup codes shown)."""
    login_password_only(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": "/district/schools/"})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.content.decode())
    device.refresh_from_db()
    return device, codes, page


def test_the_setup_page_draws_the_qr_code_itself_and_shows_the_key(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=counselor_threat_team, confirmed=False)
    assert "<svg" in page and 'role="img"' in page
    assert two_factor.secret_for_display(device) in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    assert "style=" not in page


def test_reloading_the_setup_page_keeps_the_same_key(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=counselor_threat_team).count() == 1


def test_a_real_code_confirms_the_app_verifies_the_session_and_shows_ten_backup_codes_once(
    client, counselor_threat_team
):
    device, codes, page = _enrol(client, counselor_threat_team)

    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/district/schools/"' in page.content.decode()
    assert client.get("/district/schools/").status_code == 200
    # Shown once: a second visit has nothing to show.
    assert client.get("/account/two-factor/backup-codes/")["Location"] == "/account/two-factor/"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TWO_FACTOR, note="authenticator set up"
    ).exists()


def test_backup_codes_are_stored_only_as_hashes(client, counselor_threat_team):
    _, codes, _ = _enrol(client, counselor_threat_team)
    stored = set(
        StaticToken.objects.filter(device__user=counselor_threat_team).values_list("token", flat=True)
    )
    assert len(stored) == 10
    assert not stored & {c for c in codes} and not stored & {c.replace("-", "") for c in codes}


def test_a_wrong_code_does_not_confirm_the_app(client, counselor_threat_team):
    login_password_only(client, counselor_threat_team)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=counselor_threat_team, confirmed=True).exists()


def test_login_asks_for_the_code_and_the_right_code_opens_the_portal(client, counselor_threat_team):
    device, _, _ = _enrol(client, counselor_threat_team)
    client.post("/accounts/logout/")

    response = login_password_only(client, counselor_threat_team)
    response = client.get(response["Location"])
    assert response["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": "123456"}).status_code == 400
    assert client.get("/").status_code == 302
    # django-otp throttles after a wrong code; let it pass, then the newest code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(VERIFY, {"code": code_for(device, ahead=1), "next": "/district/schools/"})
    assert response["Location"] == "/district/schools/"
    assert client.get("/district/schools/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, note="wrong second-factor code"
    ).exists()


def test_a_code_cannot_be_used_twice(client, counselor_threat_team):
    device, _, _ = _enrol(client, counselor_threat_team)
    # The code the setup consumed, from the time step it was accepted in (not "now": the 30-second window may
    # have turned since, and today's code would be a fresh one).
    used = f"{hotp(device.bin_key, device.last_t, digits=device.digits):0{device.digits}d}"
    client.post("/accounts/logout/")
    login_password_only(client, counselor_threat_team)
    assert client.post(VERIFY, {"code": used}).status_code == 400


def test_a_backup_code_works_once(client, counselor_threat_team):
    _, codes, _ = _enrol(client, counselor_threat_team)
    client.post("/accounts/logout/")
    login_password_only(client, counselor_threat_team)
    assert client.post(VERIFY, {"code": codes[0].upper()})["Location"] == "/"
    assert two_factor.backup_codes_left(counselor_threat_team) == 9
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TWO_FACTOR, note__startswith="backup code used"
    ).exists()

    client.post("/accounts/logout/")
    login_password_only(client, counselor_threat_team)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_a_password_alone_cannot_add_a_second_device(client, counselor_threat_team):
    """Someone who stole the password must not enrol their own phone next to the real one."""
    _enrol(client, counselor_threat_team)
    client.post("/accounts/logout/")
    login_password_only(client, counselor_threat_team)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=counselor_threat_team).count() == 1


def test_new_backup_codes_need_the_password_again_after_five_minutes(client, counselor_threat_team, password):
    client.force_login(counselor_threat_team)
    session = client.session
    session[security.REAUTH_AT] -= 6 * 60
    session.save()

    response = client.post(
        "/account/two-factor/backup-codes/new/", HTTP_REFERER="http://testserver/account/two-factor/"
    )
    assert response["Location"].startswith("/account/confirm-password/")
    assert two_factor.backup_codes_left(counselor_threat_team) == 0

    assert client.post("/account/confirm-password/", {"password": "wrong password"}).status_code == 400
    response = client.post(
        "/account/confirm-password/", {"password": password, "next": "/account/two-factor/"}
    )
    assert response["Location"] == "/account/two-factor/"
    response = client.post("/account/two-factor/backup-codes/new/")
    assert response["Location"].startswith("/account/two-factor/backup-codes/")
    assert two_factor.backup_codes_left(counselor_threat_team) == 10
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TWO_FACTOR, note="backup codes replaced"
    ).exists()


def test_replacing_the_app_needs_the_password_again_and_the_old_app_stops_working(
    client, counselor_threat_team
):
    client.force_login(counselor_threat_team)
    old = TOTPDevice.objects.get(user=counselor_threat_team)
    session = client.session
    session[security.REAUTH_AT] -= 6 * 60
    session.save()
    assert client.get(SETUP)["Location"].startswith("/account/confirm-password/")

    session = client.session
    session[security.REAUTH_AT] = security._now()
    session.save()
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=counselor_threat_team, confirmed=False)
    assert client.post(SETUP, {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=counselor_threat_team)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/district/schools/").status_code == 200


def test_changing_the_email_needs_the_password_again(client, counselor_threat_team, password):
    client.force_login(counselor_threat_team)
    session = client.session
    session[security.REAUTH_AT] -= 6 * 60
    session.save()
    assert client.get("/account/email/")["Location"].startswith(
        "/account/confirm-password/?next=%2Faccount%2Femail%2F"
    )
    client.post("/account/confirm-password/", {"password": password})
    response = client.post("/account/email/", {"email": "New.Address@District.example"})
    assert response.status_code == 302
    counselor_threat_team.refresh_from_db()
    assert counselor_threat_team.email == "new.address@district.example"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, fields=["email"]).exists()


def test_the_email_cannot_be_taken_from_someone_else(client, counselor_threat_team, district_admin):
    client.force_login(counselor_threat_team)
    response = client.post("/account/email/", {"email": district_admin.email.upper()})
    assert response.status_code == 400
    assert "already has this email" in response.content.decode()


def test_a_district_admin_can_reset_a_persons_second_factor(client, district_admin, school_a_staff):
    TOTPDevice.objects.create(user=school_a_staff, name="Lost phone", confirmed=True)
    client.force_login(district_admin)
    response = client.post(f"/account/people/{school_a_staff.pk}/reset-two-factor/")
    assert response.status_code == 302
    assert not two_factor.has_device(school_a_staff)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TWO_FACTOR, object_id=str(school_a_staff.pk)
    ).exists()


def test_a_district_admin_cannot_reset_someone_of_another_district(client, district_admin, world):
    from tests.factories import MembershipFactory, UserFactory

    outsider = UserFactory()
    MembershipFactory(user=outsider, role="school_staff", school=world.other_school)
    TOTPDevice.objects.create(user=outsider, name="Phone", confirmed=True)
    client.force_login(district_admin)
    assert client.post(f"/account/people/{outsider.pk}/reset-two-factor/").status_code == 404
    assert two_factor.has_device(outsider)


def test_a_principal_cannot_reset_anyones_second_factor(client, school_a_admin, school_a_staff):
    TOTPDevice.objects.create(user=school_a_staff, name="Phone", confirmed=True)
    client.force_login(school_a_admin)
    assert client.post(f"/account/people/{school_a_staff.pk}/reset-two-factor/").status_code == 403
    assert two_factor.has_device(school_a_staff)

"""Session lifetimes (idle and absolute), a person's sessions page, ending sessions on a password change,
and a district admin ending someone's sessions."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import security
from schools.models import AuditEvent, UserSession
from tests.conftest import login_password_only

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def _age(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, district_admin):
    client.force_login(district_admin)
    _age(client, security.LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/district/schools/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "without activity" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, note="idle timeout").exists()
    assert client.get("/district/schools/")["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, district_admin):
    client.force_login(district_admin)
    _age(client, security.LAST_SEEN, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/district/schools/").status_code == 200
    # The request refreshed the last-seen time: another idle stretch of the same length is still fine.
    _age(client, security.LAST_SEEN, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/district/schools/").status_code == 200


def test_an_htmx_request_after_the_idle_limit_gets_an_hx_redirect_to_login(client, district_admin):
    client.force_login(district_admin)
    _age(client, security.LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/district/schools/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_the_absolute_lifetime_ends_even_a_busy_session(client, district_admin):
    client.force_login(district_admin)
    _age(client, security.AUTH_AT, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/district/schools/")
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGOUT, note="session lifetime reached"
    ).exists()


def test_the_session_expiry_is_fixed_at_login_and_not_extended_by_requests(client, district_admin):
    client.force_login(district_admin)
    key = client.session.session_key
    expires = Session.objects.get(session_key=key).expire_date
    _age(client, security.LAST_SEEN, 120)  # forces a last-seen write (a session save) on the next request
    client.get("/district/schools/")
    assert Session.objects.get(session_key=key).expire_date == expires
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_login_records_the_session_with_a_coarse_device_and_no_address(district_admin, password):
    browser = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    login_password_only(browser, district_admin, REMOTE_ADDR="203.0.113.9")
    row = UserSession.objects.get(user=district_admin)
    assert row.device == "Chrome on Windows"
    assert row.session_key == browser.session.session_key
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor=district_admin).exists()
    assert not AuditEvent.objects.filter(note__contains="203.0.113.9").exists()


def test_logout_is_audited_and_forgets_the_session(client, district_admin):
    client.force_login(district_admin)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=district_admin).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, actor=district_admin).exists()


def test_the_sessions_page_lists_them_and_ends_the_others(district_admin):
    laptop, phone, tablet = (
        Client(HTTP_USER_AGENT=FIREFOX_LINUX),
        Client(HTTP_USER_AGENT=CHROME_WINDOWS),
        Client(),
    )
    for browser in (laptop, phone, tablet):
        login_password_only(browser, district_admin)
        browser.force_login(district_admin)  # verify the second factor too
    page = laptop.get("/account/sessions/").content.decode()
    assert "this session" in page

    response = laptop.post("/account/sessions/", {"end": "others"})
    assert response.status_code == 302
    assert laptop.get("/district/schools/").status_code == 200
    assert phone.get("/district/schools/")["Location"].startswith("/accounts/login/")
    assert tablet.get("/district/schools/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_END, actor=district_admin).exists()


def test_one_other_session_can_be_ended_alone(district_admin):
    laptop, phone, tablet = Client(), Client(), Client()
    for browser in (laptop, phone, tablet):
        browser.force_login(district_admin)
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    laptop.post("/account/sessions/", {"session": phone_row.pk})
    assert phone.get("/")["Location"].startswith("/accounts/login/")
    assert tablet.get("/").status_code == 200


def test_the_current_session_cannot_be_ended_from_the_list(client, district_admin):
    client.force_login(district_admin)
    own = UserSession.objects.get(session_key=client.session.session_key)
    assert client.post("/account/sessions/", {"session": own.pk}).status_code == 400


def test_a_password_change_keeps_this_session_and_ends_the_others(district_admin, password):
    here, elsewhere = Client(), Client()
    here.force_login(district_admin)
    elsewhere.force_login(district_admin)
    response = here.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get("/district/schools/").status_code == 200
    assert elsewhere.get("/district/schools/")["Location"].startswith("/accounts/login/")
    assert UserSession.objects.filter(user=district_admin).count() == 1
    assert UserSession.objects.get(user=district_admin).session_key == here.session.session_key


def test_a_district_admin_ends_someones_sessions(client, district_admin, school_a_staff):
    teacher = Client()
    teacher.force_login(school_a_staff)
    client.force_login(district_admin)
    response = client.post(f"/account/people/{school_a_staff.pk}/end-sessions/")
    assert response.status_code == 302
    assert teacher.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SESSION_END, object_id=str(school_a_staff.pk)
    ).exists()


def test_a_principal_cannot_end_someone_elses_sessions(client, school_a_admin, school_a_staff):
    teacher = Client()
    teacher.force_login(school_a_staff)
    client.force_login(school_a_admin)
    assert client.post(f"/account/people/{school_a_staff.pk}/end-sessions/").status_code == 403
    assert teacher.get("/").status_code == 200


def test_the_coarse_device_names_common_browsers():
    assert security.coarse_device(FIREFOX_LINUX) == "Firefox on Linux"
    assert security.coarse_device(CHROME_WINDOWS) == "Chrome on Windows"
    assert security.coarse_device("") == "Unknown device"

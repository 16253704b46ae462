"""Failed logins lock the (username, client address) pair, never the address alone: one student at a
school's shared address cannot lock every teacher out. District admins see and lift the locks."""

import pytest
from django.test import override_settings

from schools.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL_NAT = "203.0.113.7"


def _try(client, email, password, address=SCHOOL_NAT):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def second_teacher(world):
    user = UserFactory(email="teacher2.a@district.example", display_name="Theo Teacher")
    MembershipFactory(user=user, role="school_staff", school=world.school_a)
    return user


def _lock(client, user):
    responses = [_try(client, user.email, "not my password") for _ in range(5)]
    return responses


def test_five_bad_passwords_lock_that_teacher_and_show_the_clear_message(client, school_a_staff, password):
    responses = _lock(client, school_a_staff)
    assert responses[-1].status_code == 429
    page = responses[-1].content.decode()
    assert "Too many failed attempts" in page
    assert "15 minutes" in page
    # Even the right password is refused from that address during the cool-off.
    assert _try(client, school_a_staff.email, password).status_code == 429


def test_another_teacher_at_the_same_address_still_logs_in(client, school_a_staff, second_teacher, password):
    _lock(client, school_a_staff)
    response = _try(client, second_teacher.email, password)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_locked_teacher_can_still_log_in_from_another_address(client, school_a_staff, password):
    _lock(client, school_a_staff)
    assert _try(client, school_a_staff.email, password, address="198.51.100.20").status_code == 302


def test_changing_the_case_of_the_email_does_not_reset_the_count(client, school_a_staff, password):
    for i in range(5):
        _try(client, school_a_staff.email.upper() if i % 2 else school_a_staff.email, "nope")
    assert _try(client, school_a_staff.email.title(), password).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_address_counts_not_the_proxys(
    client, school_a_staff, second_teacher, password
):
    proxy = "10.0.0.2"
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": school_a_staff.email, "password": "nope"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {SCHOOL_NAT}",
        )
    # Same proxy, another client behind it: not locked (a spoofed left-hand entry changes nothing).
    other = client.post(
        "/accounts/login/",
        {"username": school_a_staff.email, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302
    client.post("/accounts/logout/")
    again = client.post(
        "/accounts/login/",
        {"username": school_a_staff.email, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"9.9.9.9, {SCHOOL_NAT}",
    )
    assert again.status_code == 429


def test_failed_logins_and_the_lockout_are_audited_with_the_address_tried(client, school_a_staff, world):
    _lock(client, school_a_staff)
    _try(client, school_a_staff.email, "still wrong")
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert failed.count() == 6
    assert set(failed.values_list("actor_label", flat=True)) == {school_a_staff.email}
    assert set(failed.values_list("district_id", flat=True)) == {world.district.pk}
    lockouts = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().actor_label == school_a_staff.email


def test_a_password_typed_into_the_email_field_is_never_logged(client, db):
    _try(client, "My Secret Pa55word!", "whatever")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert "Secret" not in event.actor_label
    assert event.actor_label == "(not an email address)"


def test_a_district_admin_sees_the_lock_and_unlocks_it(client, district_admin, school_a_staff, password):
    _lock(client, school_a_staff)
    admin_client = type(client)()
    admin_client.force_login(district_admin)
    page = admin_client.get("/account/lockouts/").content.decode()
    assert school_a_staff.email in page

    response = admin_client.post("/account/lockouts/", {"username": school_a_staff.email})
    assert response.status_code == 302
    assert school_a_staff.email not in admin_client.get("/account/lockouts/").content.decode()
    assert _try(client, school_a_staff.email, password).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UNLOCK, object_id=str(school_a_staff.pk)
    ).exists()


def test_a_district_admin_does_not_see_or_unlock_other_districts_people(client, district_admin, world):
    outsider = UserFactory(email="far.away@olympia.example")
    MembershipFactory(user=outsider, role="school_staff", school=world.other_school)
    _lock(client, outsider)
    admin_client = type(client)()
    admin_client.force_login(district_admin)
    assert outsider.email not in admin_client.get("/account/lockouts/").content.decode()
    assert admin_client.post("/account/lockouts/", {"username": outsider.email}).status_code == 400
    assert _try(client, outsider.email, "whatever").status_code == 429


def test_the_unlock_page_is_for_district_admins_only(client, school_a_admin):
    client.force_login(school_a_admin)
    assert client.get("/account/lockouts/").status_code == 403


def test_the_unlock_page_says_when_nothing_is_locked(client, district_admin):
    client.force_login(district_admin)
    assert "No account of your district is locked" in client.get("/account/lockouts/").content.decode()


# --- The per-account limit across addresses (ACCOUNT_FAILURE_LIMIT) -----------------------------


def _spread(client, email, failures, per_address=4, first=1):
    """``failures`` wrong passwords, ``per_address`` from each address: never enough to lock one pair."""
    responses = []
    for i in range(failures):
        address = f"198.18.{(first + i // per_address) // 250}.{(first + i // per_address) % 250 + 1}"
        responses.append(_try(client, email, "not my password", address=address))
    return responses


def test_rotating_addresses_locks_the_account_everywhere_at_the_account_limit(client, school_a_staff, password):
    responses = _spread(client, school_a_staff.email, 19)
    assert {r.status_code for r in responses} == {200}
    # The 20th failure reaches the limit: the clear locked-out page at once.
    last = _try(client, school_a_staff.email, "not my password", address="192.0.2.200")
    assert last.status_code == 429
    page = last.content.decode()
    assert "Too many failed attempts" in page
    assert "15 minutes" in page
    assert "from every device and network" in page
    # Even the right password, from an address never used before, is refused.
    fresh = _try(client, school_a_staff.email, password, address="192.0.2.201")
    assert fresh.status_code == 429
    assert "from every device and network" in fresh.content.decode()


def test_below_the_account_limit_the_right_password_still_works(client, school_a_staff, password):
    _spread(client, school_a_staff.email, 19)
    assert _try(client, school_a_staff.email, password, address="192.0.2.201").status_code == 302


@override_settings(ACCOUNT_FAILURE_LIMIT=8)
def test_the_account_limit_is_a_setting(client, school_a_staff, password):
    _spread(client, school_a_staff.email, 8)
    assert _try(client, school_a_staff.email, password, address="192.0.2.201").status_code == 429


def test_the_account_lock_ends_after_the_cool_off(client, school_a_staff, password):
    import datetime as dt

    from axes.models import AccessAttempt
    from django.utils import timezone

    _spread(client, school_a_staff.email, 20)
    assert _try(client, school_a_staff.email, password, address="192.0.2.201").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _try(client, school_a_staff.email, password, address="192.0.2.201").status_code == 302


def test_one_shared_address_still_locks_only_the_pair_at_five(client, school_a_staff, password):
    """A student at the school's address cannot push a teacher to the account limit: refused tries don't count."""
    responses = [_try(client, school_a_staff.email, "nope") for _ in range(30)]
    assert responses[4].status_code == 429
    from accounts.security import account_failures

    assert account_failures(school_a_staff.email) == 5
    assert _try(client, school_a_staff.email, password, address="198.51.100.20").status_code == 302


def test_other_accounts_are_not_locked_by_one_accounts_limit(client, school_a_staff, second_teacher, password):
    _spread(client, school_a_staff.email, 20)
    assert _try(client, second_teacher.email, password, address="192.0.2.201").status_code == 302


def test_the_account_lock_is_audited_once(client, school_a_staff, world):
    _spread(client, school_a_staff.email, 20)
    _try(client, school_a_staff.email, "still wrong", address="192.0.2.201")
    lockouts = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT)
    assert lockouts.count() == 1
    event = lockouts.get()
    assert event.actor_label == school_a_staff.email
    assert event.district_id == world.district.pk
    assert "locked everywhere" in event.note


def test_a_district_admin_sees_the_account_lock_and_lifts_it(client, district_admin, school_a_staff, password):
    _spread(client, school_a_staff.email, 20)
    admin_client = type(client)()
    admin_client.force_login(district_admin)
    page = admin_client.get("/account/lockouts/").content.decode()
    assert school_a_staff.email in page
    assert "Every address" in page
    assert admin_client.post("/account/lockouts/", {"username": school_a_staff.email}).status_code == 302
    assert school_a_staff.email not in admin_client.get("/account/lockouts/").content.decode()
    assert _try(client, school_a_staff.email, password, address="192.0.2.201").status_code == 302

"""Ending a membership now: the role stops counting at once (not at midnight), its history stays true, and
a person left without a role is signed out of the sessions that depended on it."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from portal.scope import active_memberships_for
from schools.models import AuditEvent, Membership, User

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def end_url(membership):
    return reverse("accounts:membership-end", kwargs={"pk": membership.pk})


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_client(district_admin):
    client = Client()
    client.force_login(district_admin)
    return client


def test_ending_now_stops_the_role_counting_at_once_and_keeps_its_history(admin_client, school_a_staff, world):
    membership = Membership.objects.get(user=school_a_staff)
    today = world.district.local_today()
    assert membership.starts_on < today

    response = admin_client.post(end_url(membership), {"when": "now"})

    assert response.status_code == 302
    membership.refresh_from_db()  # kept: who held the role, and until when, stays answerable
    assert membership.ends_on == today - dt.timedelta(days=1)
    assert not membership.is_active_on(today)
    assert active_memberships_for(fresh(school_a_staff)) == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE, object_type="schools.membership",
        object_id=str(membership.pk), note__contains="ended now",
    ).exists()


def test_a_person_left_without_a_role_is_signed_out(admin_client, school_a_staff):
    teacher = Client()
    teacher.force_login(school_a_staff)
    assert teacher.get(reverse("home")).status_code == 200
    membership = Membership.objects.get(user=school_a_staff)

    response = admin_client.post(end_url(membership), {"when": "now"}, follow=True)

    assert "signed-in session" in response.content.decode()
    assert sessions_of(school_a_staff) == []
    after = teacher.get(reverse("home"))
    assert after.status_code == 302 and after.url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SESSION_END, object_id=str(school_a_staff.pk)
    ).exists()


def test_a_person_with_another_role_stays_signed_in(admin_client, school_a_staff, world):
    other = MembershipFactory(user=school_a_staff, role=Membership.Role.COUNSELOR, school=world.school_b)
    teacher = Client()
    teacher.force_login(school_a_staff)
    membership = Membership.objects.get(user=school_a_staff, role=Membership.Role.SCHOOL_STAFF)

    admin_client.post(end_url(membership), {"when": "now"})

    assert sessions_of(school_a_staff)
    assert teacher.get(reverse("home")).status_code == 200
    assert [m.pk for m in active_memberships_for(fresh(school_a_staff))] == [other.pk]


def test_a_role_that_started_today_is_removed_when_ended_now(admin_client, world):
    person = UserFactory(display_name="Nia New")
    today = world.district.local_today()
    started_today = MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a,
                                      starts_on=today)

    admin_client.post(end_url(started_today), {"when": "now"})

    assert not Membership.objects.filter(pk=started_today.pk).exists()
    assert active_memberships_for(fresh(person)) == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE, object_type="schools.membership",
        object_id=str(started_today.pk), note__contains="first day",
    ).exists()


def test_a_role_already_ended_today_can_still_be_ended_now(admin_client, school_a_staff, world):
    membership = Membership.objects.get(user=school_a_staff)
    today = world.district.local_today()
    admin_client.post(end_url(membership))  # the default: ends today, counts until midnight
    membership.refresh_from_db()
    assert membership.ends_on == today and membership.is_active_on(today)

    admin_client.post(end_url(membership), {"when": "now"})

    membership.refresh_from_db()
    assert membership.ends_on == today - dt.timedelta(days=1)


def test_without_now_the_role_still_ends_today_and_nobody_is_signed_out(admin_client, school_a_staff, world):
    teacher = Client()
    teacher.force_login(school_a_staff)
    membership = Membership.objects.get(user=school_a_staff)

    admin_client.post(end_url(membership))

    membership.refresh_from_db()
    assert membership.ends_on == world.district.local_today()
    assert sessions_of(school_a_staff)


def test_a_role_ended_before_today_is_left_alone(admin_client, world):
    person = UserFactory()
    past = MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a,
                             starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2019, 6, 30))
    response = admin_client.post(end_url(past), {"when": "now"}, follow=True)
    assert "already ended" in response.content.decode()
    past.refresh_from_db()
    assert past.ends_on == dt.date(2019, 6, 30)


def test_a_future_role_ended_now_is_removed_and_signs_nobody_out(admin_client, school_a_staff, world):
    future = MembershipFactory(user=school_a_staff, role=Membership.Role.COUNSELOR, school=world.school_b,
                               starts_on=world.district.local_today() + dt.timedelta(days=10))
    teacher = Client()
    teacher.force_login(school_a_staff)
    admin_client.post(end_url(future), {"when": "now"})
    assert not Membership.objects.filter(pk=future.pk).exists()
    assert sessions_of(school_a_staff)


def test_nobody_ends_their_own_role_now(admin_client, district_admin):
    own = Membership.objects.get(user=district_admin)
    assert admin_client.post(end_url(own), {"when": "now"}).status_code == 403
    own.refresh_from_db()
    assert own.ends_on is None


def test_the_persons_page_offers_ending_a_role_now_beside_ending_it_tonight(client, district_admin, school_a_staff):
    client.force_login(district_admin)
    html = client.get(reverse("accounts:user-detail", args=[school_a_staff.pk])).content.decode()
    assert 'name="when" value="now"' in html and "End now" in html

"""Enabling and deactivating accounts, and ending memberships, from a person's page."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from schools.models import AuditEvent, Membership, User, UserSession

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, obj):
    return reverse(f"accounts:{name}", kwargs={"pk": obj.pk})


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


@pytest.fixture
def admin_client(district_admin):
    client = Client()
    client.force_login(district_admin)
    return client


def test_deactivation_signs_the_person_out_at_once(admin_client, school_a_staff):
    teacher = Client()
    teacher.force_login(school_a_staff)
    assert teacher.get(reverse("home")).status_code == 200
    assert sessions_of(school_a_staff)

    response = admin_client.post(url("user-deactivate", school_a_staff))
    assert response.status_code == 302

    next_request = teacher.get(reverse("home"))
    assert next_request.status_code == 302
    assert next_request.url.startswith(reverse("login"))
    assert sessions_of(school_a_staff) == []
    assert not UserSession.objects.filter(user=school_a_staff).exists()


def test_deactivation_ends_memberships_today_and_keeps_the_history(admin_client, district_admin, world):
    person = UserFactory(display_name="Pat Leaving")
    current = MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    past = MembershipFactory(
        user=person,
        role=Membership.Role.COUNSELOR,
        school=world.school_b,
        starts_on=dt.date(2019, 1, 1),
        ends_on=dt.date(2019, 6, 30),
    )
    today = world.district.local_today()
    future = MembershipFactory(
        user=person,
        role=Membership.Role.SCHOOL_ADMIN,
        school=world.school_c,
        starts_on=today + dt.timedelta(days=30),
    )

    admin_client.post(url("user-deactivate", person))

    person.refresh_from_db()
    assert not person.is_active
    assert person.deactivated_at is not None
    current.refresh_from_db()
    past.refresh_from_db()
    assert current.ends_on == today
    assert past.ends_on == dt.date(2019, 6, 30)
    assert not Membership.objects.filter(pk=future.pk).exists()  # never started: nothing to keep
    assert User.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        object_type="schools.user",
        object_id=str(person.pk),
        actor=district_admin,
        note="deactivated",
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        object_type="schools.membership",
        object_id=str(current.pk),
        fields=["ends_on"],
    ).exists()


def test_the_deactivated_person_cannot_log_in_and_is_told_why(admin_client, school_a_staff, password):
    admin_client.post(url("user-deactivate", school_a_staff))
    response = Client().post(reverse("login"), {"username": school_a_staff.email, "password": password})
    assert response.status_code == 200
    assert "has been deactivated" in response.content.decode()


def test_nobody_can_deactivate_themselves(admin_client, district_admin):
    response = admin_client.post(url("user-deactivate", district_admin))
    assert response.status_code == 403
    district_admin.refresh_from_db()
    assert district_admin.is_active
    assert district_admin.memberships.get().ends_on is None
    page = admin_client.get(url("user-detail", district_admin))
    assert url("user-deactivate", district_admin) not in page.content.decode()


def test_only_a_district_admin_of_the_persons_district_may_deactivate(
    client, school_a_admin, school_a_staff, world
):
    client.force_login(school_a_admin)
    assert client.post(url("user-deactivate", school_a_staff)).status_code == 404
    school_a_staff.refresh_from_db()
    assert school_a_staff.is_active


def test_a_person_of_another_district_is_not_found(admin_client, world):
    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Membership.Role.SCHOOL_STAFF, school=world.other_school)
    assert admin_client.post(url("user-deactivate", stranger)).status_code == 404
    assert admin_client.post(url("user-enable", stranger)).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


def test_the_buttons_only_answer_post(admin_client, school_a_staff):
    assert admin_client.get(url("user-deactivate", school_a_staff)).status_code == 405
    assert admin_client.get(url("user-enable", school_a_staff)).status_code == 405


def test_enabling_lets_a_waiting_person_in_and_is_audited(admin_client, district_admin, world, password):
    waiting = UserFactory(email="waiting@district.example", is_active=False)
    MembershipFactory(user=waiting, role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    page = admin_client.get(url("user-detail", waiting))
    assert url("user-enable", waiting) in page.content.decode()

    assert admin_client.post(url("user-enable", waiting)).status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_active
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        object_id=str(waiting.pk),
        note="enabled",
        actor=district_admin,
    ).exists()
    response = Client().post(reverse("login"), {"username": waiting.email, "password": password})
    assert response.status_code == 302


def test_ending_a_membership_sets_its_end_to_today(admin_client, district_admin, school_a_staff, world):
    membership = school_a_staff.memberships.get()
    response = admin_client.post(url("membership-end", membership))
    assert response.status_code == 302
    assert response.url == url("user-detail", school_a_staff)
    membership.refresh_from_db()
    assert membership.ends_on == world.district.local_today()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        object_id=str(membership.pk),
        object_type="schools.membership",
        actor=district_admin,
    ).exists()
    school_a_staff.refresh_from_db()
    assert school_a_staff.is_active  # ending one role does not touch the account


def test_an_admin_cannot_end_their_own_role(admin_client, district_admin):
    membership = district_admin.memberships.get()
    assert admin_client.post(url("membership-end", membership)).status_code == 403
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_a_membership_elsewhere_cannot_be_ended(admin_client, world):
    stranger = MembershipFactory(
        user=UserFactory(), role=Membership.Role.SCHOOL_STAFF, school=world.other_school
    )
    assert admin_client.post(url("membership-end", stranger)).status_code == 404
    stranger.refresh_from_db()
    assert stranger.ends_on is None


def test_the_membership_pages_record_permission_changes(admin_client, district_admin, world):
    person = UserFactory(display_name="Rae Role")
    MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    response = admin_client.post(
        reverse("schools:membership-create"),
        {
            "user": person.pk,
            "role": Membership.Role.COUNSELOR,
            "school": world.school_b.pk,
            "starts_on": "2024-08-01",
        },
    )
    assert response.status_code == 302
    created = Membership.objects.get(user=person, role=Membership.Role.COUNSELOR)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERMISSION_CHANGE, object_id=str(created.pk), actor=district_admin
    ).exists()

    response = admin_client.post(
        reverse("schools:membership-update", kwargs={"pk": created.pk}),
        {
            "user": person.pk,
            "role": Membership.Role.COUNSELOR,
            "school": world.school_b.pk,
            "starts_on": "2024-08-01",
            "ends_on": "2025-06-30",
        },
    )
    assert response.status_code == 302
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_CHANGE, object_id=str(created.pk))
    assert changes.count() == 2
    assert changes.first().fields == ["ends_on"]


def test_the_membership_form_offers_only_the_admins_own_people(admin_client, world):
    stranger = UserFactory(display_name="Stranger Elsewhere")
    MembershipFactory(user=stranger, role=Membership.Role.SCHOOL_STAFF, school=world.other_school)
    page = admin_client.get(reverse("schools:membership-create"))
    assert "Stranger Elsewhere" not in page.content.decode()
    assert "Dana Admin" in page.content.decode()

"""Inviting a person by email: an inactive account, its first membership, and the invitation in the outbox."""

import pytest
from django.urls import reverse

from schools.models import AuditEvent, Membership, Notification, User

pytestmark = pytest.mark.django_db

INVITE_URL = reverse("accounts:user-invite")


def invite_data(world, **overrides):
    data = {
        "email": "New.Teacher@District.example",
        "display_name": "Nia Newcomer",
        "title": "Grade 4 teacher",
        "phone": "555-0100",
        "role": Membership.Role.SCHOOL_STAFF,
        "district": world.district.pk,
        "school": world.school_a.pk,
        "agency": "",
    }
    data.update(overrides)
    return data


def test_it_creates_an_inactive_account_with_its_membership_and_one_invitation(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world))

    person = User.objects.get(email="new.teacher@district.example")
    assert response.status_code == 302
    # The people list, not the new person's page: the same page follows a role offered to an account of
    # another district, so the outcome never tells which emails have an account elsewhere.
    assert response.url == reverse("accounts:user-list")
    assert not person.is_active
    assert not person.has_usable_password()
    assert (person.display_name, person.title, person.phone, person.invited_by) == (
        "Nia Newcomer",
        "Grade 4 teacher",
        "555-0100",
        district_admin,
    )
    membership = person.memberships.get()
    assert (membership.role, membership.school, membership.district) == ("school_staff", world.school_a, None)
    assert membership.starts_on == world.district.local_today()
    assert membership.ends_on is None
    notification = Notification.objects.get(recipient=person)
    assert notification.kind == "invitation"
    assert notification.district == world.district
    assert "/district/invitation/" in notification.link
    assert notification.link in notification.body_text
    assert "Dana Admin" in notification.body_text


def test_the_invitation_is_audited_as_a_creation_and_a_permission_change(client, district_admin, world):
    client.force_login(district_admin)
    client.post(INVITE_URL, invite_data(world))
    person = User.objects.get(email="new.teacher@district.example")
    actions = set(AuditEvent.objects.filter(actor=district_admin).values_list("action", "object_type"))
    assert (AuditEvent.Action.CREATE, "schools.user") in actions
    assert (AuditEvent.Action.PERMISSION_CHANGE, "schools.membership") in actions
    assert AuditEvent.objects.filter(
        object_type="schools.user", object_id=str(person.pk), district=world.district
    ).exists()


def test_a_district_role_is_given_to_the_whole_district(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world, role=Membership.Role.DISTRICT_LEADER, school=""))
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.teacher@district.example")
    assert (membership.district, membership.school) == (world.district, None)


def test_an_email_already_in_use_in_any_case_is_refused_with_a_form_error(
    client, district_admin, school_a_staff, world
):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world, email="TEACHER.A@district.EXAMPLE"))
    assert response.status_code == 400
    assert (
        "Someone already has an account with this email address"
        in response.context["form"].errors["email"][0]
    )
    assert User.objects.filter(email__iexact="teacher.a@district.example").count() == 1
    assert not Notification.objects.exists()


def test_a_school_role_without_a_school_is_refused_on_the_school_field(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world, school=""))
    assert response.status_code == 400
    assert response.context["form"].errors["school"] == [
        "This role is held at one school; choose the school."
    ]
    assert not User.objects.filter(email="new.teacher@district.example").exists()


def test_an_officer_needs_their_agency(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world, role=Membership.Role.SRO))
    assert response.status_code == 400
    assert "agency" in response.context["form"].errors
    response = client.post(INVITE_URL, invite_data(world, role=Membership.Role.SRO, agency=world.agency.pk))
    assert response.status_code == 302
    assert Membership.objects.get(user__email="new.teacher@district.example").agency == world.agency


def test_a_school_admin_may_not_invite(client, school_a_admin, world):
    client.force_login(school_a_admin)
    assert client.get(INVITE_URL).status_code == 403
    assert client.post(INVITE_URL, invite_data(world)).status_code == 403
    assert not User.objects.filter(email="new.teacher@district.example").exists()


def test_a_school_of_another_district_is_not_a_choice(client, district_admin, world):
    client.force_login(district_admin)
    page = client.get(INVITE_URL)
    assert page.status_code == 200
    assert "School A" in page.content.decode()
    assert "Other District School" not in page.content.decode()

    response = client.post(INVITE_URL, invite_data(world, school=world.other_school.pk))
    assert response.status_code == 400
    assert "school" in response.context["form"].errors
    assert not User.objects.filter(email="new.teacher@district.example").exists()


def test_another_district_cannot_be_chosen_either(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(INVITE_URL, invite_data(world, district=world.other_district.pk, school=""))
    assert response.status_code == 400
    assert "district" in response.context["form"].errors


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(client, district_admin, world):
    client.force_login(district_admin)
    client.post(INVITE_URL, invite_data(world))
    person = User.objects.get(email="new.teacher@district.example")
    url = reverse("accounts:user-invite-resend", kwargs={"pk": person.pk})
    assert client.post(url).status_code == 302
    assert Notification.objects.filter(recipient=person, kind="invitation").count() == 2

    person.set_password("a chosen passphrase 2026")
    person.save()
    client.post(url)
    assert Notification.objects.filter(recipient=person, kind="invitation").count() == 2

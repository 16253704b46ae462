"""The people list and a person's page, as a district admin sees them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import Membership

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("accounts:user-list")


def add_people(world, n):
    for i in range(n):
        person = UserFactory(display_name=f"Staff {i:02d}")
        MembershipFactory(
            user=person,
            role=Membership.Role.SCHOOL_STAFF,
            school=(world.school_a, world.school_b, world.school_c)[i % 3],
        )


def queries_for_list(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_3_and_30_people(client, district_admin, world):
    client.force_login(district_admin)
    client.get(LIST_URL)  # warm the session and the per-process caches
    add_people(world, 3)
    at_3 = queries_for_list(client)
    add_people(world, 27)
    at_30 = queries_for_list(client)
    assert at_3 == at_30


def test_the_list_has_invite_and_import_buttons_for_a_district_admin(client, district_admin, world):
    client.force_login(district_admin)
    html = client.get(LIST_URL).content.decode()
    assert f'href="{reverse("accounts:user-invite")}"' in html
    assert f'href="{reverse("accounts:user-import")}"' in html
    assert "Invite someone" in html and "Import staff" in html


def test_the_list_shows_only_people_of_the_admins_district(client, district_admin, world):
    stranger = UserFactory(display_name="Stranger Elsewhere")
    MembershipFactory(user=stranger, role=Membership.Role.SCHOOL_STAFF, school=world.other_school)
    add_people(world, 2)
    client.force_login(district_admin)
    html = client.get(LIST_URL).content.decode()
    assert "Staff 00" in html and "Staff 01" in html
    assert "Stranger Elsewhere" not in html


def test_a_persons_page_lists_current_and_past_roles_with_the_account_buttons(client, district_admin, world):
    person = UserFactory(display_name="Morgan Many")
    current = MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    MembershipFactory(
        user=person,
        role=Membership.Role.COUNSELOR,
        school=world.school_b,
        starts_on=dt.date(2018, 8, 1),
        ends_on=dt.date(2019, 6, 30),
    )
    MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.other_school)
    client.force_login(district_admin)
    response = client.get(reverse("accounts:user-detail", kwargs={"pk": person.pk}))
    html = response.content.decode()

    assert response.status_code == 200
    assert "School staff" in html and "Counselor" in html
    assert "<strong>Current</strong>" in html and "<td>Ended</td>" in html
    assert "Other District School" not in html  # roles elsewhere are not this admin's to see
    assert reverse("accounts:membership-end", kwargs={"pk": current.pk}) in html
    # Morgan also works in another district: the account is not this admin's to deactivate, only the
    # roles in this district are theirs to end (issue 9; the button used to be shown).
    assert reverse("accounts:user-deactivate", kwargs={"pk": person.pk}) not in html
    assert "also has a role in another district" in html
    assert reverse("accounts:user-enable", kwargs={"pk": person.pk}) not in html  # already enabled


def test_a_person_of_this_district_only_has_the_account_buttons(client, district_admin, world):
    person = UserFactory(display_name="Morgan Local")
    MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    client.force_login(district_admin)
    html = client.get(reverse("accounts:user-detail", kwargs={"pk": person.pk})).content.decode()
    assert reverse("accounts:user-deactivate", kwargs={"pk": person.pk}) in html
    assert reverse("accounts:user-two-factor-reset", kwargs={"pk": person.pk}) in html
    assert reverse("accounts:user-update", kwargs={"pk": person.pk}) in html


def test_the_edit_page_changes_name_title_and_phone_only(client, district_admin, school_a_staff):
    client.force_login(district_admin)
    response = client.post(
        reverse("accounts:user-update", kwargs={"pk": school_a_staff.pk}),
        {
            "display_name": "Tess T. Teacher",
            "title": "Lead teacher",
            "phone": "555-0199",
            "email": "hijack@example.org",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    school_a_staff.refresh_from_db()
    assert (school_a_staff.display_name, school_a_staff.title, school_a_staff.phone) == (
        "Tess T. Teacher",
        "Lead teacher",
        "555-0199",
    )
    assert school_a_staff.email == "teacher.a@district.example"
    assert school_a_staff.is_active


def test_people_pages_are_not_for_school_admins(client, school_a_admin, school_a_staff):
    client.force_login(school_a_admin)
    html = client.get(LIST_URL).content.decode()
    assert "Tess Teacher" not in html
    assert reverse("accounts:user-invite") not in html
    assert client.get(reverse("accounts:user-detail", kwargs={"pk": school_a_staff.pk})).status_code == 404

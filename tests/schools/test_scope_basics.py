import pytest

from schools.models import Agency, AuditEvent, Building, CalendarDay, Membership, Notification, School, Term
from tests.scope_table import (
    make_agency,
    make_audit_event,
    make_building,
    make_calendar_day,
    make_membership,
    make_notification,
    make_school,
    make_term,
)
from tests.scoped_models import ScopedModelTests

pytestmark = pytest.mark.django_db


# --- Generated: in scope, other school, other district, and the permission matrix per action --------------


class TestSchoolScope(ScopedModelTests):
    model, make = School, make_school


class TestBuildingScope(ScopedModelTests):
    model, make = Building, make_building


class TestAgencyScope(ScopedModelTests):
    model, make = Agency, make_agency


class TestTermScope(ScopedModelTests):
    """Two steps to the district (school_year__district)."""

    model, make = Term, make_term


class TestCalendarDayScope(ScopedModelTests):
    """A school's closure is scoped by its school year's district, not by its school."""

    model, make = CalendarDay, make_calendar_day


class TestMembershipScope(ScopedModelTests):
    """Two scope paths (district, school__district): a school membership belongs to its school's district."""

    model, make = Membership, make_membership


class TestAuditEventScope(ScopedModelTests):
    model, make = AuditEvent, make_audit_event


class TestNotificationScope(ScopedModelTests):
    model, make = Notification, make_notification


# --- By hand ------------------------------------------------------------------------------------------


def test_a_school_admin_sees_only_their_school(school_a_admin, world):
    assert list(School.objects.for_user(school_a_admin, "view")) == [world.school_a]
    buildings = Building.objects.for_user(school_a_admin, "view")
    assert set(buildings.values_list("school", flat=True)) == {world.school_a.pk}


def test_a_district_admin_sees_every_school_of_their_district_only(district_admin, world):
    assert set(School.objects.for_user(district_admin, "view")) == {world.school_a, world.school_b, world.school_c}


def test_a_superuser_reads_no_school_records(superuser, world):
    assert not School.objects.for_user(superuser, "view").exists()


def test_an_ended_membership_counts_for_nothing(ended_membership_user):
    assert not School.objects.for_user(ended_membership_user, "view").exists()


def test_the_home_page_tells_a_person_without_a_role_whom_to_ask(client, no_membership, password):
    client.force_login(no_membership)
    response = client.get("/")
    assert b"no role in the portal yet" in response.content
    assert b"School A" not in response.content


def test_a_former_member_is_told_the_names_of_their_districts_admins(client, ended_membership_user, district_admin,
                                                                     world):
    client.force_login(ended_membership_user)
    page = client.get("/").content.decode()
    assert "no role in the portal yet" in page
    assert district_admin.display_name in page and f"mailto:{district_admin.email}" in page
    assert "School A" not in page


def test_other_schools_buildings_are_a_404(client, school_a_admin, world):
    client.force_login(school_a_admin)
    other = Building.objects.get(school=world.school_b)
    assert client.get(f"/district/buildings/{other.pk}/").status_code == 404
    own = Building.objects.get(school=world.school_a)
    assert client.get(f"/district/buildings/{own.pk}/").status_code == 200

"""The rules of the scoped CRUD base view, on the real models of schools/ (ARCHITECTURE.md, rules 4-6)."""

import datetime as dt

import factory
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.crud import ScopedModelForm, save_in_scope
from schools.models import Building, CalendarDay, Membership, School, SchoolYear, instructional_days
from tests.factories import BuildingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


NAMESPACES = {"user-list": "accounts", "switch-school": "portal"}


def url(name, obj=None):
    return reverse(f"{NAMESPACES.get(name, 'schools')}:{name}", kwargs={"pk": obj.pk} if obj is not None else None)


def building_at(school):
    return Building.objects.filter(school=school).first()


@pytest.fixture
def two_district_admin(world):
    """A consultant who administers both districts: every choice of both districts is open to them."""
    user = UserFactory(display_name="Two District Admin")
    MembershipFactory(user=user, role=Role.DISTRICT_ADMIN, district=world.district)
    MembershipFactory(user=user, role=Role.DISTRICT_ADMIN, district=world.other_district)
    return user


# --- 404 outside scope, 403 inside --------------------------------------------------------------


@pytest.mark.parametrize("page", ["building-detail", "building-update", "building-delete"])
def test_another_schools_building_is_a_404_on_every_page(client, school_a_admin, world, page):
    client.force_login(school_a_admin)
    assert client.get(url(page, building_at(world.school_b))).status_code == 404
    assert client.get(url(page, building_at(world.other_school))).status_code == 404


def test_an_sro_may_read_a_building_but_opening_its_edit_page_is_a_403(client, sro_two_schools, world):
    building = building_at(world.school_a)
    client.force_login(sro_two_schools)

    detail = client.get(url("building-detail", building))
    assert detail.status_code == 200
    assert url("building-update", building) not in detail.content.decode()
    assert client.get(url("building-update", building)).status_code == 403
    response = client.post(url("building-update", building), {"school": world.school_a.pk, "name": "X"})
    assert response.status_code == 403
    building.refresh_from_db()
    assert building.name == "Main building"


def test_a_school_admin_sees_the_edit_button_of_their_own_building(client, school_a_admin, world):
    building = building_at(world.school_a)
    client.force_login(school_a_admin)
    assert url("building-update", building) in client.get(url("building-detail", building)).content.decode()


def test_a_school_admin_is_refused_the_delete_page_and_sees_no_delete_button(client, school_a_admin, world):
    building = building_at(world.school_a)
    client.force_login(school_a_admin)
    detail = client.get(url("building-detail", building))
    assert url("building-delete", building) not in detail.content.decode()
    assert client.post(url("building-delete", building)).status_code == 403
    assert Building.objects.filter(pk=building.pk).exists()


def test_read_only_lists_offer_no_add_button(client, district_admin):
    client.force_login(district_admin)
    response = client.get(url("user-list"))
    assert response.status_code == 200
    assert response.context["can_add"] is False


# --- Forms narrow their choices and keep related rows consistent ------------------------------------


def test_a_school_admin_can_only_choose_their_own_school_for_a_building(client, school_a_admin, world):
    client.force_login(school_a_admin)
    form = client.get(url("building-create")).context["form"]
    assert list(form.fields["school"].queryset) == [world.school_a]

    response = client.post(url("building-create"), {"school": world.school_b.pk, "name": "Portable 1"})

    assert response.status_code == 400
    assert "school" in response.context["form"].errors
    assert not Building.objects.filter(name="Portable 1").exists()


def test_a_calendar_day_for_a_school_of_another_district_is_refused(client, two_district_admin, world):
    client.force_login(two_district_admin)
    response = client.post(url("calendarday-create"), {
        "school_year": world.year.pk, "school": world.other_school.pk, "date": "2026-10-12",
        "description": "Staff day"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"school_year": ["2026-27 belongs to another district."]}
    assert not CalendarDay.objects.exists()


def test_an_sro_membership_with_an_agency_of_another_district_is_refused(client, two_district_admin, world):
    from tests.factories import AgencyFactory

    officer = UserFactory()
    MembershipFactory(user=officer, role=Role.SCHOOL_STAFF, school=world.school_a)
    far_agency = AgencyFactory(district=world.other_district)
    client.force_login(two_district_admin)

    response = client.post(url("membership-create"), {
        "user": officer.pk, "role": Role.SRO, "school": world.school_a.pk, "agency": far_agency.pk,
        "starts_on": "2026-08-01"})

    assert response.status_code == 400
    assert "agency" in response.context["form"].errors
    assert not Membership.objects.filter(user=officer, role=Role.SRO).exists()


def test_the_membership_form_offers_only_people_of_the_admins_district(client, district_admin, world):
    outsider = UserFactory(display_name="Olga Outsider")
    MembershipFactory(user=outsider, role=Role.SCHOOL_STAFF, school=world.other_school)
    client.force_login(district_admin)

    form = client.get(url("membership-create")).context["form"]

    assert outsider not in form.fields["user"].queryset
    assert district_admin in form.fields["user"].queryset


class LeakyBuildingForm(ScopedModelForm):
    """A form with a bug: after narrowing, it offers every school again."""

    class Meta:
        model = Building
        fields = ["school", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.all()


def test_a_save_that_leaves_the_persons_scope_is_rolled_back(school_a_admin, world):
    building = building_at(world.school_a)
    request = RequestFactory().post("/")
    request.user = school_a_admin
    form = LeakyBuildingForm({"school": world.school_b.pk, "name": "Moved"}, instance=building,
                             user=school_a_admin)
    assert form.is_valid(), form.errors

    with pytest.raises(PermissionDenied):
        save_in_scope(request, form, "change")

    building.refresh_from_db()
    assert (building.school, building.name) == (world.school_a, "Main building")


# --- The school switcher -------------------------------------------------------------------------


def test_the_school_switcher_narrows_the_lists(client, district_admin, world):
    client.force_login(district_admin)
    assert {b.school for b in client.get(url("building-list")).context["page"]} == {
        world.school_a, world.school_b, world.school_c}

    response = client.post(url("switch-school"), {"school": world.school_b.pk, "next": url("building-list")})

    assert response.status_code == 302
    assert {b.school for b in client.get(url("building-list")).context["page"]} == {world.school_b}
    client.post(url("switch-school"), {"school": ""})
    assert len(client.get(url("building-list")).context["page"]) == 3


@pytest.mark.parametrize("forged", ["other_school", "school_b"])
def test_a_forged_switcher_value_is_a_404(client, school_a_admin, world, forged):
    client.force_login(school_a_admin)
    response = client.post(url("switch-school"), {"school": getattr(world, forged).pk})
    assert response.status_code == 404
    assert {b.school for b in client.get(url("building-list")).context["page"]} == {world.school_a}


def test_a_forged_switcher_value_in_the_session_shows_nothing_of_that_school(client, school_a_admin, world):
    client.force_login(school_a_admin)
    session = client.session
    session["selected_school_id"] = world.school_b.pk
    session.save()
    response = client.get(url("building-list"))
    assert {b.school for b in response.context["page"]} == {world.school_a}
    assert response.context["selected_school"] is None


def test_the_switcher_never_offers_a_school_out_of_scope(client, school_a_admin, world):
    client.force_login(school_a_admin)
    assert list(client.get(url("building-list")).context["switcher_schools"]) == [world.school_a]


# --- Query counts ------------------------------------------------------------------------------------


def _list_queries(client, count, world):
    Building.objects.exclude(name="Main building").delete()
    BuildingFactory.create_batch(count - 3, school=world.school_a,
                                 name=factory.Sequence(lambda n: f"Portable {n}"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("building-list"))
    assert len(response.context["rows"]) == min(count, 25)
    return len(queries)


def test_the_building_list_runs_as_many_queries_for_30_rows_as_for_3(client, district_admin, world):
    client.force_login(district_admin)
    client.get(url("building-list"))  # warm up: session, content types
    assert _list_queries(client, 3, world) == _list_queries(client, 30, world)


# --- School years and the instructional calendar ---------------------------------------------------


def _year_form(**overrides):
    data = {"name": "2027-28", "starts_on": "2027-07-01", "ends_on": "2028-06-30",
            "first_instructional_day": "2027-08-30", "last_instructional_day": "2028-06-09"}
    data.update(overrides)
    return data


def test_a_school_year_that_leaves_a_gap_gets_a_clear_error(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(url("schoolyear-create"),
                           _year_form(district=world.district.pk, starts_on="2027-07-05"))
    assert response.status_code == 400
    assert response.context["form"].errors["starts_on"] == [
        "2026-27 ends on 2027-06-30, so this year must start on 2027-07-01 (no gaps between school years)."]
    assert SchoolYear.objects.count() == 1


def test_a_school_year_that_overlaps_another_gets_a_clear_error(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(url("schoolyear-create"),
                           _year_form(district=world.district.pk, starts_on="2027-06-01"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "These dates overlap 2026-27 (2026-07-01 to 2027-06-30)."]


def test_the_next_contiguous_school_year_is_saved(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(url("schoolyear-create"), _year_form(district=world.district.pk))
    assert response.status_code == 302
    assert SchoolYear.objects.filter(district=world.district, name="2027-28").exists()


def test_a_school_year_cannot_be_put_in_another_district(client, district_admin, world):
    client.force_login(district_admin)
    response = client.post(url("schoolyear-create"), _year_form(district=world.other_district.pk))
    assert response.status_code == 400
    assert "district" in response.context["form"].errors


def test_instructional_days_skip_a_holiday_and_count_one_schools_make_up_day(world):
    thanksgiving_week = (dt.date(2026, 11, 23), dt.date(2026, 11, 29))  # Monday to Sunday
    for day in (26, 27):
        CalendarDay.objects.create(school_year=world.year, date=dt.date(2026, 11, day),
                                   description="Thanksgiving")
    CalendarDay.objects.create(school_year=world.year, school=world.school_a, date=dt.date(2026, 11, 28),
                               is_instructional=True, description="Snow make-up day")

    days_a = instructional_days(world.school_a, *thanksgiving_week)
    days_b = instructional_days(world.school_b, *thanksgiving_week)

    assert [d.day for d in days_b] == [23, 24, 25]
    assert [d.day for d in days_a] == [23, 24, 25, 28]


def test_instructional_days_start_on_the_first_day_of_school(world):
    days = instructional_days(world.school_a, dt.date(2026, 8, 24), dt.date(2026, 9, 4))
    assert days[0] == world.year.first_instructional_day
    assert len(days) == 5


# --- Membership rules give form errors, never a 500 ----------------------------------------------


@pytest.mark.parametrize("fields, field, message", [
    (dict(role=Role.SCHOOL_ADMIN, district="district", school="school_a"), "school",
     "Choose either a school or the whole district, not both."),
    (dict(role=Role.SRO, school="school_a"), "agency", "A school resource officer needs their agency."),
    (dict(role=Role.DISTRICT_ADMIN, school="school_a"), "school",
     "This role covers the whole district; leave the school empty."),
    (dict(role=Role.SCHOOL_STAFF, district="district"), "school",
     "This role is held at one school; choose the school."),
    (dict(role=Role.SCHOOL_STAFF, school="school_a", agency="agency"), "agency",
     "Only school resource officers and partner responders have an agency."),
    (dict(role=Role.SCHOOL_STAFF, school="school_a", ends_on="2026-01-01"), "ends_on",
     "The membership cannot end before it starts."),
    (dict(role=Role.RESPONDER, school="school_a", agency="agency"), "ends_on",
     "A responder's access needs an end date at most one year after it starts."),
    (dict(role=Role.RESPONDER, school="school_a", agency="agency", ends_on="2030-01-01"), "ends_on",
     "A responder's access needs an end date at most one year after it starts."),
    (dict(role=Role.RESPONDER, school="school_a"), "agency",
     "A partner responder needs the agency they answer for."),
], ids=["district-and-school", "sro-without-agency", "district-role-at-school", "school-role-for-district",
        "agency-for-non-sro", "ends-before-start", "responder-without-end", "responder-over-a-year",
        "responder-without-agency"])
def test_an_inconsistent_membership_is_a_form_error(client, district_admin, world, fields, field, message):
    person = UserFactory()
    MembershipFactory(user=person, role=Role.SCHOOL_STAFF, school=world.school_b)
    data = {"user": person.pk, "starts_on": "2026-08-01", **fields}
    for key in ("district", "school", "agency"):
        if key in data:
            data[key] = getattr(world, data[key]).pk
    client.force_login(district_admin)

    response = client.post(url("membership-create"), data)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert Membership.objects.filter(user=person).count() == 1


# --- The Django admin -----------------------------------------------------------------------------


def test_a_staff_account_that_is_not_a_superuser_is_refused_the_django_admin(client, world):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)  # password and second factor: only the superuser flag is missing
    response = client.get("/operator/", follow=True)
    assert response.status_code == 403
    assert response.redirect_chain[0][0].startswith("/operator/login/")


def test_a_verified_superuser_gets_into_the_django_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/operator/").status_code == 200



def test_list_urls_are_spelled_as_people_spell_them():
    assert reverse("schools:agency-list") == "/district/agencies/"
    assert reverse("schools:building-list") == "/district/buildings/"


def test_every_page_names_the_portals_icon(client, district_admin):
    client.force_login(district_admin)
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()
    client.logout()
    assert client.get(reverse("login")).content.decode().count('rel="icon"') == 1


# --- Records cannot be damaged by accident ----------------------------------------------------------


def test_a_school_year_that_has_begun_cannot_be_deleted_but_a_future_one_can(client, district_admin, world):
    client.force_login(district_admin)
    begun = world.year  # 2026-27, begun on 1 July 2026
    response = client.post(url("schoolyear-delete", begun))
    assert response.status_code == 409
    assert "has begun: it holds the records of its days" in response.content.decode()
    assert SchoolYear.objects.filter(pk=begun.pk).exists()

    future = SchoolYear.objects.create(district=world.district, name="2099-00", starts_on=dt.date(2099, 7, 1),
                                       ends_on=dt.date(2100, 6, 30), first_instructional_day=dt.date(2099, 9, 1),
                                       last_instructional_day=dt.date(2100, 6, 10))
    assert client.post(url("schoolyear-delete", future)).status_code == 302
    assert not SchoolYear.objects.filter(pk=future.pk).exists()

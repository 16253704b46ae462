"""Dates are sane when a drill is planned: inside a school year, a weekend / day off / night hour only once
confirmed, year 9999 a form error (never a 500), nothing saved while the form is refused."""

import pytest

from drills.models import Drill
from schools.models import CalendarDay

from .factories import kind

pytestmark = pytest.mark.django_db

NEW = "/drills/drills/new/"


def plan(client, world, when, **extra):
    data = {"school": world.school_a.pk, "kind": kind("fire_evacuation").pk, "planned_start": when, **extra}
    return client.post(NEW, data)


def errors_of(response):
    return " ".join(response.context["form"].errors.get("planned_start", []))


def test_a_weekday_in_school_hours_is_planned(client, world, school_a_admin):
    client.force_login(school_a_admin)
    assert plan(client, world, "2026-10-13T10:00").status_code == 302  # a Tuesday
    assert Drill.objects.filter(school=world.school_a).count() == 1


@pytest.mark.parametrize("when, says", [
    ("2026-10-10T10:00", "is a Saturday"),
    ("2026-10-13T02:30", "02:30 is outside school hours"),
])
def test_an_unusual_day_or_hour_asks_for_confirmation_and_then_saves(client, world, school_a_admin, when, says):
    client.force_login(school_a_admin)
    response = plan(client, world, when)
    assert response.status_code == 400
    assert says in errors_of(response) and "tick the box below" in errors_of(response)
    assert not Drill.objects.exists()
    assert plan(client, world, when, confirm_unusual="on").status_code == 302
    assert Drill.objects.count() == 1


def test_a_district_day_off_is_named(client, world, school_a_admin):
    CalendarDay.objects.create(school_year=world.year, date="2026-11-26", description="Thanksgiving")
    client.force_login(school_a_admin)
    response = plan(client, world, "2026-11-26T10:00")
    assert response.status_code == 400
    assert "is a day off (Thanksgiving)" in errors_of(response)


def test_a_make_up_day_on_a_weekend_is_not_unusual(client, world, school_a_admin):
    CalendarDay.objects.create(school_year=world.year, date="2026-10-10", description="Make-up day",
                               is_instructional=True)
    client.force_login(school_a_admin)
    assert plan(client, world, "2026-10-10T10:00").status_code == 302


@pytest.mark.parametrize("when", ["2031-03-04T10:00", "9999-12-31T10:00"])
def test_a_date_outside_every_school_year_is_a_form_error(client, world, school_a_admin, when):
    client.force_login(school_a_admin)
    response = plan(client, world, when, confirm_unusual="on")
    assert response.status_code == 400
    assert errors_of(response)
    assert not Drill.objects.exists()

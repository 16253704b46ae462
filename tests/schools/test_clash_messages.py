"""A unique-constraint clash is a sentence a person understands, never a constraint's name."""

import pytest
from django.urls import reverse

from schools.models import CalendarDay

pytestmark = pytest.mark.django_db


def post_day(client, world, **extra):
    data = {"school_year": world.year.pk, "date": "2026-11-27", "description": "Day after Thanksgiving", **extra}
    return client.post(reverse("schools:calendarday-create"), data)


@pytest.mark.parametrize("school", [None, "school_a"])
def test_a_day_already_in_the_calendar_is_said_in_words(client, world, district_admin, school):
    extra = {"school": getattr(world, school).pk} if school else {}
    client.force_login(district_admin)
    assert post_day(client, world, **extra).status_code == 302

    response = post_day(client, world, description="Again", **extra)

    assert response.status_code == 400
    page = response.content.decode()
    where = "School A" if school else "the whole district"
    assert f"27 Nov 2026 is already in the calendar of {where}" in page
    assert "calendar_day_unique" not in page and "Constraint" not in page
    assert CalendarDay.objects.count() == 1


@pytest.mark.parametrize("url_name, data, message", [
    ("schools:building-create", {"name": "Main building"}, "already has a building named"),
    ("schools:agency-create", {"name": "Ann Arbor Police", "kind": "police"}, "already has an agency named"),
])
def test_other_name_clashes_are_sentences(client, world, district_admin, url_name, data, message):
    client.force_login(district_admin)
    if url_name == "schools:building-create":
        data = {**data, "school": world.school_a.pk, "name": world.school_a.buildings.first().name}
    else:
        data = {**data, "district": world.district.pk, "name": world.agency.name}
    response = client.post(reverse(url_name), data)
    assert response.status_code == 400
    assert message in response.content.decode()

"""The drill list: scoped, filterable by school, kind, status and dates, paginated, without N+1."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drills.models import Drill

from .factories import held, planned

pytestmark = pytest.mark.django_db
URL = "/drills/drills/"


def _make(world, n):
    for i in range(n):
        held(world.school_a, dt.date(2026, 9, 1) + dt.timedelta(days=i), "lockdown" if i % 2 else "fire_evacuation")


def _count(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_list_runs_as_many_queries_for_30_rows_as_for_3(client, world, school_a_admin):
    client.force_login(school_a_admin)
    _make(world, 3)
    few, _ = _count(client)
    _make(world, 27)
    many, response = _count(client)
    assert few == many
    assert response.content.count(b'href="/drills/drills/') >= 25


def test_it_shows_only_the_persons_schools(client, world, school_a_admin):
    held(world.school_a, dt.date(2026, 9, 10))
    held(world.school_b, dt.date(2026, 9, 11))
    client.force_login(school_a_admin)
    body = client.get(URL).content.decode()
    assert "School A" in body and "School B" not in body


@pytest.mark.parametrize(("query", "expected"), [
    ("status=planned", {"planned"}),
    ("status=completed", {"sept", "oct"}),
    ("date_from=2026-10-01", {"oct", "planned"}),
    ("date_to=2026-09-30", {"sept"}),
    ("date_from=2026-09-01&date_to=2026-10-31", {"sept", "oct"}),
])
def test_it_filters_by_status_and_local_dates(client, world, school_a_admin, query, expected):
    made = {"sept": held(world.school_a, dt.date(2026, 9, 30)),  # 10:00 in Detroit, 14:00 UTC
            "oct": held(world.school_a, dt.date(2026, 10, 1), "lockdown"),
            "planned": planned(world.school_a, dt.date(2026, 11, 20))}
    client.force_login(school_a_admin)
    _, response = _count(client, f"{URL}?{query}")
    shown = {name for name, drill in made.items() if f'href="/drills/drills/{drill.pk}/"' in response.content.decode()}
    assert shown == expected


def test_it_filters_by_kind_and_school(client, world, district_admin):
    fire = held(world.school_a, dt.date(2026, 9, 10))
    lockdown = held(world.school_b, dt.date(2026, 9, 10), "lockdown")
    client.force_login(district_admin)
    body = client.get(f"{URL}?kind={lockdown.kind_id}").content.decode()
    assert f"/drills/drills/{lockdown.pk}/" in body and f"/drills/drills/{fire.pk}/" not in body
    body = client.get(f"{URL}?school={world.school_a.pk}").content.decode()
    assert f"/drills/drills/{fire.pk}/" in body and f"/drills/drills/{lockdown.pk}/" not in body


def test_an_empty_list_says_what_to_do(client, world, school_a_admin):
    client.force_login(school_a_admin)
    assert "Plan the first drill" in client.get(URL).content.decode()


def test_every_list_filter_has_an_index():
    indexed = {tuple(index.fields)[0].lstrip("-") for index in Drill._meta.indexes}
    assert {"school", "kind", "status", "actual_start"} <= indexed

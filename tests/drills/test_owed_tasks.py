"""The work drills says is owed, on My tasks (drills/owed.py through Integration.owed_tasks), on the drill
list's "Waiting for" filter and on the drill's own state: it appears when owed and goes when done."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drills.models import Drill

from .factories import held, planned

pytestmark = pytest.mark.django_db

MY_TASKS = "/district/my-tasks/"


def drills_owed(response):
    """Drills' own owed tasks (other apps add theirs: compliance's actions at risk, for one)."""
    return [item for item in response.context["owed"] if item.task.url.startswith("/drills/")]


def owed_titles(client):
    response = client.get(MY_TASKS)
    assert response.status_code == 200
    return [item.task.title for item in drills_owed(response)]


def past_day(days=3):
    return timezone.localdate() - dt.timedelta(days=days)


def test_a_planned_drill_past_its_time_asks_the_school_admin_for_its_results(client, world, school_a_admin):
    drill = planned(world.school_a, past_day())
    future = planned(world.school_a, timezone.localdate() + dt.timedelta(days=10))
    client.force_login(school_a_admin)

    response = client.get(MY_TASKS)

    owed = drills_owed(response)
    assert [item.task.url for item in owed] == [reverse("drills:drill-record", args=[drill.pk])]
    assert "Waiting for you" in response.content.decode()
    assert owed[0].overdue and owed[0].task.school == world.school_a
    assert future.pk != drill.pk


def test_results_recorded_turn_into_a_log_to_sign_then_a_countersignature_for_the_sro(
        client, world, school_a_admin, sro_two_schools):
    drill = planned(world.school_a, past_day())
    client.force_login(school_a_admin)
    assert owed_titles(client)[0].startswith("Record the results")

    start = drill.planned_start
    Drill.objects.filter(pk=drill.pk).update(status=Drill.Status.COMPLETED, actual_start=start,
                                             actual_end=start + dt.timedelta(minutes=10),
                                             no_attacker_roleplay_confirmed=True)
    titles = owed_titles(client)
    assert len(titles) == 1 and titles[0].startswith("Sign the log")

    client.force_login(sro_two_schools)
    assert owed_titles(client) == []  # nothing to countersign before the school admin signs

    drill.refresh_from_db()
    drill.sign_off(by=school_a_admin)
    client.force_login(school_a_admin)
    assert owed_titles(client) == []
    client.force_login(sro_two_schools)
    titles = owed_titles(client)
    assert len(titles) == 1 and titles[0].startswith("Countersign the log")

    drill.refresh_from_db()
    drill.countersign(by=sro_two_schools, note="Observed.")
    assert owed_titles(client) == []


def test_owed_work_follows_scope_and_permission(client, world, school_b_admin, school_a_staff):
    planned(world.school_a, past_day())
    held(world.school_a, past_day(5))
    for person in (school_b_admin, school_a_staff):  # another school; a teacher who cannot record or sign
        client.force_login(person)
        assert owed_titles(client) == []


def test_my_tasks_reads_owed_drills_in_the_same_number_of_queries_at_two_sizes(client, world, school_a_admin):
    client.force_login(school_a_admin)

    def count(n):
        for i in range(n):
            planned(world.school_a, past_day(2 + i))
            held(world.school_a, past_day(40 + i))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MY_TASKS).status_code == 200
        return len(ctx)

    assert count(2) == count(20)


def test_the_drill_list_filters_by_what_a_drill_waits_for_and_flags_a_past_plan(client, world, school_a_admin):
    past = planned(world.school_a, past_day())
    to_sign = held(world.school_a, past_day(8))
    signed = held(world.school_a, past_day(9))
    signed.sign_off(by=school_a_admin)
    client.force_login(school_a_admin)

    def listed(waiting):
        response = client.get(reverse("drills:drill-list"), {"waiting": waiting})
        assert response.status_code == 200
        return {d.pk for d in response.context["page"].object_list}

    assert listed("results") == {past.pk}
    assert listed("sign_off") == {to_sign.pk}
    assert listed("countersignature") == {signed.pk}
    page = client.get(reverse("drills:drill-list")).content.decode()
    assert page.count("Past its planned time") == 1
    detail = client.get(reverse("drills:drill-detail", args=[past.pk])).content.decode()
    assert "Past its planned time" in detail

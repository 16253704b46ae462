"""My tasks (portal/followups.py, portal/views_tasks.py), proven with the test-only FakeFollowUp."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import followups
from schools.models import AuditEvent
from tests.factories import UserFactory
from tests.testapp.models import FakeFollowUp

pytestmark = pytest.mark.django_db

URL = "/district/my-tasks/"


def task(school, owner, title, days_from_today, **extra):
    today = school.district.local_today()
    return FakeFollowUp.objects.create(school=school, owner=owner, title=title,
                                       due_on=today + dt.timedelta(days=days_from_today), **extra)


def done_url(row):
    return reverse("portal:task-done", args=["testapp.fakefollowup", row.pk])


def titles(response):
    return [t.title for t in response.context["page"].object_list]


def test_my_tasks_is_in_everyones_navigation(client, school_a_staff, sro_two_schools):
    assert reverse("portal:my-tasks") == URL
    for person in (school_a_staff, sro_two_schools):
        client.force_login(person)
        assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_it_lists_my_open_tasks_overdue_first_with_a_link_to_each(client, school_a_staff, world):
    task(world.school_a, school_a_staff, "Replace the fire door closer", 10)
    task(world.school_a, school_a_staff, "Post the evacuation map", -3)
    task(world.school_a, school_a_staff, "Already done", -5, done_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    task(world.school_a, school_a_staff, "Train the substitutes", 2)
    client.force_login(school_a_staff)
    response = client.get(URL)
    assert titles(response) == ["Post the evacuation map", "Train the substitutes",
                                "Replace the fire door closer"]
    html = response.content.decode()
    assert "Overdue by 3 days" in html
    assert "1 task is overdue." in html
    assert f'href="/district/schools/{world.school_a.pk}/">Post the evacuation map</a>' in html


def test_a_person_does_not_see_tasks_of_others(client, school_a_staff, world):
    task(world.school_a, UserFactory(), "Someone else's task", 1)
    client.force_login(school_a_staff)
    response = client.get(URL)
    assert titles(response) == []
    assert "Nothing to do" in response.content.decode()


def test_a_school_admin_sees_every_open_task_of_their_school_but_not_of_others(client, school_a_admin,
                                                                                school_a_staff, world):
    task(world.school_a, school_a_staff, "Staff task at A", 1)
    task(world.school_a, school_a_admin, "My own task", 5)
    task(world.school_b, UserFactory(), "Task at B", 1)
    client.force_login(school_a_admin)
    assert titles(client.get(URL)) == ["Staff task at A", "My own task"]
    assert titles(client.get(URL, {"show": "mine"})) == ["My own task"]
    assert titles(client.get(URL, {"show": "schools"})) == ["Staff task at A", "My own task"]


def test_the_overdue_filter_keeps_only_late_tasks(client, school_a_staff, world):
    task(world.school_a, school_a_staff, "Late", -1)
    task(world.school_a, school_a_staff, "Not yet", 1)
    client.force_login(school_a_staff)
    assert titles(client.get(URL, {"overdue": "on"})) == ["Late"]


def test_overdue_is_judged_by_the_districts_own_today(world, school_a_staff):
    today = world.district.local_today()
    row = task(world.school_a, school_a_staff, "Due today", 0)
    [item] = followups.tasks_for(school_a_staff, school_a_staff.active_memberships())
    assert item.today == today and not item.is_overdue
    assert row.is_overdue(today + dt.timedelta(days=1))


def test_the_query_count_does_not_grow_with_the_number_of_tasks(client, school_a_admin, school_a_staff,
                                                                world):
    for i in range(3):
        task(world.school_a, school_a_staff, f"Task {i}", i - 1)
    client.force_login(school_a_admin)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert len(titles(client.get(URL))) == 3
    for i in range(27):
        task(world.school_a, UserFactory(), f"More {i}", i)
    with CaptureQueriesContext(connection) as many:
        assert len(titles(client.get(URL))) == 25
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_owner_marks_a_task_done_with_an_evidence_note(client, school_a_staff, world):
    row = task(world.school_a, school_a_staff, "Post the evacuation map", -1)
    client.force_login(school_a_staff)
    assert client.get(done_url(row)).status_code == 200
    response = client.post(done_url(row), {"evidence_note": "Maps posted in every classroom."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.is_done and row.done_by == school_a_staff
    assert row.evidence_note == "Maps posted in every classroom."
    assert AuditEvent.objects.filter(action="update", object_type="testapp.fakefollowup",
                                     object_id=str(row.pk), actor=school_a_staff).exists()
    assert titles(client.get(URL)) == []


def test_marking_done_needs_an_evidence_note(client, school_a_staff, world):
    row = task(world.school_a, school_a_staff, "Post the evacuation map", -1)
    client.force_login(school_a_staff)
    response = client.post(done_url(row), {"evidence_note": "  "})
    assert response.status_code == 400
    assert "Say briefly what was done, or attach the evidence." in response.content.decode()
    row.refresh_from_db()
    assert not row.is_done


def test_a_photo_alone_is_evidence_enough(client, school_a_staff, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    row = task(world.school_a, school_a_staff, "Photograph the repaired door", -1)
    client.force_login(school_a_staff)
    photo = SimpleUploadedFile("door photo.png", buffer.getvalue(), content_type="image/png")
    assert client.post(done_url(row), {"evidence_note": "", "evidence_file": photo}).status_code == 302
    row.refresh_from_db()
    assert row.is_done and row.evidence_file.name.endswith(".png")
    assert "door photo" not in row.evidence_file.name  # stored under a generated name
    event = AuditEvent.objects.get(action="update", object_id=str(row.pk))
    assert "evidence_file" in event.fields


def test_a_file_the_upload_gate_refuses_is_an_error_on_the_field(client, school_a_staff, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    row = task(world.school_a, school_a_staff, "Post the map", -1)
    client.force_login(school_a_staff)
    page = SimpleUploadedFile("map.html", b"<html><script>alert(1)</script></html>", content_type="text/html")
    response = client.post(done_url(row), {"evidence_note": "Posted", "evidence_file": page})
    assert response.status_code == 400
    row.refresh_from_db()
    assert not row.is_done


def test_a_school_admin_may_close_a_task_of_their_school(client, school_a_admin, school_a_staff, world):
    row = task(world.school_a, school_a_staff, "Staff task", 1)
    client.force_login(school_a_admin)
    assert client.post(done_url(row), {"evidence_note": "Checked on the walk-through."}).status_code == 302
    row.refresh_from_db()
    assert row.done_by == school_a_admin


def test_another_schools_task_is_a_404_on_done(client, school_a_admin, school_b_admin, world):
    row = task(world.school_b, school_b_admin, "Task at B", 1)
    client.force_login(school_a_admin)
    assert client.get(done_url(row)).status_code == 404
    assert client.post(done_url(row), {"evidence_note": "Not mine"}).status_code == 404
    row.refresh_from_db()
    assert not row.is_done
    assert AuditEvent.objects.filter(action="denied_404", object_type="testapp.fakefollowup").exists()


def test_someone_who_sees_a_task_but_neither_owns_it_nor_runs_the_school_gets_a_403(client, district_admin,
                                                                                    school_a_staff, world):
    row = task(world.school_a, school_a_staff, "Staff task", 1)
    client.force_login(district_admin)
    assert client.post(done_url(row), {"evidence_note": "x" * 10}).status_code == 403
    row.refresh_from_db()
    assert not row.is_done


def test_an_unknown_kind_of_task_is_a_404(client, school_a_staff, world):
    client.force_login(school_a_staff)
    assert client.get(reverse("portal:task-done", args=["nope.nothing", 1])).status_code == 404


def test_registering_refuses_a_model_that_is_not_a_scoped_follow_up():
    from schools.models import Building, SentReminder

    with pytest.raises(TypeError):
        followups.register(SentReminder, label="x", link=str)
    with pytest.raises(Exception):  # noqa: B017 - FieldDoesNotExist: Building is not a FollowUp
        followups.register(Building, label="x", link=str)

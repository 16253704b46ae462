"""Scheduled district reports: rows of django-celery-beat's database scheduler, sent once per period."""

import datetime as dt
import json

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from compliance import schedules, services
from compliance.models import GeneratedDocument, ReportSchedule
from schools.models import AuditEvent, Notification, SentReminder
from tests.conftest import Role, _person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def second_leader(world):
    return _person("leader2@district.example", "Lou Second", dict(role=Role.DISTRICT_LEADER, district=world.district))


def form_data(**overrides):
    data = {"frequency": "quarterly", "day_of_month": "5", "language": "en", "is_active": "on"}
    data.update(overrides)
    return data


def test_an_admin_schedules_a_report_as_an_editable_beat_row(client, world, district_admin, district_leader,
                                                             second_leader):
    client.force_login(district_admin)
    page = client.get(reverse("compliance:reportschedule-create")).content.decode()
    assert "Lee Leader" in page and "Lou Second" in page and "Dana Admin" in page
    response = client.post(reverse("compliance:reportschedule-create"),
                           form_data(recipients=[district_leader.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = ReportSchedule.objects.get()
    assert schedule.district == world.district and schedule.created_by == district_admin
    assert list(schedule.recipients.all()) == [district_leader]
    task = schedule.periodic_task
    assert task.name == f"compliance-report-schedule-{schedule.pk}"
    assert task.task == "compliance.scheduled_report_send" and json.loads(task.args) == [schedule.pk]
    assert task.enabled and task.crontab is not None and task.interval is None
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_month, cron.month_of_year, cron.day_of_week) == (
        "0", "6", "5", "1,4,7,10", "*")
    assert str(cron.timezone) == "America/Detroit"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=district_admin,
                                     object_id=str(schedule.pk)).exists()
    # Never in the code schedule.
    assert all(entry["task"] != schedules.TASK_NAME for entry in django_settings.CELERY_BEAT_SCHEDULE.values())

    # Edited: the same beat row follows, on a new crontab; the old one is dropped.
    response = client.post(reverse("compliance:reportschedule-update", args=[schedule.pk]),
                           form_data(frequency="monthly", day_of_month="12",
                                     recipients=[district_leader.pk, second_leader.pk], is_active=""))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.pk == ReportSchedule.objects.get().periodic_task_id
    assert (task.crontab.day_of_month, task.crontab.month_of_year, task.enabled) == ("12", "*", False)
    assert CrontabSchedule.objects.filter(day_of_month="5", hour="6").count() == 0

    # Deleted: its beat rows go with it.
    response = client.post(reverse("compliance:reportschedule-delete", args=[schedule.pk]))
    assert response.status_code == 302
    assert not ReportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(task=schedules.TASK_NAME).exists()
    assert not CrontabSchedule.objects.filter(hour="6", day_of_month="12").exists()


def test_the_schedule_form_says_what_is_wrong(client, world, district_admin, district_leader, school_a_admin):
    client.force_login(district_admin)
    url = reverse("compliance:reportschedule-create")
    response = client.post(url, form_data(day_of_month="29", recipients=[district_leader.pk]))
    assert response.status_code == 400 and "28" in response.content.decode()
    response = client.post(url, form_data())
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    # A school's principal is not offered: the report goes to district leaders and admins.
    response = client.post(url, form_data(recipients=[school_a_admin.pk]))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not ReportSchedule.objects.exists() and not PeriodicTask.objects.filter(task=schedules.TASK_NAME).exists()


def test_only_district_admins_schedule_and_only_their_districts(client, world, district_leader, district_admin):
    client.force_login(district_leader)
    assert client.get(reverse("compliance:reportschedule-create")).status_code == 403
    other_admin = _person("admin@other.example", "Otto Other",
                          dict(role=Role.DISTRICT_ADMIN, district=world.other_district))
    schedule = ReportSchedule.objects.create(district=world.district, created_by=district_admin)
    client.force_login(other_admin)
    assert client.get(reverse("compliance:reportschedule-update", args=[schedule.pk])).status_code == 404


def make_schedule(world, admin, *recipients, frequency="monthly"):
    schedule = ReportSchedule.objects.create(district=world.district, frequency=frequency, day_of_month=1,
                                             created_by=admin)
    schedule.recipients.set(recipients)
    schedules.sync(schedule)
    return schedule


def test_the_schedule_sends_to_the_chosen_leaders_once_per_period(world, district_admin, district_leader,
                                                                  second_leader, django_capture_on_commit_callbacks):
    schedule = make_schedule(world, district_admin, district_leader, district_admin)
    day = dt.date(2026, 11, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedules.send(schedule.pk, local_day=day) == 2
    documents = GeneratedDocument.objects.filter(schedule=schedule).order_by("requested_by__display_name")
    assert [d.requested_by for d in documents] == [district_admin, district_leader]
    assert all(d.kind == "district_report" and d.school is None and d.school_year == world.year for d in documents)
    # Rendered (eagerly here) and each recipient emailed a link to their own copy; the second leader, not
    # chosen, gets nothing.
    assert {d.status for d in documents} == {GeneratedDocument.Status.READY}
    for document in documents:
        notification = Notification.objects.get(recipient=document.requested_by, kind="compliance.document_ready")
        assert notification.link.endswith(reverse("compliance:document-detail", args=[document.pk]))
    assert not Notification.objects.filter(recipient=second_leader).exists()
    # The same month again (beat restarted, a duplicate message, a later day): nothing more.
    assert schedules.send(schedule.pk, local_day=day) == 0
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 11, 20)) == 0
    assert GeneratedDocument.objects.filter(schedule=schedule).count() == 2
    assert SentReminder.objects.filter(kind=schedules.LEDGER_KIND, subject=f"schedule:{schedule.pk}",
                                       milestone_date=day).count() == 2
    # The next month sends again.
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 12, 1)) == 2


def test_a_quarterly_schedule_sends_once_per_quarter(world, district_admin, district_leader):
    schedule = make_schedule(world, district_admin, district_leader, frequency="quarterly")
    assert schedules.period_start(schedule, dt.date(2026, 11, 20)) == dt.date(2026, 10, 1)
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 10, 1)) == 1
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 12, 1)) == 0
    assert schedules.send(schedule.pk, local_day=dt.date(2027, 1, 1)) == 1


def test_a_recipient_who_lost_the_role_or_a_paused_schedule_gets_nothing(world, district_admin, district_leader,
                                                                        second_leader):
    schedule = make_schedule(world, district_admin, district_leader, second_leader)
    second_leader.memberships.update(ends_on=dt.date(2026, 1, 1), starts_on=dt.date(2025, 1, 1))
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 11, 1)) == 1
    assert not GeneratedDocument.objects.filter(requested_by=second_leader).exists()
    ReportSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    assert schedules.send(schedule.pk, local_day=dt.date(2026, 12, 1)) == 0


def test_the_beat_task_runs_the_schedule(world, district_admin, district_leader):
    from compliance.tasks import scheduled_report_send

    schedule = make_schedule(world, district_admin, district_leader)
    assert scheduled_report_send.acks_late
    scheduled_report_send.apply(args=[schedule.pk])
    assert GeneratedDocument.objects.filter(schedule=schedule, requested_by=district_leader).count() == 1
    scheduled_report_send.apply(args=[schedule.pk])
    assert GeneratedDocument.objects.filter(schedule=schedule).count() == 1


def test_a_scheduled_report_in_spanish(world, district_admin, district_leader):
    schedule = make_schedule(world, district_admin, district_leader)
    ReportSchedule.objects.filter(pk=schedule.pk).update(language="es")
    schedules.send(schedule.pk, local_day=dt.date(2026, 11, 1))
    assert GeneratedDocument.objects.get(schedule=schedule).language == "es"
    assert services.document_language("es-mx") == "es" and services.document_language("fr") in {"en", "es"}

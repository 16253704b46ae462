"""Scheduled compliance reports: rows of django-celery-beat's database scheduler, owned by ``ReportSchedule``.

A district admin's schedule is one ``PeriodicTask`` (task ``compliance.scheduled_report_send``, the
schedule's id as its argument) on a ``CrontabSchedule`` in the district's time zone: early morning on the
chosen day, every month or in January, April, July and October. ``sync`` writes both in the caller's
transaction whenever the schedule is saved; deleting the schedule deletes them (``ReportSchedule.delete``).
Nothing of it is in ``settings.CELERY_BEAT_SCHEDULE``.

A run (``send``) works out the period it belongs to (the month, or the quarter, in the district's time
zone) and, for each chosen person who is still a district leader or admin of the district, claims the
ledger key (recipient, kind, ``schedule:<id>``, first day of the period) in ``SentReminder`` and requests
the district report in the same transaction. A second run in the same period (beat restarted, a manual
run, a duplicate message) claims nothing and requests nothing.
"""

import datetime as dt
import json
import logging

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal import notifications
from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER
from schools.models import Membership, SchoolYear

from .models import ReportSchedule

logger = logging.getLogger(__name__)

TASK_NAME = "compliance.scheduled_report_send"
LEDGER_KIND = "compliance.scheduled_report"
SEND_HOUR = 6  # district time
QUARTER_MONTHS = "1,4,7,10"
# Who may receive a scheduled district report: those the matrix lets read it district-wide.
RECIPIENT_ROLES = (DISTRICT_LEADER, DISTRICT_ADMIN)


def task_name_for(schedule: ReportSchedule) -> str:
    return f"compliance-report-schedule-{schedule.pk}"


def sync(schedule: ReportSchedule) -> PeriodicTask:
    """Create or update the schedule's beat rows (call inside the transaction that saves it)."""
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour=str(SEND_HOUR), day_of_month=str(schedule.day_of_month),
        month_of_year=QUARTER_MONTHS if schedule.frequency == ReportSchedule.Frequency.QUARTERLY else "*",
        day_of_week="*", timezone=schedule.district.time_zone)
    values = {"crontab": crontab, "interval": None, "task": TASK_NAME, "args": json.dumps([schedule.pk]),
              "enabled": schedule.is_active, "description": str(schedule)[:200],
              # A run that waits in the queue past its day is dropped; the next period sends again.
              "expire_seconds": 20 * 3600}
    task = schedule.periodic_task
    if task is None:
        task = PeriodicTask.objects.create(name=task_name_for(schedule), **values)
        ReportSchedule.objects.filter(pk=schedule.pk).update(periodic_task=task)
        schedule.periodic_task = task
    else:
        for field, value in values.items():
            setattr(task, field, value)
        task.save()
    _drop_unused_crontabs()
    return task


def _drop_unused_crontabs():
    CrontabSchedule.objects.filter(periodictask__isnull=True, minute="0", hour=str(SEND_HOUR)).delete()


def unsync(periodic_task_id) -> None:
    PeriodicTask.objects.filter(pk=periodic_task_id).delete()
    _drop_unused_crontabs()


def schedule_deleted(sender, instance, **kwargs):
    """post_delete of ReportSchedule (connected in apps.py): its beat rows go with it, cascades included."""
    if instance.periodic_task_id:
        unsync(instance.periodic_task_id)


def period_start(schedule: ReportSchedule, local_day: dt.date) -> dt.date:
    """The first day of the month (or of the quarter) that ``local_day`` falls in."""
    if schedule.frequency == ReportSchedule.Frequency.QUARTERLY:
        return dt.date(local_day.year, 3 * ((local_day.month - 1) // 3) + 1, 1)
    return local_day.replace(day=1)


def eligible_recipients(schedule: ReportSchedule) -> list:
    """The chosen people still holding, today, a district-wide role that reads the report."""
    chosen = list(schedule.recipients.filter(is_active=True))
    if not chosen:
        return []
    today = schedule.district.local_today()
    active = {m.user_id for m in Membership.objects.filter(
        district=schedule.district, user__in=chosen, role__in=RECIPIENT_ROLES) if m.is_active_on(today)}
    return [user for user in chosen if user.pk in active]


def send(schedule_id: int, *, local_day: dt.date | None = None) -> int:
    """One run of a schedule: request the district report for each recipient not yet sent this period.

    Returns how many reports it requested. The render emails each recipient a link when ready.
    """
    from . import services

    schedule = ReportSchedule.objects.select_related("district").filter(pk=schedule_id).first()
    if schedule is None or not schedule.is_active:
        logger.info("Report schedule %s is gone or paused; nothing sent", schedule_id)
        return 0
    district = schedule.district
    local_day = local_day or district.local_today()
    period = period_start(schedule, local_day)
    school_year = SchoolYear.objects.filter(district=district).containing(local_day).first()
    requested = 0
    for user in eligible_recipients(schedule):
        with transaction.atomic():
            if not notifications.reminder_claim(recipient=user, kind=LEDGER_KIND, subject=f"schedule:{schedule.pk}",
                                                milestone_date=period):
                continue
            services.document_request(kind="district_report", district=district, school_year=school_year,
                                      by=user, language=schedule.language, schedule=schedule)
            requested += 1
    return requested

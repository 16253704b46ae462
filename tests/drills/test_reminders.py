"""Drill reminders ride the daily digest at the district's local hour, through the reminder ledger:
each is sent once, a rescheduled drill again for its new date, and two passes at once send nothing twice."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from drills import reminders
from portal import notifications
from schools.models import Membership, Notification, SentReminder
from tests.factories import MembershipFactory, UserFactory

from .factories import AfterActionFactory, ImprovementItemFactory, held, local, planned

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def la_morning(day: dt.date, hour=7):
    """``hour`` o'clock in Los Angeles on ``day``, as the UTC instant the hourly beat runs at."""
    return dt.datetime(day.year, day.month, day.day, hour, 5, tzinfo=LA).astimezone(dt.UTC)


def digests(user):
    return list(Notification.objects.filter(recipient=user, kind="digest").order_by("created_at"))


@pytest.fixture
def la(state_world):
    """A Los Angeles district (digest at 7:00 local) with a school admin, a teacher and an SRO."""
    world = state_world("CA")
    world.admin = UserFactory(display_name="Pat Principal")
    MembershipFactory(user=world.admin, role=Membership.Role.SCHOOL_ADMIN, school=world.school)
    world.teacher = UserFactory(display_name="Tom Teacher")
    MembershipFactory(user=world.teacher, role=Membership.Role.SCHOOL_STAFF, school=world.school)
    return world


@pytest.mark.django_db
def test_a_drill_planned_this_week_is_in_the_admins_digest_at_their_local_hour(la):
    planned(la.school, dt.date(2026, 10, 15), hour=9)
    assert notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12), hour=6)) == 0
    assert notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12))) >= 1
    (digest,) = digests(la.admin)
    assert "A drill is planned at CA School on Thu 15 Oct at 09:00." in digest.body_text
    assert digests(la.teacher) == []  # staff read the calendar; reminders go to the school's admins


@pytest.mark.django_db
def test_the_same_drill_is_not_reminded_twice(la):
    planned(la.school, dt.date(2026, 10, 15))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12)))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12)))  # a rerun within the hour
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 13)))  # the next day
    assert len(digests(la.admin)) == 1
    assert SentReminder.objects.filter(kind="drills.upcoming").count() == 1


@pytest.mark.django_db
def test_a_rescheduled_drill_is_reminded_again_for_its_new_date(la):
    drill = planned(la.school, dt.date(2026, 10, 15))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12)))
    drill.planned_start = local(la.school, dt.date(2026, 10, 19))
    drill.save()
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 13)))
    texts = [d.body_text for d in digests(la.admin)]
    assert len(texts) == 2 and "Mon 19 Oct" in texts[1]


@pytest.mark.django_db
def test_a_drill_more_than_seven_days_ahead_waits(la):
    planned(la.school, dt.date(2026, 10, 21))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 12)))
    assert digests(la.admin) == []
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 14)))
    assert len(digests(la.admin)) == 1


@pytest.mark.django_db
def test_an_overdue_follow_up_goes_to_its_owner_then_after_a_week_to_the_admins(la):
    drill = held(la.school, dt.date(2026, 9, 10))
    ImprovementItemFactory(after_action=AfterActionFactory(drill=drill), owner=la.teacher, due_on=dt.date(2026, 10, 1))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 2)))
    assert "was due on Thu 1 Oct" in digests(la.teacher)[0].body_text
    assert not any("overdue" in d.body_text for d in digests(la.admin))
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 8)))
    assert len(digests(la.teacher)) == 1  # told once
    assert "more than 7 days overdue" in digests(la.admin)[-1].body_text
    notifications.digest_send_hourly(now=la_morning(dt.date(2026, 10, 9)))
    assert SentReminder.objects.filter(kind="drills.followup_overdue_admin").count() == 1


@pytest.mark.django_db
def test_a_requirement_at_risk_is_in_the_admins_digest_once(la):
    # California high school: 2 fire drills a year; two weeks before the last day of school, none held.
    notifications.digest_send_hourly(now=la_morning(dt.date(2027, 5, 28)))
    assert "is at risk: its window closes on Fri 11 Jun" in digests(la.admin)[0].body_text
    notifications.digest_send_hourly(now=la_morning(dt.date(2027, 5, 29)))
    assert len(digests(la.admin)) == 1


@pytest.mark.django_db
def test_a_signed_log_asks_the_schools_sro_to_countersign(la):
    officer = UserFactory()
    agency = la.district.agencies.create(name="LAPD", kind="police")
    MembershipFactory(user=officer, role=Membership.Role.SRO, school=la.school, agency=agency)
    drill = held(la.school, dt.date(2026, 10, 1))
    drill.sign_off(by=la.admin)
    notifications.digest_send_hourly(now=la_morning(timezone.localdate(timezone=LA)))  # signed just now
    assert "awaits your countersignature" in digests(officer)[0].body_text


@pytest.mark.django_db
def test_a_line_whose_key_is_taken_is_not_sent_again_by_a_second_pass(la):
    drill = planned(la.school, dt.date(2026, 10, 15))
    today = dt.date(2026, 10, 12)
    # Another pass sent this reminder (its key is in the ledger) but not today's digest.
    SentReminder.objects.create(recipient=la.admin, kind="drills.upcoming", subject=f"drills.drill:{drill.pk}",
                                milestone_date=dt.date(2026, 10, 15))
    assert notifications.digest_send(la.district, today) == 0
    assert digests(la.admin) == []
    assert not SentReminder.objects.filter(kind="digest").exists()  # no digest key kept without its email


@pytest.mark.django_db
def test_the_provider_claims_nothing_so_a_line_waits_for_a_digest_that_carries_it(la):
    planned(la.school, dt.date(2026, 10, 15))
    today = dt.date(2026, 10, 12)
    (line,) = reminders.digest_lines(la.district, today)[la.admin.pk]
    assert line.key[0] == "drills.upcoming"
    assert not SentReminder.objects.exists()
    # Today's digest for the admin is already written (by a pass that did not have this line yet).
    SentReminder.objects.create(recipient=la.admin, kind="digest", subject=f"district:{la.district.pk}",
                                milestone_date=today)
    assert notifications.digest_send(la.district, today) == 0
    assert not SentReminder.objects.filter(kind="drills.upcoming").exists()  # the line is not lost
    notifications.digest_send(la.district, today + dt.timedelta(days=1))
    assert "A drill is planned" in digests(la.admin)[0].body_text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_send_each_reminder_once(la):
    planned(la.school, dt.date(2026, 10, 15))
    ImprovementItemFactory(after_action=AfterActionFactory(drill=held(la.school, dt.date(2026, 9, 10))),
                           owner=la.teacher, due_on=dt.date(2026, 10, 1))
    now, start = la_morning(dt.date(2026, 10, 12)), threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            notifications.digest_send_hourly(now=now)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(digests(la.admin)) == 1 and len(digests(la.teacher)) == 1
    assert SentReminder.objects.filter(kind="drills.upcoming").count() == 1
    assert sum("A drill is planned" in d.body_text for d in digests(la.admin)) == 1


def _provider_queries(district, today):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        lines = reminders.digest_lines(district, today)
    return len(ctx.captured_queries), lines


@pytest.mark.django_db
def test_the_drills_provider_runs_as_many_queries_for_30_schools_as_for_3(la):
    today = dt.date(2026, 10, 12)

    def add_schools(n):
        for i in range(n):
            school = la.add_school(f"Extra {n}-{i}")
            MembershipFactory(user=UserFactory(), role=Membership.Role.SCHOOL_ADMIN, school=school)
            planned(school, dt.date(2026, 10, 15))
            ImprovementItemFactory(after_action=AfterActionFactory(drill=held(school, dt.date(2026, 9, 10))),
                                   owner=la.admin, due_on=dt.date(2026, 10, 1))

    add_schools(2)
    few, lines = _provider_queries(la.district, today)
    assert lines
    add_schools(27)
    many, lines = _provider_queries(la.district, today + dt.timedelta(days=1))
    assert few == many
    assert len(lines) >= 28

"""The reminder ledger and the daily digest: once per key, once per person and local day,
at the local hour."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction

from portal import notifications
from schools.models import Membership, Notification, SentReminder
from tests.factories import MembershipFactory, UserFactory

UTC = dt.UTC
Role = Membership.Role


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


class Lines:
    """A fake digest provider: the lines each person of a district should see today."""

    def __init__(self, text="Fire drill due at School A", link="/drills/7/", key=None):
        self.text, self.link, self.key = text, link, key
        self.calls = []
        self.before_return = None

    def __call__(self, district, local_today):
        self.calls.append((district.pk, local_today))
        people = Membership.objects.filter(district=district).values_list("user_id", flat=True)
        if self.before_return is not None:
            self.before_return()
        if self.key is not None:  # a reminder line: the digest writer claims its ledger key
            return {user_id: [notifications.DigestLine(self.text, self.link, key=self.key)] for user_id in people}
        return {user_id: [(self.text, self.link)] for user_id in people}


@pytest.fixture
def provider():
    lines = Lines()
    notifications.register_digest_provider(lines)
    yield lines
    notifications.unregister_digest_provider(lines)


@pytest.fixture
def los_angeles(world):
    """Olympia, WA (Pacific time), digest at 7 in the morning, with one district leader."""
    district = world.other_district
    district.digest_hour = 7
    district.save()
    person = UserFactory(email="leader@olympia.example", display_name="Olive Leader")
    MembershipFactory(user=person, role=Role.DISTRICT_LEADER, district=district, school=None)
    return type("LA", (), {"district": district, "person": person})


# --- The ledger ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ledger_key_is_claimed_once(district_admin):
    key = dict(recipient=district_admin, kind="drill_due", subject="drills.drill:42",
               milestone_date=dt.date(2026, 3, 10))
    assert notifications.reminder_claim(**key) is True
    assert notifications.reminder_claim(**key) is False
    assert notifications.reminder_claim(**{**key, "milestone_date": dt.date(2026, 3, 11)}) is True
    assert notifications.reminder_claim(**{**key, "kind": "drill_overdue"}) is True
    assert SentReminder.objects.count() == 3


@pytest.mark.django_db
def test_a_failed_claim_leaves_the_callers_transaction_usable(district_admin):
    key = dict(recipient=district_admin.pk, kind="k", subject="s", milestone_date=dt.date(2026, 3, 10))
    with transaction.atomic():
        notifications.reminder_claim(**key)
        assert notifications.reminder_claim(**key) is False
        assert SentReminder.objects.count() == 1  # still querying inside the same transaction


# --- The digest at the local hour -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_digest_goes_out_at_the_districts_local_hour(los_angeles, provider):
    # 10 March 2026: Los Angeles is on daylight time (UTC-7), so 7:00 there is 14:00 UTC.
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 13)) == 0  # 6:00 in Los Angeles
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
    digest = Notification.objects.get(recipient=los_angeles.person)
    assert digest.kind == "digest"
    assert "2026-03-10" in digest.subject
    assert "Fire drill due at School A" in digest.body_text
    assert "http://127.0.0.1:8000/drills/7/" in digest.body_text
    assert 'href="http://127.0.0.1:8000/drills/7/"' in digest.body_html
    assert digest.district_id == los_angeles.district.pk


@pytest.mark.django_db
def test_a_rerun_in_the_same_hour_sends_nothing_more(los_angeles, provider,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
        assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14, 30)) == 0
    assert [m.to for m in mail.outbox] == [[los_angeles.person.email]]


@pytest.mark.django_db
def test_the_next_local_day_gets_its_own_digest(los_angeles, provider):
    notifications.digest_send_hourly(now=at(2026, 3, 10, 14))
    notifications.digest_send_hourly(now=at(2026, 3, 11, 14))
    assert sorted(SentReminder.objects.values_list("milestone_date", flat=True)) == [
        dt.date(2026, 3, 10), dt.date(2026, 3, 11)]
    keys = SentReminder.objects.filter(subject=f"district:{los_angeles.district.pk}", kind="digest")
    assert keys.count() == 2


@pytest.mark.django_db
def test_each_district_is_served_at_its_own_hour(los_angeles, district_admin, world, provider):
    # Ann Arbor (Detroit, UTC-4 in March) at 7:00 is 11:00 UTC; Los Angeles is then at 4:00.
    notifications.digest_send_hourly(now=at(2026, 3, 10, 11))
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [district_admin.email]
    assert provider.calls == [(world.district.pk, dt.date(2026, 3, 10))]


@pytest.mark.django_db
def test_the_digest_day_is_the_districts_local_day(los_angeles, provider):
    los_angeles.district.digest_hour = 20
    los_angeles.district.save()
    # 03:00 UTC on the 11th is 20:00 on the 10th in Los Angeles.
    notifications.digest_send_hourly(now=at(2026, 3, 11, 3))
    assert SentReminder.objects.get().milestone_date == dt.date(2026, 3, 10)


@pytest.mark.django_db
def test_one_digest_gathers_every_providers_lines(los_angeles, provider):
    second = Lines(text="Threat assessment review due", link="/threats/")
    notifications.register_digest_provider(second)
    try:
        notifications.digest_send_hourly(now=at(2026, 3, 10, 14))
    finally:
        notifications.unregister_digest_provider(second)
    digest = Notification.objects.get()
    assert "Fire drill due at School A" in digest.body_text
    assert "Threat assessment review due" in digest.body_text


@pytest.mark.django_db
def test_a_broken_provider_does_not_stop_the_digest(los_angeles, provider, caplog):
    def broken(district, local_today):
        raise ValueError("bug in an app")

    notifications.register_digest_provider(broken)
    try:
        assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
    finally:
        notifications.unregister_digest_provider(broken)
    assert "Digest provider" in caplog.text


@pytest.mark.django_db
def test_a_failing_district_does_not_cost_the_others_their_digest(los_angeles, district_admin, world, provider,
                                                                  monkeypatch, caplog):
    world.district.time_zone = "America/Los_Angeles"
    world.district.save()
    real_lines = notifications.digest_lines

    def lines(district, local_today):
        if district.pk == min(world.district.pk, los_angeles.district.pk):
            raise RuntimeError("database hiccup")
        return real_lines(district, local_today)

    monkeypatch.setattr(notifications, "digest_lines", lines)
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
    assert "Digest failed for district" in caplog.text


@pytest.mark.django_db
def test_people_with_nothing_to_do_or_deactivated_get_no_digest(los_angeles, provider):
    los_angeles.person.is_active = False
    los_angeles.person.save()
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 0
    assert not SentReminder.objects.exists()


# --- Reminder lines and their ledger keys, written with the digest ---------------------------------------

REMINDER_KEY = ("drills.upcoming", "drills.drill:7", dt.date(2026, 3, 12))


@pytest.fixture
def reminder_provider():
    lines = Lines(key=REMINDER_KEY)
    notifications.register_digest_provider(lines)
    yield lines
    notifications.unregister_digest_provider(lines)


@pytest.mark.django_db
def test_a_reminder_line_is_claimed_with_its_digest_and_sent_once(los_angeles, reminder_provider):
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
    assert SentReminder.objects.filter(kind="drills.upcoming", recipient=los_angeles.person).count() == 1
    assert notifications.digest_send_hourly(now=at(2026, 3, 11, 14)) == 0  # its only line was sent yesterday
    assert not SentReminder.objects.filter(kind="digest", milestone_date=dt.date(2026, 3, 11)).exists()
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_line_is_not_claimed_when_the_persons_digest_is_already_written(los_angeles, reminder_provider):
    # Another pass wrote today's digest before this line existed: the line must wait for tomorrow's.
    SentReminder.objects.create(recipient=los_angeles.person, kind="digest",
                                subject=f"district:{los_angeles.district.pk}", milestone_date=dt.date(2026, 3, 10))
    assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 0
    assert not SentReminder.objects.filter(kind="drills.upcoming").exists()
    assert notifications.digest_send_hourly(now=at(2026, 3, 11, 14)) == 1
    assert "Fire drill due at School A" in Notification.objects.get().body_text


@pytest.mark.django_db
def test_the_digest_pass_runs_as_many_queries_for_30_people_as_for_3(los_angeles, reminder_provider):
    from django.test.utils import CaptureQueriesContext

    def people(n, day):
        for i in range(n):
            MembershipFactory(user=UserFactory(email=f"p{day}-{i}@olympia.example"), role=Role.DISTRICT_ADMIN,
                              district=los_angeles.district, school=None)
        Membership.objects.exclude(user__email__startswith=f"p{day}-").filter(
            district=los_angeles.district).delete()
        with CaptureQueriesContext(connection) as ctx:
            written = notifications.digest_send(los_angeles.district, dt.date(2026, 3, day),
                                                now=at(2026, 3, day, 14))
        assert written == n
        return len(ctx.captured_queries)

    assert people(3, 10) == people(30, 11)


@pytest.mark.django_db
def test_a_batch_of_digests_is_enqueued_as_one_task_and_sent_after_commit(los_angeles, provider, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    from portal.tasks import notification_send, notification_send_many

    for n in range(4):
        MembershipFactory(user=UserFactory(email=f"staff{n}@olympia.example"), role=Role.DISTRICT_ADMIN,
                          district=los_angeles.district, school=None)
    monkeypatch.setattr(notifications, "DIGEST_BATCH", 2)
    batches, singles = [], []
    real_many = notification_send_many.apply_async
    monkeypatch.setattr(notification_send_many, "apply_async", lambda args, **kw: (batches.append(args[0]),
                                                                                    real_many(args, **kw)))
    monkeypatch.setattr(notification_send, "apply_async", lambda *a, **kw: singles.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 5
        assert not mail.outbox  # nothing leaves before the commit
    assert [len(ids) for ids in batches] == [2, 2, 1] and singles == []
    assert len(mail.outbox) == 5
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}


@pytest.mark.django_db
def test_a_digest_batch_that_cannot_be_enqueued_is_logged_and_left_for_the_sweep(
        los_angeles, provider, monkeypatch, caplog, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from portal.tasks import notification_send_many

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(notification_send_many, "apply_async", broker_down)
    notifications.enqueue_pause_reset()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert notifications.digest_send_hourly(now=at(2026, 3, 10, 14)) == 1
    finally:
        notifications.enqueue_pause_reset()
    assert "Could not enqueue 1 notifications" in caplog.text
    assert notifications.notification_sweep() == 1
    assert [m.to for m in mail.outbox] == [[los_angeles.person.email]]


# --- Concurrency (PostgreSQL: real row locks between connections) ----------------------------------------


def run_in_threads(*targets):
    """Run each target in its own thread (and database connection); return their results in order."""
    results = [None] * len(targets)
    errors = []

    def runner(i, target):
        try:
            results[i] = target()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_held_by_an_open_transaction_makes_the_second_claimer_wait_then_lose(district_admin):
    key = dict(recipient=district_admin.pk, kind="drill_due", subject="drills.drill:1",
               milestone_date=dt.date(2026, 3, 10))
    inserted = threading.Event()

    def first():
        with transaction.atomic():
            claimed = notifications.reminder_claim(**key)
            inserted.set()
            time.sleep(0.5)  # still sending, not committed yet
        return claimed

    def second():
        inserted.wait(10)
        started = time.monotonic()
        claimed = notifications.reminder_claim(**key)
        return claimed, time.monotonic() - started

    (first_claimed, (second_claimed, waited)) = run_in_threads(first, second)
    assert (first_claimed, second_claimed) == (True, False)
    assert waited > 0.3  # it waited for the first transaction instead of guessing
    assert SentReminder.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_whose_email_failed_to_be_written_is_released(district_admin):
    key = dict(recipient=district_admin.pk, kind="drill_due", subject="drills.drill:1",
               milestone_date=dt.date(2026, 3, 10))
    inserted = threading.Event()

    def first():
        try:
            with transaction.atomic():
                notifications.reminder_claim(**key)
                inserted.set()
                time.sleep(0.3)
                raise RuntimeError("writing the email failed")
        except RuntimeError:
            return "rolled back"

    def second():
        inserted.wait(10)
        return notifications.reminder_claim(**key)

    assert run_in_threads(first, second) == ["rolled back", True]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_one_digest_per_person(los_angeles, provider):
    for n in range(5):
        person = UserFactory(email=f"staff{n}@olympia.example")
        MembershipFactory(user=person, role=Role.DISTRICT_ADMIN, district=los_angeles.district, school=None)
    both_have_lines = threading.Barrier(2, timeout=10)
    provider.before_return = both_have_lines.wait  # both sweeps read the same lines, then race to insert
    now = at(2026, 3, 10, 14)

    written = run_in_threads(lambda: notifications.digest_send_hourly(now=now),
                             lambda: notifications.digest_send_hourly(now=now))

    assert sum(written) == 6
    assert Notification.objects.filter(kind="digest").count() == 6
    assert SentReminder.objects.filter(kind="digest").count() == 6
    # Eager in tests: each email was sent at its commit, once per person.
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(set(recipients)) and len(recipients) == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_under_two_concurrent_passes_each_line_is_claimed_by_the_pass_whose_digest_carries_it(
        los_angeles, reminder_provider):
    for n in range(5):
        person = UserFactory(email=f"staff{n}@olympia.example")
        MembershipFactory(user=person, role=Role.DISTRICT_ADMIN, district=los_angeles.district, school=None)
    both_have_lines = threading.Barrier(2, timeout=10)
    reminder_provider.before_return = both_have_lines.wait
    now = at(2026, 3, 10, 14)

    written = run_in_threads(lambda: notifications.digest_send_hourly(now=now),
                             lambda: notifications.digest_send_hourly(now=now))

    assert sum(written) == 6
    line_keys = set(SentReminder.objects.filter(kind="drills.upcoming").values_list("recipient_id", flat=True))
    with_line = set(Notification.objects.filter(kind="digest", body_text__contains="Fire drill due")
                    .values_list("recipient_id", flat=True))
    assert len(line_keys) == 6 and line_keys == with_line  # no key held without the digest that carries it

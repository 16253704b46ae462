"""The notification outbox: written with its cause, sent after commit, claimed once, retried, given up.

The ``live_worker`` tests run a real Celery worker process (tests/live_worker.py) on PostgreSQL and Redis.
"""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal import notifications
from portal.tasks import notification_send, notification_sweep
from schools.models import Building, Notification
from tests.factories import UserFactory
from tests.live_worker import closed_port_url, hung_broker

Status = Notification.Status
T0 = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_broker_pause_left_over():
    """A broker failure in one test must not pause enqueueing in the next."""
    notifications.enqueue_pause_reset()
    yield
    notifications.enqueue_pause_reset()


def notify(user, **extra):
    return notifications.notification_create(
        recipient=user, kind="drill_signature", subject="A drill log waits for your signature",
        template="notice", context={"headline": "A drill log waits for your signature."},
        link="/drills/42/", **extra)


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


# --- Written with its cause ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_is_written_in_the_same_transaction_as_its_cause(district_admin, world,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        Building.objects.create(school=world.school_a, name="Gym")
        notification = notify(district_admin)
        assert callbacks == []  # nothing is enqueued before the cause commits
    assert Notification.objects.get().pk == notification.pk
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_no_email_survives_when_its_cause_rolls_back(district_admin, world,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        Building.objects.create(school=world.school_a, name="Gym")
        notify(district_admin)
        raise RuntimeError("the cause failed")
    assert not Notification.objects.exists()
    assert not Building.objects.filter(name="Gym").exists()
    assert callbacks == []


@pytest.mark.django_db
def test_it_is_sent_after_commit_in_text_and_html(district_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(district_admin)
    (message,) = mail.outbox
    assert message.to == [district_admin.email]
    assert message.subject == "A drill log waits for your signature"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8000/drills/42/"' in html
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert notification.sent_at is not None


@pytest.mark.django_db
def test_the_row_belongs_to_the_recipients_district(district_admin, world):
    assert notify(district_admin).district_id == world.district.pk


# --- Bodies carry a link, never record content ----------------------------------------------------


@pytest.mark.django_db
def test_the_body_carries_a_link_to_the_record(district_admin):
    notification = notify(district_admin)
    assert "http://127.0.0.1:8000/drills/42/" in notification.body_text
    assert notification.link == "http://127.0.0.1:8000/drills/42/"
    assert "Dana" in notification.body_text


@pytest.mark.django_db
def test_a_record_cannot_be_put_in_the_email(district_admin, world):
    with pytest.raises(TypeError, match="is a record"):
        notifications.notification_create(
            recipient=district_admin, kind="x", subject="x", template="notice",
            context={"headline": "x", "building": Building.objects.first()}, link="/")
    assert not Notification.objects.exists()


# --- Enqueue errors are logged, never raised --------------------------------------------------------


@pytest.mark.django_db
def test_an_enqueue_error_is_logged_and_the_row_kept_for_the_sweep(district_admin, monkeypatch, caplog,
                                                                    django_capture_on_commit_callbacks):
    calls = []

    def broker_down(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(notification_send, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(district_admin)
        second = notify(district_admin)
    assert "Could not enqueue notification" in caplog.text
    assert len(calls) == 1  # the second did not wait on a broker known to be down
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert notifications.notification_sweep() == 2
    assert {m.to[0] for m in mail.outbox} == {district_admin.email}
    sent = Notification.objects.filter(status=Status.SENT).values_list("pk", flat=True)
    assert set(sent) == {first.pk, second.pk}


# --- The lease ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_claimed_email_cannot_be_claimed_again_until_its_lease_expires(district_admin):
    notification = notify(district_admin, now=T0)
    assert notifications.notification_claim(notification.pk, now=T0) is not None
    assert notifications.notification_claim(notification.pk, now=T0) is None
    assert notifications.notification_deliver(notification.pk, now=T0 + dt.timedelta(seconds=60)) is False
    assert mail.outbox == []
    # The holder died: once the lease is over, someone else may send it.
    later = T0 + dt.timedelta(seconds=notifications.LEASE_SECONDS + 1)
    assert notifications.notification_deliver(notification.pk, now=later) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_delivering_twice_sends_once(district_admin):
    notification = notify(district_admin, now=T0)
    assert notifications.notification_deliver(notification.pk, now=T0) is True
    assert notifications.notification_deliver(notification.pk, now=T0) is False
    assert notifications.notification_sweep(now=T0 + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_sends_due_rows_and_rows_whose_lease_expired_only(district_admin, school_a_admin):
    due = notify(district_admin, now=T0)
    not_yet = notify(district_admin, now=T0 + dt.timedelta(minutes=5))
    abandoned = notify(school_a_admin, now=T0)
    Notification.objects.filter(pk=abandoned.pk).update(status=Status.SENDING, lease_until=T0)
    in_hand = notify(school_a_admin, now=T0)
    Notification.objects.filter(pk=in_hand.pk).update(status=Status.SENDING,
                                                      lease_until=T0 + dt.timedelta(hours=1))
    assert notifications.notification_sweep(now=T0 + dt.timedelta(seconds=1)) == 2
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses == {due.pk: Status.SENT, not_yet.pk: Status.PENDING, abandoned.pk: Status.SENT,
                        in_hand.pk: Status.SENDING}


# --- Backoff and giving up --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_send_backs_off_exponentially_then_gives_up_with_the_error(district_admin, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = notify(district_admin, now=T0)

    assert notifications.notification_deliver(notification.pk, now=T0) is False
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert "mail server down" in notification.last_error

    assert notifications.notification_sweep(now=T0 + dt.timedelta(seconds=30)) == 0  # not due yet
    notification.refresh_from_db()
    assert notification.attempts == 1

    second = T0 + dt.timedelta(minutes=1)
    notifications.notification_sweep(now=second)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 2)
    assert notification.next_attempt_at == second + dt.timedelta(minutes=2)

    notifications.notification_sweep(now=second + dt.timedelta(minutes=2))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 3)
    assert notification.last_error == "ConnectionRefusedError: mail server down"
    assert notifications.notification_sweep(now=second + dt.timedelta(days=1)) == 0


def test_the_backoff_doubles_and_is_capped():
    assert [notifications.backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert notifications.backoff_seconds(40) == notifications.BACKOFF_MAX_SECONDS


@pytest.mark.django_db
def test_a_deactivated_person_is_not_emailed(world):
    person = UserFactory(is_active=False)
    notification = notify(person, now=T0)
    assert notifications.notification_deliver(notification.pk, now=T0) is False
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert "deactivated" in notification.last_error
    assert mail.outbox == []


def test_the_beat_schedule_runs_the_sweep_every_minute_and_the_digest_every_hour(settings):
    from safety_portal.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    sweep = schedule["portal.tasks.notification_sweep"]
    digest = schedule["portal.tasks.digest_send_hourly"]
    assert sweep.minute == set(range(60)) and sweep.hour == set(range(24))
    assert digest.minute == {0} and digest.hour == set(range(24))
    assert {"portal.tasks.notification_sweep", "portal.tasks.digest_send_hourly"} <= set(app.tasks)


# --- With a real worker process -----------------------------------------------------------------------


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_an_email_written_while_the_broker_is_down_is_sent_once_by_the_sweep_when_it_is_back(
        live_worker, district_admin, caplog):
    with live_worker.web_broker(closed_port_url()), transaction.atomic():
        notification = notify(district_admin)
    assert "Could not enqueue notification" in caplog.text
    notification.refresh_from_db()
    assert notification.status == Status.PENDING

    # The broker is back: the beat sweep runs in the worker, raced by a late send task for the same row.
    notification_sweep.delay()
    notification_send.delay(notification.pk)
    notification_sweep.delay()
    live_worker.wait_for(lambda: Notification.objects.get(pk=notification.pk).status == Status.SENT,
                         message="the sweep did not send the email")
    live_worker.drain()

    (message,) = live_worker.sent_emails()  # sent by the worker process, exactly once
    assert message["To"] == district_admin.email
    assert "http://127.0.0.1:8000/drills/42/" in message.as_string()
    assert mail.outbox == []  # nothing was sent from this process


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_the_send_task_and_sweeps_in_another_process_racing_send_each_email_once(live_worker, world):
    people = [UserFactory(email=f"racer{n}@district.example") for n in range(8)]
    start = threading.Event()
    sent_here = []

    def sweep_here():
        start.wait()
        try:
            for _ in range(20):
                sent_here.append(notifications.notification_sweep())
                time.sleep(0.01)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep_here) for _ in range(2)]
    for thread in threads:
        thread.start()
    with transaction.atomic():  # the worker gets eight send tasks the moment this commits
        rows = [notify(person) for person in people]
    start.set()
    for thread in threads:
        thread.join(30)
    live_worker.wait_for(lambda: not Notification.objects.exclude(status=Status.SENT).exists(),
                         message="not every email was sent")
    live_worker.drain()

    recipients = [m["To"] for m in live_worker.sent_emails()] + [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(p.email for p in people)
    assert sum(sent_here) == len(mail.outbox)
    assert Notification.objects.filter(pk__in=[r.pk for r in rows], attempts=1).count() == len(rows)


def make_three_notifications(request):
    """A request that causes three emails, as a workflow notifying a team would."""
    with transaction.atomic():
        for person in UserFactory.create_batch(3):
            notify(person)
    return HttpResponse("done")


# The project's URLs plus one route for the test (middleware reverses project names).
urlpatterns = [path("test-cause/", make_three_notifications), path("", include("safety_portal.urls"))]


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_a_request_causing_emails_returns_within_five_seconds_when_the_broker_hangs(live_worker, client,
                                                                                   caplog):
    with hung_broker() as url, live_worker.web_broker(url):
        started = time.monotonic()
        response = client.post("/test-cause/")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 5, f"the request took {elapsed:.1f}s"
    assert "Could not enqueue notification" in caplog.text
    assert Notification.objects.filter(status=Status.PENDING).count() == 3

    notification_sweep.delay()  # the broker is back; the worker's sweep sends them
    live_worker.wait_for(lambda: Notification.objects.filter(status=Status.SENT).count() == 3)
    live_worker.drain()
    assert len(live_worker.sent_emails()) == 3


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_by_the_worker_after_commit(live_worker, district_admin):
    with transaction.atomic():
        notification = notify(district_admin)
    live_worker.wait_for(lambda: Notification.objects.get(pk=notification.pk).status == Status.SENT)
    live_worker.drain()
    (message,) = live_worker.sent_emails()
    assert message["Subject"] == "A drill log waits for your signature"
    assert message.is_multipart()  # text and HTML
    assert timezone.now() - Notification.objects.get(pk=notification.pk).sent_at < dt.timedelta(minutes=1)

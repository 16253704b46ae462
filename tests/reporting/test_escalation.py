"""Escalation that cannot be missed: a life-safety tip notifies level 1 at once (after commit), the next level
when nobody acknowledges in time, the whole chain again after the last level, until someone acknowledges;
all in Celery and the minute sweep, tested with the clock passed in. A broker outage loses nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal import notifications
from reporting import services
from reporting.models import EscalationPage, Tip
from schools.models import Notification

from .conftest import form_url, tip_data

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def webhook_calls(monkeypatch):
    """The gateway: records each signed call instead of opening a connection."""
    calls = []

    def fake_request(address, host, port, path, body, headers, timeout):
        calls.append({"host": host, "path": path, "body": body, "headers": headers, "timeout": timeout})
        return 200

    monkeypatch.setattr(notifications, "_webhook_request", fake_request)
    monkeypatch.setattr(notifications, "webhook_resolve",
                        lambda url: ("pager.example.org", 443, "/hook", ["93.184.216.34"]))
    return calls


def submit(world, category, now=T0):
    tip, _passphrase = services.tip_submit(district=world.district, category=category, school=world.school_a,
                                           what_happened="He said he would bring a gun tomorrow.", now=now)
    return tip


def recipients():
    return sorted(Notification.objects.filter(kind="tip_escalation").values_list("recipient__email", flat=True))


def test_level_one_is_notified_at_once_after_commit(world, chain, life_safety, django_capture_on_commit_callbacks,
                                                     mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        tip = submit(world, life_safety, now=timezone.now())
    assert recipients() == ["triage@district.example"]
    assert [m.to for m in mailoutbox] == [["triage@district.example"]]
    assert "gun" not in mailoutbox[0].body and reverse("reporting:tip-detail", args=[tip.pk]) in mailoutbox[0].body


def test_a_routine_tip_pages_nobody(world, chain, routine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, routine, now=timezone.now())
    assert recipients() == [] and not EscalationPage.objects.exists()


def test_the_next_level_after_the_wait_then_the_whole_chain_until_acknowledged(world, chain, life_safety,
                                                                               tip_triage, webhook_calls):
    tip = submit(world, life_safety)
    assert services.escalation_sweep(now=T0) == 1  # level 1 (the broker's task lost: the sweep does it)
    assert recipients() == ["triage@district.example"]
    assert services.escalation_sweep(now=T0 + dt.timedelta(minutes=4, seconds=59)) == 0  # not yet
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=5))
    assert recipients() == ["counselor.a@district.example", "triage@district.example"]
    assert len(webhook_calls) == 1  # level 2's pager
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=10))  # past the last level: everyone again
    assert len(recipients()) == 4 and len(webhook_calls) == 2
    services.tip_acknowledge(tip, by=tip_triage, now=T0 + dt.timedelta(minutes=11))
    assert services.escalation_sweep(now=T0 + dt.timedelta(minutes=30)) == 0
    assert len(recipients()) == 4
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACKNOWLEDGED and tip.next_escalation_at is None


def test_the_wait_is_the_districts(world, line, chain, life_safety):
    line.escalation_minutes = 2
    line.save()
    submit(world, life_safety)
    services.escalation_sweep(now=T0)
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=2))
    assert len(recipients()) == 2


def test_the_task_and_the_sweep_never_notify_the_same_step_twice(world, chain, life_safety):
    tip = submit(world, life_safety)
    services.tip_escalate(tip.pk, now=T0)
    services.tip_escalate(tip.pk, now=T0)
    services.escalation_sweep(now=T0 + dt.timedelta(seconds=30))
    assert recipients() == ["triage@district.example"]


def test_the_webhook_carries_a_signed_link_never_the_tip_text(world, line, chain, life_safety, webhook_calls):
    import hashlib
    import hmac
    import json

    tip = submit(world, life_safety)
    services.escalation_sweep(now=T0)
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=5))
    call = webhook_calls[0]
    body = json.loads(call["body"])
    assert body["link"].endswith(reverse("reporting:tip-detail", args=[tip.pk]))
    assert b"gun" not in call["body"] and call["timeout"] == 5
    expected = hmac.new(line.webhook_secret.encode(), call["headers"]["X-Portal-Timestamp"].encode() + b"." +
                        call["body"], hashlib.sha256).hexdigest()
    assert call["headers"]["X-Portal-Signature"] == f"sha256={expected}"
    assert EscalationPage.objects.get(channel="webhook").status == EscalationPage.Status.SENT


def test_a_failing_gateway_is_retried_by_the_sweep(world, chain, life_safety, monkeypatch):
    monkeypatch.setattr(notifications, "webhook_resolve",
                        lambda url: ("pager.example.org", 443, "/hook", ["93.184.216.34"]))
    answers = [503, 200]
    monkeypatch.setattr(notifications, "_webhook_request", lambda *a: answers.pop(0))
    submit(world, life_safety)
    services.escalation_sweep(now=T0)
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=5))
    page = EscalationPage.objects.get(channel="webhook")
    assert page.status == EscalationPage.Status.PENDING and "503" in page.last_error
    services.escalation_sweep(now=T0 + dt.timedelta(minutes=6))
    page.refresh_from_db()
    assert page.status == EscalationPage.Status.SENT


def test_with_the_broker_unreachable_the_tipster_gets_the_code_and_the_sweep_sends_later(
        client, world, chain, life_safety, monkeypatch, django_capture_on_commit_callbacks, caplog, mailoutbox):
    from celery import current_app

    from portal import broker

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    for name in ("reporting.tasks.tip_escalate", "portal.tasks.notification_send"):
        monkeypatch.setattr(broker.task_named(name), "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(world), tip_data(life_safety))
    tip = Tip.objects.get()
    assert response.status_code == 200 and tip.code in response.content.decode()
    assert "Could not enqueue the escalation of tip" in caplog.text
    assert not Notification.objects.exists() and not mailoutbox
    # The broker is back: the beat sweep (a real task run) notifies level 1 and the outbox sweep mails it.
    monkeypatch.undo()
    broker.pause_reset()
    current_app.tasks["reporting.tasks.escalation_sweep"].apply()
    notifications.notification_sweep()
    assert [m.to for m in mailoutbox] == [["triage@district.example"]]


def test_with_no_chain_the_tip_log_says_so(world, line, life_safety):
    tip = submit(world, life_safety)
    services.escalation_sweep(now=T0)
    assert "set up the chain" in tip.events.last().detail


def test_a_test_tip_acknowledged_marks_the_chain_tested_on_the_settings_page(client, world, line, chain,
                                                                            district_admin, tip_triage,
                                                                            django_capture_on_commit_callbacks):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reporting:chain-test")).status_code == 302
    tip = Tip.objects.get(is_test=True)
    assert recipients() == ["triage@district.example"]
    assert "never" in client.get(reverse("reporting:settings")).content.decode()
    client.force_login(tip_triage)
    assert client.post(reverse("reporting:tip-acknowledge", args=[tip.pk])).status_code == 302
    line.refresh_from_db()
    assert line.last_test_at is not None
    client.force_login(district_admin)
    assert timezone.localtime(line.last_test_at, world.district.tz).strftime("%Y-%m-%d") in client.get(
        reverse("reporting:settings")).content.decode()

"""Retention: closed tips past the district's period lose their text, messages, notes and files (the counts
stay), by the daily beat task, with an audit entry; open tips and recent ones are kept."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import services
from reporting.models import Tip, TipAttachment, TipMessage, TipNote
from schools.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)


def closed_tip(world, category, by, closed_at):
    tip, _ = services.tip_submit(district=world.district, category=category, what_happened="Secret details",
                                 contact_name="Pat", files=[SimpleUploadedFile("a.txt", b"hi", "text/plain")],
                                 now=closed_at - dt.timedelta(days=2))
    services.tip_reply(tip, by=by, body="Question", now=closed_at - dt.timedelta(days=1))
    services.tip_note(tip, by=by, body="Internal", now=closed_at - dt.timedelta(days=1))
    services.tip_update(tip, by=by, status=Tip.Status.CLOSED, outcome=Tip.Outcome.RESOLVED, now=closed_at)
    return tip


def test_closed_tips_past_the_period_are_erased_and_audited(world, line, routine, tip_triage):
    old = closed_tip(world, routine, tip_triage, NOW - dt.timedelta(days=365 * 3 + 1))
    recent = closed_tip(world, routine, tip_triage, NOW - dt.timedelta(days=365 * 2))
    stored = TipAttachment.objects.get(tip=old).file
    path = stored.path
    assert services.retention_purge(now=NOW) == 1
    old.refresh_from_db()
    assert old.what_happened == "" and old.contact_name == "" and old.anonymized_at == NOW
    assert old.outcome == Tip.Outcome.RESOLVED and old.category_id == routine.pk  # the counts hold
    assert not TipMessage.objects.filter(tip=old).exists() and not TipNote.objects.filter(tip=old).exists()
    assert not TipAttachment.objects.filter(tip=old).exists()
    import os

    assert not os.path.exists(path)
    recent.refresh_from_db()
    assert recent.what_happened == "Secret details"
    entry = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_type="reporting.tip")
    assert entry.district_id == world.district.pk and "1 closed tips erased after 3 years" in entry.note
    assert services.retention_purge(now=NOW) == 0  # nothing twice


def test_the_period_is_the_districts(world, line, routine, tip_triage):
    line.retention_years = 1
    line.save()
    closed_tip(world, routine, tip_triage, NOW - dt.timedelta(days=400))
    assert services.retention_purge(now=NOW) == 1


def test_the_beat_task_runs_the_purge(world, line, routine, tip_triage):
    from django.conf import settings

    from reporting.tasks import retention_purge

    assert settings.CELERY_BEAT_SCHEDULE["reporting-retention-purge"]["task"] == retention_purge.name
    assert retention_purge.apply().get() == 0


def test_an_erased_tip_tells_the_tipster_and_takes_no_more_messages(client, world, line, routine, tip_triage):
    tip, passphrase = services.tip_submit(district=world.district, category=routine, what_happened="x",
                                          now=NOW - dt.timedelta(days=2000))
    services.tip_update(tip, by=tip_triage, status=Tip.Status.CLOSED, outcome=Tip.Outcome.DUPLICATE,
                        now=NOW - dt.timedelta(days=1999))
    services.retention_purge(now=NOW)
    response = client.post("/tips/en/follow-up/", {"code": tip.code, "passphrase": passphrase})
    # The passphrase hash is erased too: the tip can no longer be opened at all.
    assert "No tip matches" in response.content.decode()

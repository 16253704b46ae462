"""The case file PDF: asked for by the team (audited), rendered in the background, watermarked with who asked
and when, without private notes, downloaded only through the case's scope."""

import pytest
from django.template.loader import render_to_string

from schools.models import AuditEvent
from threat_mgmt import services
from threat_mgmt.documents import case_file_context
from threat_mgmt.models import CaseFile, PrivateNote

from .scope import make_case

pytestmark = pytest.mark.django_db


def test_the_team_asks_for_the_case_file_and_the_request_is_audited(client, world, counselor_threat_team):
    case = make_case(world, world.school_a)
    client.force_login(counselor_threat_team)
    assert client.post(f"/threat/cases/{case.pk}/file/").status_code == 302
    case_file = CaseFile.objects.get(case=case)
    assert case_file.status == CaseFile.Status.QUEUED and case_file.requested_by == counselor_threat_team
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(case.pk)).exists()


def test_the_case_file_is_watermarked_and_leaves_out_private_notes(world, counselor_threat_team):
    case = make_case(world, world.school_a, concerning_behavior="Drew a map of the school")
    PrivateNote.objects.create(case=case, author=counselor_threat_team, body="my private hunch")
    case_file = CaseFile.objects.create(case=case, requested_by=counselor_threat_team)
    html = render_to_string("threat_mgmt/documents/case_file.html", case_file_context(case_file))
    assert f"Prepared for {counselor_threat_team.email}" in html
    assert "Drew a map of the school" in html
    assert "my private hunch" not in html


def test_the_worker_renders_a_pdf(world, counselor_threat_team):
    case = make_case(world, world.school_a)
    case_file = CaseFile.objects.create(case=case, requested_by=counselor_threat_team)
    done = services.case_file_render(case_file_id=case_file.pk)
    assert done.status == CaseFile.Status.READY, done.error
    with done.file.open("rb") as stream:
        assert stream.read(5) == b"%PDF-"
    assert services.case_file_render(case_file_id=case_file.pk) is None  # claimed once


def test_a_new_request_publishes_again_a_file_whose_message_was_lost(world, counselor_threat_team, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from portal import broker

    published = []
    monkeypatch.setattr(broker, "publish", lambda name, args, **kw: published.append((name, args)))
    case = make_case(world, world.school_a)
    lost = CaseFile.objects.create(case=case, requested_by=counselor_threat_team,
                                   requested_at=timezone.now() - dt.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.case_file_request(case=case, by=counselor_threat_team)
    assert sorted(args[0] for _name, args in published) == sorted([lost.pk, fresh.pk])

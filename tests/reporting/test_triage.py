"""Staff triage: the queue by urgency with filters and pagination in a fixed number of queries, the tip page
audited on every read, replies, internal notes, statuses and outcomes, assignment, linked records."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import links, services
from reporting.models import Tip, TipNote
from schools.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/reporting/tips/"


def tip_at(world, category, school=None, minutes_ago=0, **extra):
    from django.utils import timezone

    tip, _ = services.tip_submit(district=world.district, category=category, school=school,
                                 what_happened=extra.pop("text", "Something"),
                                 now=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return tip


def test_the_queue_puts_life_safety_first_then_unacknowledged_then_newest(client, world, tip_triage, life_safety,
                                                                          routine):
    old_routine = tip_at(world, routine, minutes_ago=60)
    new_routine = tip_at(world, routine, minutes_ago=1)
    urgent = tip_at(world, life_safety, minutes_ago=30)
    services.tip_acknowledge(new_routine, by=tip_triage)
    client.force_login(tip_triage)
    html = client.get(LIST).content.decode()
    positions = [html.index(t.code) for t in (urgent, old_routine, new_routine)]
    assert positions == sorted(positions)
    assert "Life safety" in html and "not acknowledged" in html  # words, not colour alone


def test_the_queue_filters_by_status_category_school_and_date(client, world, tip_triage, life_safety, routine):
    a = tip_at(world, routine, school=world.school_a)
    b = tip_at(world, life_safety, school=world.school_b)
    client.force_login(tip_triage)

    def codes(query):
        html = client.get(LIST, query).content.decode()
        return {t.code for t in (a, b) if t.code in html}

    assert codes({"school": world.school_a.pk}) == {a.code}
    assert codes({"category": life_safety.pk}) == {b.code}
    assert codes({"status": "closed"}) == set()
    today = world.district.local_today().isoformat()
    assert codes({"received_from": today}) == {a.code, b.code}
    assert "No tip matches these filters" in client.get(LIST, {"status": "closed"}).content.decode()


def test_the_empty_queue_says_what_to_do_next(client, tip_triage, line):
    client.force_login(tip_triage)
    assert "Share the public tip line" in client.get(LIST).content.decode()


def test_the_queue_costs_the_same_queries_at_3_and_30_tips(client, world, tip_triage, life_safety, routine):
    def add(n):
        for i in range(n):
            tip_at(world, routine if i % 2 else life_safety, school=world.school_a if i % 3 else None)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(tip_triage)
    add(3)
    client.get(LIST)
    at_3 = queries()
    add(27)
    assert queries() == at_3


def test_a_school_team_sees_its_school_and_not_the_district_wide_or_other_school_tips(
        client, world, school_a_admin, counselor_threat_team, routine):
    mine = tip_at(world, routine, school=world.school_a)
    other = tip_at(world, routine, school=world.school_b)
    unsure = tip_at(world, routine)
    for person in (school_a_admin, counselor_threat_team):
        client.force_login(person)
        html = client.get(LIST).content.decode()
        assert mine.code in html and other.code not in html and unsure.code not in html
        assert client.get(reverse("reporting:tip-detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("reporting:tip-detail", args=[unsure.pk])).status_code == 404


def test_staff_and_district_admins_do_not_read_tips(client, world, school_a_staff, district_admin, routine):
    tip = tip_at(world, routine, school=world.school_a)
    for person in (school_a_staff, district_admin):
        client.force_login(person)
        assert client.get(reverse("reporting:tip-detail", args=[tip.pk])).status_code == 404


def test_every_read_of_a_tip_is_audited(client, world, tip_triage, routine):
    tip = tip_at(world, routine, school=world.school_a)
    client.force_login(tip_triage)
    client.get(reverse("reporting:tip-detail", args=[tip.pk]))
    client.get(reverse("reporting:tip-detail", args=[tip.pk]))
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type="reporting.tip",
                                      object_id=str(tip.pk), actor=tip_triage)
    assert reads.count() == 2 and reads.first().district_id == world.district.pk


def test_reply_note_and_triage_from_the_tip_page(client, world, tip_triage, routine):
    tip = tip_at(world, routine, school=world.school_a)
    client.force_login(tip_triage)
    url = reverse("reporting:tip-detail", args=[tip.pk])
    assert client.post(reverse("reporting:tip-reply", args=[tip.pk]), {"body": "Who else saw it?"}).status_code == 302
    note_url = reverse("reporting:tip-note", args=[tip.pk])
    assert client.post(note_url, {"body": "Call the bus company"}).status_code == 302
    response = client.post(reverse("reporting:tip-triage", args=[tip.pk]), {"status": "closed", "outcome": ""})
    assert response.status_code == 400 and "Choose the outcome to close the tip." in response.content.decode()
    assert client.post(reverse("reporting:tip-triage", args=[tip.pk]),
                       {"status": "closed", "outcome": "unfounded", "assigned_to": tip_triage.pk}).status_code == 302
    tip.refresh_from_db()
    assert tip.status == Tip.Status.CLOSED and tip.outcome == "unfounded" and tip.closed_at is not None
    assert tip.acknowledged_by == tip_triage and tip.assigned_to == tip_triage and tip.staff_replied_at
    html = client.get(url).content.decode()
    for words in ("Who else saw it?", "Call the bus company", "Message sent to the tipster", "Internal note added",
                  "Outcome: Unfounded", "Assigned to"):
        assert words in html, words


def test_a_principal_adds_notes_but_does_not_reply_or_triage(client, world, school_a_admin, routine):
    tip = tip_at(world, routine, school=world.school_a)
    client.force_login(school_a_admin)
    assert client.post(reverse("reporting:tip-note", args=[tip.pk]), {"body": "I know the family"}).status_code == 302
    assert client.post(reverse("reporting:tip-reply", args=[tip.pk]), {"body": "Hi"}).status_code == 403
    assert client.post(reverse("reporting:tip-triage", args=[tip.pk]), {"status": "closed"}).status_code == 403
    assert TipNote.objects.filter(tip=tip).count() == 1


def test_an_empty_note_is_refused_with_a_message(client, world, tip_triage, routine):
    tip = tip_at(world, routine)
    client.force_login(tip_triage)
    response = client.post(reverse("reporting:tip-note", args=[tip.pk]), {"body": ""})
    assert response.status_code == 400 and "Write the note first." in response.content.decode()


def test_assignment_offers_only_people_who_may_read_the_tip(client, world, tip_triage, school_a_staff,
                                                            counselor_threat_team, routine):
    tip = tip_at(world, routine, school=world.school_a)
    client.force_login(tip_triage)
    response = client.post(reverse("reporting:tip-triage", args=[tip.pk]),
                           {"status": "in_progress", "assigned_to": school_a_staff.pk})
    assert response.status_code == 400
    assert client.post(reverse("reporting:tip-triage", args=[tip.pk]),
                       {"status": "in_progress", "assigned_to": counselor_threat_team.pk}).status_code == 302


def test_linked_records_panel_shows_other_apps_links_or_an_empty_state(client, world, tip_triage, routine):
    tip = tip_at(world, routine)
    client.force_login(tip_triage)
    url = reverse("reporting:tip-detail", args=[tip.pk])
    assert "No linked records." in client.get(url).content.decode()

    def provider(request, t):
        return [("Threat case 7", "/threat/cases/7/")] if t.pk == tip.pk else []

    links.register_tip_links(provider)
    try:
        html = client.get(url).content.decode()
    finally:
        links.unregister_tip_links(provider)
    assert 'href="/threat/cases/7/"' in html and "Threat case 7" in html


def test_a_broken_link_provider_does_not_hide_the_tip(rf, world, routine):
    tip = tip_at(world, routine)

    def broken(request, t):
        raise RuntimeError("boom")

    links.register_tip_links(broken)
    try:
        assert links.links_for_tip(rf.get("/"), tip) == []
    finally:
        links.unregister_tip_links(broken)


def test_attachments_download_through_the_scope_check_audited(client, world, tip_triage, routine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    tip, _ = services.tip_submit(district=world.district, category=routine, what_happened="x",
                                 files=[SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")])
    attachment = tip.attachments.get()
    client.force_login(tip_triage)
    response = client.get(reverse("reporting:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"hello"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(attachment.pk)).exists()


def test_opening_the_queue_is_audited_too(client, world, tip_triage, routine):
    tip_at(world, routine)
    client.force_login(tip_triage)
    client.get(LIST, {"status": "new"})
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="reporting.tip", object_id="")
    assert entry.actor == tip_triage and "status=new" in entry.note

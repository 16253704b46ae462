"""A real Celery worker (another process, over Redis, on the test database) renders a requested PDF."""

import datetime as dt
import io
import os
import time

import pikepdf
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from compliance import services
from compliance.models import GeneratedDocument
from portal import broker, notifications
from schools.models import Notification
from tests.live_worker import hung_broker

pytestmark = [pytest.mark.live_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_broker_pause_left_over():
    """A broker failure in one test must not pause publishing in the next (portal.broker)."""
    broker.pause_reset()
    yield
    broker.pause_reset()


def test_the_worker_renders_a_requested_school_profile_end_to_end(live_worker, world, school_a_admin,
                                                                  monkeypatch):
    # This process must never render: only the worker may.
    monkeypatch.setattr(services, "document_render", lambda **kwargs: pytest.fail("rendered in the test process"))
    world.school_a.nces_id = "261234567891"
    world.school_a.save()
    document = services.document_request(kind="school_profile", school=world.school_a, district=world.district,
                                         school_year=world.year, by=school_a_admin)
    live_worker.wait_for(
        lambda: GeneratedDocument.objects.get(pk=document.pk).status in {"ready", "failed"}, timeout=60,
        message="the worker did not finish the render")
    document.refresh_from_db()
    try:
        assert document.status == GeneratedDocument.Status.READY, document.error
        host, pid = document.rendered_by.rsplit(":", 1)
        assert int(pid) == live_worker.pid and int(pid) != os.getpid()
        assert document.progress == 100 and document.attempts == 1
        data = document.file.read()
        text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "School A" in text and "261234567891" in text and "Ann Arbor Public Schools" in text
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
            assert str(pdf.Root.Lang).startswith("en")
            assert str(pdf.docinfo.Title) == "School profile: School A, 2026-27"
    finally:
        if document.file:
            document.file.delete(save=False)


def test_pdf_requests_return_quickly_when_the_broker_hangs_and_the_sweep_renders_them_later(
        live_worker, client, world, school_a_admin):
    client.force_login(school_a_admin)
    elapsed = []
    with hung_broker() as url, live_worker.web_broker(url):
        for _ in range(2):
            started = time.monotonic()
            response = client.post(reverse("compliance:document-request"),
                                   {"kind": "school_profile", "school": world.school_a.pk})
            elapsed.append(time.monotonic() - started)
            assert response.status_code == 302
    # The first request waits the broker's socket timeout once; the second does not try the broker again.
    assert elapsed[0] < 5, f"the first request took {elapsed[0]:.1f}s with a hung broker"
    assert elapsed[1] < 1, f"the second request took {elapsed[1]:.1f}s: the broker back-off did not apply"
    documents = list(GeneratedDocument.objects.order_by("pk"))
    assert [d.status for d in documents] == [GeneratedDocument.Status.QUEUED] * 2
    # The broker is back (and the pause over): the sweep finds the documents waiting too long and the worker
    # renders them.
    broker.pause_reset()
    GeneratedDocument.objects.update(queued_at=timezone.now() - services.REQUEUE_AFTER - dt.timedelta(seconds=1))
    assert services.document_sweep()["requeued"] == 2
    live_worker.wait_for(lambda: set(GeneratedDocument.objects.values_list("status", flat=True)) == {"ready"},
                         timeout=90, message="the worker did not render the swept documents")
    for document in GeneratedDocument.objects.all():
        assert document.attempts == 1
        document.file.delete(save=False)


def test_the_worker_renders_the_district_report_end_to_end_and_emails_a_link(live_worker, world, district_leader,
                                                                             monkeypatch):
    """Issue 13: the district compliance report, requested here, rendered by the worker (another process),
    every school's status in the PDF, and the requester emailed a link to it (never the file)."""
    monkeypatch.setattr(services, "document_render", lambda **kwargs: pytest.fail("rendered in the test process"))
    document = services.document_request(kind="district_report", district=world.district, school_year=world.year,
                                         by=district_leader)
    live_worker.wait_for(
        lambda: GeneratedDocument.objects.get(pk=document.pk).status in {"ready", "failed"}, timeout=90,
        message="the worker did not finish the district report")
    document.refresh_from_db()
    try:
        assert document.status == GeneratedDocument.Status.READY, document.error
        assert int(document.rendered_by.rsplit(":", 1)[1]) == live_worker.pid
        data = document.file.read()
        reader = pypdf.PdfReader(io.BytesIO(data))
        text = " ".join(page.extract_text() for page in reader.pages)
        for school in (world.school_a, world.school_b, world.school_c):
            assert school.name in text
        assert "Other District School" not in text
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert str(pdf.docinfo.Title) == "Compliance report: 2026-27" and str(pdf.Root.Lang).startswith("en")
            with pdf.open_outline() as outline:
                assert "9. Drills" in [item.title for item in outline.root]
        link = reverse("compliance:document-detail", args=[document.pk])
        # The worker wrote the ready email to the outbox with the document; its own publish goes to the
        # worker's default queue, which this session's worker does not read, so this process sends it
        # through the worker (as the minute sweep would).
        notification = Notification.objects.get(recipient=district_leader, kind="compliance.document_ready")
        assert notification.link.endswith(link)
        notifications.enqueue_send(notification.pk)
        emails = live_worker.wait_for(
            lambda: [m for m in live_worker.sent_emails() if m["To"] == district_leader.email],
            timeout=30, message="the ready email was not sent")
        assert len(emails) == 1
        body = "".join(part.get_payload(decode=True).decode() for part in emails[0].walk()
                       if part.get_content_type() == "text/plain")
        assert link in body
        assert not any(part.get_content_type() == "application/pdf" for part in emails[0].walk())
    finally:
        if document.file:
            document.file.delete(save=False)

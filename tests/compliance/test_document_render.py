"""Rendering a generated document: the static-only URL fetcher, the PDF itself, and the stuck-render sweep."""

import datetime as dt
import io

import pikepdf
import pypdf
import pytest
from django.utils import timezone

from compliance import pdf, services
from compliance.models import GeneratedDocument
from tests.factories import BuildingFactory

pytestmark = pytest.mark.django_db

Status = GeneratedDocument.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The URL fetcher ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/static/css/documents.css",
    "http://portal-static.invalid/static/css/documents.css",
    "file:///etc/passwd",
    "file:///work/main/static/css/documents.css",
    "data:text/css,body{color:red}",
    "ftp://portal-static.invalid/static/css/documents.css",
    "https://portal-static.invalid/static/../../../etc/passwd",
    "https://portal-static.invalid/static/%2e%2e/%2e%2e/etc/passwd",
    "https://portal-static.invalid/media-not-served/documents/x.pdf",
    "https://portal-static.invalid/static/css/../../manage.py",
    "https://portal-static.invalid/static/",
])
def test_the_fetcher_refuses_everything_but_the_projects_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticOnlyURLFetcher().fetch(url)


def test_the_fetcher_serves_a_static_file_from_disk():
    response = pdf.StaticOnlyURLFetcher().fetch(pdf.STATIC_ORIGIN + "/static/css/documents.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_template_that_links_outside_renders_without_fetching_it(settings, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: opened.append(a) or None)
    html = ('<html lang="en"><head><title>t</title><link rel="stylesheet" href="http://example.com/x.css">'
            '</head><body><img src="file:///etc/hostname" alt="x"><p>Hello</p></body></html>')
    from weasyprint import HTML

    content = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticOnlyURLFetcher()).write_pdf()
    assert content.startswith(b"%PDF")
    assert opened == []


# --- The school profile, rendered eagerly -----------------------------------------------------------


@pytest.fixture
def profile(world, district_admin):
    world.school_a.nces_id = "261234567890"
    world.school_a.street, world.school_a.city, world.school_a.zip_code = "100 Main St", "Ann Arbor", "48104"
    world.school_a.enrollment = 812
    world.school_a.set_grade_span("09", "12")
    world.school_a.save()
    BuildingFactory(school=world.school_a, name="Field house")
    return GeneratedDocument.objects.create(kind="school_profile", district=world.district,
                                            school=world.school_a,
                                            school_year=world.year, title="School profile: School A, 2026-27",
                                            requested_by=district_admin)


def test_the_render_produces_a_tagged_pdf_with_the_schools_facts(profile, buildings_evaluator):
    document = services.document_render(document_id=profile.pk, worker="test:1")
    assert document.status == Status.READY, document.error
    assert document.progress == 100 and document.attempts == 1 and document.rendered_by == "test:1"
    data = document.file.read()
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for expected in ("School A", "261234567890", "High (9-12)", "09-12", "812", "100 Main St",
                     "Field house", "Main building", "2026-27", "Drills", "Not tracked", "At risk"):
        assert expected in text, expected
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    with pikepdf.open(io.BytesIO(data)) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang).startswith("en")
        assert str(doc.docinfo.Title) == "School profile: School A, 2026-27"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        with doc.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"  # declares PDF/UA-1
            assert meta.get("dc:title") == "School profile: School A, 2026-27"


def test_the_stylesheet_reaches_the_pdf_through_the_fetcher(profile, monkeypatch):
    fetched = []
    original = pdf.StaticOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyURLFetcher, "fetch", spy)
    services.document_render(document_id=profile.pk)
    assert fetched == ["https://portal-static.invalid/static/css/documents.css"]


def test_a_document_is_rendered_once_even_if_its_message_comes_twice(profile):
    services.document_render(document_id=profile.pk)
    assert services.document_render(document_id=profile.pk) is None
    profile.refresh_from_db()
    assert profile.attempts == 1


def test_a_render_that_fails_keeps_a_readable_error_and_logs_the_cause(profile, monkeypatch, caplog):
    monkeypatch.setattr(pdf, "render_pdf", lambda *a: (_ for _ in ()).throw(RuntimeError("cairo exploded")))
    document = services.document_render(document_id=profile.pk)
    assert document.status == Status.FAILED
    assert "could not be rendered" in document.error and "cairo" not in document.error
    assert "cairo exploded" in caplog.text
    assert not document.file


def test_a_render_past_its_soft_time_limit_is_failed(profile, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(*args):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pdf, "render_pdf", slow)
    document = services.document_render(document_id=profile.pk)
    assert document.status == Status.FAILED and "took too long" in document.error


def test_the_render_task_has_a_time_limit():
    from compliance.tasks import document_render

    assert document_render.time_limit == services.RENDER_TIME_LIMIT
    assert document_render.soft_time_limit < document_render.time_limit


# --- The sweep ----------------------------------------------------------------------------------------


def test_the_sweep_fails_renders_stuck_past_their_limit_and_leaves_fresh_ones(profile, world, district_admin):
    now = timezone.now()
    stuck = profile
    GeneratedDocument.objects.filter(pk=stuck.pk).update(
        status=Status.RENDERING, started_at=now - services.STUCK_AFTER - dt.timedelta(seconds=1),
        attempts=services.MAX_RENDER_ATTEMPTS)
    fresh = GeneratedDocument.objects.create(kind="school_profile", district=world.district,
                                             school=world.school_b,
                                             title="B", requested_by=district_admin, status=Status.RENDERING,
                                             started_at=now - dt.timedelta(seconds=30))
    assert services.document_sweep(now=now)["failed"] == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == Status.FAILED and "Try again" in stuck.error and stuck.finished_at == now
    assert fresh.status == Status.RENDERING


def test_a_render_that_finishes_after_the_sweep_gave_up_keeps_the_failure(profile, monkeypatch):
    real = pdf.render_pdf

    def sweep_meanwhile(*args):
        services.document_sweep(now=timezone.now() + services.STUCK_AFTER + dt.timedelta(seconds=5))
        return real(*args)

    monkeypatch.setattr(pdf, "render_pdf", sweep_meanwhile)
    # Its last attempt (an earlier attempt would be queued again by the sweep, and rendered once more).
    GeneratedDocument.objects.filter(pk=profile.pk).update(attempts=services.MAX_RENDER_ATTEMPTS - 1)
    document = services.document_render(document_id=profile.pk)
    assert document.status == Status.FAILED
    assert not document.file


def test_the_sweep_enqueues_again_documents_whose_message_was_lost(profile,
                                                                   django_capture_on_commit_callbacks):
    GeneratedDocument.objects.filter(pk=profile.pk).update(
        queued_at=timezone.now() - services.REQUEUE_AFTER - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.document_sweep()
    assert result["requeued"] == 1
    profile.refresh_from_db()
    assert profile.status == Status.READY  # eager in tests: the re-enqueued render ran


def test_a_message_redelivered_after_its_worker_died_leaves_the_claimed_render_to_the_sweep(profile):
    """acks_late + reject_on_worker_lost give the message back when its worker dies mid-render; the
    redelivered message never takes the row from the (possibly live) claimant: past STUCK_AFTER the sweep
    queues it once more (the same row: one document), and fails it if that attempt dies too."""
    from compliance.tasks import document_render

    assert document_render.acks_late and document_render.reject_on_worker_lost
    started = timezone.now() - dt.timedelta(seconds=5)
    GeneratedDocument.objects.filter(pk=profile.pk).update(status=Status.RENDERING, started_at=started,
                                                           attempts=1, rendered_by="dead-host:4242")
    assert services.document_render(document_id=profile.pk, worker="other-host:1") is None
    profile.refresh_from_db()
    assert (profile.status, profile.rendered_by, profile.attempts) == (Status.RENDERING, "dead-host:4242", 1)
    result = services.document_sweep(now=started + services.STUCK_AFTER + dt.timedelta(seconds=1))
    assert (result["retried"], result["failed"]) == (1, 0)
    profile.refresh_from_db()
    assert profile.status == Status.QUEUED and profile.started_at is None
    # The second attempt dies as well: the next sweep fails it, and the person retries it.
    second = timezone.now()
    GeneratedDocument.objects.filter(pk=profile.pk, status=Status.QUEUED).update(  # claimed by a worker that dies
        status=Status.RENDERING, started_at=second, attempts=2, rendered_by="dead-host:4343")
    result = services.document_sweep(now=second + services.STUCK_AFTER + dt.timedelta(seconds=1))
    assert (result["retried"], result["failed"]) == (0, 1)
    profile.refresh_from_db()
    assert profile.status == Status.FAILED and "Try again" in profile.error and profile.attempts == 2
    assert GeneratedDocument.objects.count() == 1


def test_a_render_killed_mid_way_is_rendered_again_by_the_sweep(profile, django_capture_on_commit_callbacks):
    started = timezone.now() - services.STUCK_AFTER - dt.timedelta(seconds=1)
    GeneratedDocument.objects.filter(pk=profile.pk).update(status=Status.RENDERING, started_at=started,
                                                           attempts=1, rendered_by="dead-host:4242")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_sweep()["retried"] == 1
    profile.refresh_from_db()
    assert profile.status == Status.READY and profile.attempts == 2  # eager in tests: the render ran again
    assert GeneratedDocument.objects.count() == 1


def test_a_message_redelivered_before_its_claim_renders_the_document(profile):
    """A worker that died before claiming (the message was reserved, not started): the redelivery renders."""
    document = services.document_render(document_id=profile.pk, worker="other-host:1")
    assert document.status == Status.READY and document.attempts == 1

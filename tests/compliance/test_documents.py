"""Generated-document pages: list, request, progress, download, retry."""

import pytest
from django.urls import reverse

from compliance import services
from compliance.models import GeneratedDocument
from schools.models import AuditEvent

pytestmark = pytest.mark.django_db

Status = GeneratedDocument.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_document(world, school, by, **fields):
    return GeneratedDocument.objects.create(
        kind="school_profile", district=school.district, school=school, title=f"School profile: {school.name}",
        requested_by=by, **fields)


@pytest.fixture
def ready_document(world, school_a_admin):
    """A rendered profile of School A (rendered eagerly, as the worker would)."""
    document = make_document(world, world.school_a, school_a_admin)
    return services.document_render(document_id=document.pk)


def test_requesting_a_profile_creates_the_row_and_renders_it_after_commit(client, school_a_admin, world,
                                                                          django_capture_on_commit_callbacks):
    client.force_login(school_a_admin)
    form = client.get(reverse("compliance:document-request"), {"kind": "school_profile",
                                                               "school": world.school_a.pk})
    assert form.status_code == 200
    assert list(form.context["form"].fields["school"].queryset) == [world.school_a]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("compliance:document-request"),
                               {"kind": "school_profile", "school": world.school_a.pk, "school_year": ""})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/compliance/documents/{document.pk}/"
    # The render (run eagerly here), then the ready email it wrote to the outbox (compliance/services.py).
    assert [c.func.__name__ for c in callbacks] == ["publish", "enqueue_send"]
    document.refresh_from_db()
    assert document.status == Status.READY and document.requested_by == school_a_admin
    assert document.title == "School profile: School A"
    assert AuditEvent.objects.filter(action="create", object_type="compliance.generateddocument").exists()


def test_a_broker_failure_at_enqueue_keeps_the_request_and_is_logged(client, school_a_admin, world, monkeypatch,
                                                                    caplog, django_capture_on_commit_callbacks):
    from compliance.tasks import document_render

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(document_render, "apply_async", down)
    client.force_login(school_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:document-request"),
                               {"kind": "school_profile", "school": world.school_a.pk})
    assert response.status_code == 302
    assert GeneratedDocument.objects.get().status == Status.QUEUED
    assert "Could not enqueue the render" in caplog.text


def test_a_school_outside_the_persons_scope_cannot_be_requested(client, school_a_admin, world):
    client.force_login(school_a_admin)
    response = client.post(reverse("compliance:document-request"),
                           {"kind": "school_profile", "school": world.school_b.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_roles_that_may_not_request_documents_get_a_403(client, school_a_staff, sro_two_schools, world):
    for person in (school_a_staff, sro_two_schools):
        client.force_login(person)
        assert client.get(reverse("compliance:document-request")).status_code == 403


def test_the_service_refuses_an_inconsistent_or_unauthorised_request(world, school_a_admin, school_a_staff):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.document_request(kind="school_profile", school=world.school_a, district=world.other_district,
                                  by=school_a_admin)
    with pytest.raises(PermissionDenied):
        services.document_request(kind="school_profile", school=world.school_b, district=world.district,
                                  by=school_a_admin)
    with pytest.raises(PermissionDenied):
        services.document_request(kind="school_profile", school=world.school_a, district=world.district,
                                  by=school_a_staff)


def test_the_list_shows_only_documents_in_scope_and_filters_by_kind_and_status(client, school_a_admin,
                                                                               district_admin, world):
    mine = make_document(world, world.school_a, school_a_admin)
    failed = make_document(world, world.school_a, school_a_admin, status=Status.FAILED)
    make_document(world, world.school_b, district_admin)
    client.force_login(school_a_admin)
    response = client.get(reverse("compliance:document-list"))
    assert list(response.context["page"].object_list) == [failed, mine]
    response = client.get(reverse("compliance:document-list"), {"status": "failed", "kind": "school_profile"})
    assert list(response.context["page"].object_list) == [failed]
    assert "School B" not in [str(s) for s in response.context["filterset"].form.fields["school"].queryset]


def test_the_list_query_count_does_not_grow_with_rows(client, district_admin, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        make_document(world, world.school_a, district_admin)
    client.force_login(district_admin)
    client.get(reverse("compliance:document-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("compliance:document-list"))
    for school in (world.school_b, world.school_c) * 14:
        make_document(world, school, district_admin)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("compliance:document-list"))
    assert len(many) == len(few)


def test_the_progress_partial_polls_every_2_seconds_until_the_document_is_done(client, school_a_admin, world):
    document = make_document(world, world.school_a, school_a_admin, status=Status.RENDERING, progress=40)
    client.force_login(school_a_admin)
    html = client.get(reverse("compliance:document-detail", args=[document.pk])).content.decode()
    assert f'hx-get="/compliance/documents/{document.pk}/progress/" hx-trigger="every 2s"' in html
    assert '<progress id="document-progress-bar" class="w-100" max="100" value="40">' in html
    assert 'role="status" aria-live="polite"' in html
    partial = client.get(reverse("compliance:document-progress", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="document-progress" hx-get=')
    GeneratedDocument.objects.filter(pk=document.pk).update(status=Status.FAILED, error="It broke.")
    partial = client.get(reverse("compliance:document-progress", args=[document.pk])).content.decode()
    assert "hx-get" not in partial and "hx-trigger" not in partial
    assert "It broke." in partial and "Try again" in partial


def test_a_document_outside_a_persons_scope_is_a_404_everywhere(client, school_b_admin, ready_document):
    client.force_login(school_b_admin)
    for name in ("document-detail", "document-progress", "document-download"):
        assert client.get(reverse(f"compliance:{name}", args=[ready_document.pk])).status_code == 404, name
    assert client.post(reverse("compliance:document-retry", args=[ready_document.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()
    assert AuditEvent.objects.filter(action="denied_404", object_type="compliance.generateddocument").exists()


def test_a_person_of_another_district_gets_a_404_for_a_district_wide_document(client, district_admin, world,
                                                                              school_a_admin):
    from tests.factories import MembershipFactory, UserFactory

    outsider = UserFactory()
    MembershipFactory(user=outsider, role="district_admin", district=world.other_district)
    district_wide = GeneratedDocument.objects.create(kind="school_profile", district=world.district, title="All",
                                                     requested_by=district_admin)
    client.force_login(outsider)
    assert client.get(reverse("compliance:document-detail", args=[district_wide.pk])).status_code == 404
    client.force_login(school_a_admin)  # a school role does not read district-wide documents either
    assert client.get(reverse("compliance:document-detail", args=[district_wide.pk])).status_code == 404
    client.force_login(district_admin)
    assert client.get(reverse("compliance:document-detail", args=[district_wide.pk])).status_code == 200


def test_each_download_streams_the_pdf_safely_and_leaves_an_audit_row(client, district_leader, ready_document):
    client.force_login(district_leader)
    url = reverse("compliance:document-download", args=[ready_document.pk])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        name = f"school-profile-school-a-{ready_document.pk}.pdf"
        assert response["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    events = AuditEvent.objects.filter(action="download", object_type="compliance.generateddocument",
                                       object_id=str(ready_document.pk), actor=district_leader)
    assert events.count() == 2
    assert "/media" not in client.get(reverse("compliance:document-detail", args=[ready_document.pk])
                                      ).content.decode()


def test_a_document_that_is_not_ready_cannot_be_downloaded(client, school_a_admin, world):
    document = make_document(world, world.school_a, school_a_admin)
    client.force_login(school_a_admin)
    assert client.get(reverse("compliance:document-download", args=[document.pk])).status_code == 404


def test_a_failed_render_can_be_retried_by_post(client, school_a_admin, world, django_capture_on_commit_callbacks):
    document = make_document(world, world.school_a, school_a_admin, status=Status.FAILED, error="Boom")
    client.force_login(school_a_admin)
    url = reverse("compliance:document-retry", args=[document.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    document.refresh_from_db()
    assert document.status == Status.READY and document.error == "" and document.attempts == 1
    client.post(url)  # not failed any more: nothing happens
    document.refresh_from_db()
    assert document.attempts == 1


def test_the_school_page_offers_its_profile_to_those_who_may_request_it(client, school_a_admin, school_a_staff,
                                                                        world):
    url = reverse("compliance:school-status", args=[world.school_a.pk])
    client.force_login(school_a_admin)
    assert "?kind=school_profile&amp;school=" in client.get(url).content.decode()
    client.force_login(school_a_staff)
    assert "?kind=school_profile" not in client.get(url).content.decode()

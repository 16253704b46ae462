"""The year's drill log as CSV and as a PDF (GeneratedDocument, rendered by a worker)."""

import csv
import datetime as dt
import io
import os

import pypdf
import pytest

from compliance import services
from compliance.models import GeneratedDocument
from schools.models import AuditEvent

from .factories import held, planned

CSV_URL = "/drills/compliance/{}/log.csv"


def _rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_the_csv_holds_the_years_log_with_corrections_marked(client, world, school_a_admin):
    original = held(world.school_a, dt.date(2026, 9, 10), issues_found="=HYPERLINK(\"http://x\")")
    original.sign_off(by=school_a_admin)
    correction = original.correction_draft()
    correction.correction_reason = "Wrong kind."
    correction.save()
    planned(world.school_a, dt.date(2027, 3, 3))
    held(world.school_a, dt.date(2025, 9, 10))  # last year
    held(world.school_b, dt.date(2026, 9, 10))  # another school
    client.force_login(school_a_admin)
    response = client.get(CSV_URL.format(world.school_a.pk) + f"?year={world.year.pk}")
    assert response.status_code == 200
    rows = _rows(response)
    assert [r["Entry"] for r in rows] == [str(original.pk), str(correction.pk), rows[2]["Entry"]]
    assert rows[0]["Superseded by"] == str(correction.pk) and rows[1]["Corrects"] == str(original.pk)
    assert rows[0]["Issues found"].startswith("'=")  # a formula stays text in a spreadsheet
    assert rows[0]["Signed by"] == "Ana Principal"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="drills.drill").exists()


@pytest.mark.django_db
def test_staff_and_officers_cannot_export(client, world, school_a_staff, sro_two_schools):
    for user in (school_a_staff, sro_two_schools):
        client.force_login(user)
        assert client.get(CSV_URL.format(world.school_a.pk)).status_code == 403


@pytest.mark.django_db
def test_another_schools_log_is_a_404(client, world, school_a_admin):
    client.force_login(school_a_admin)
    assert client.get(CSV_URL.format(world.school_b.pk)).status_code == 404


@pytest.mark.django_db
def test_the_drill_log_pdf_renders_with_the_compliance_and_the_log(world, school_a_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    held(world.school_a, dt.date(2026, 9, 10))
    document = services.document_request(kind="drill_log", school=world.school_a, district=world.district,
                                         school_year=world.year, by=school_a_admin)
    document = services.document_render(document_id=document.pk)
    assert document.status == GeneratedDocument.Status.READY, document.error
    text = " ".join("".join(page.extract_text() for page in pypdf.PdfReader(document.file.open("rb")).pages).split())
    assert "Drill log" in text and "School A" in text and "Fire evacuation" in text
    assert "fire drills" in text  # the requirement rows


@pytest.mark.django_db
def test_the_compliance_page_offers_the_pdf_and_csv_to_the_school_admin(client, world, school_a_admin):
    client.force_login(school_a_admin)
    body = client.get(f"/drills/compliance/{world.school_a.pk}/").content.decode()
    assert "kind=drill_log" in body and "log.csv" in body


@pytest.mark.live_worker
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_renders_the_drill_log_pdf(live_worker, world, school_a_admin, monkeypatch):
    monkeypatch.setattr(services, "document_render", lambda **kw: pytest.fail("rendered in the test process"))
    held(world.school_a, dt.date(2026, 9, 10))
    document = services.document_request(kind="drill_log", school=world.school_a, district=world.district,
                                         school_year=world.year, by=school_a_admin)
    live_worker.wait_for(lambda: GeneratedDocument.objects.get(pk=document.pk).status in {"ready", "failed"},
                         timeout=60, message="the worker did not finish the drill log")
    document.refresh_from_db()
    try:
        assert document.status == GeneratedDocument.Status.READY, document.error
        assert int(document.rendered_by.rsplit(":", 1)[1]) == live_worker.pid != os.getpid()
        text = pypdf.PdfReader(io.BytesIO(document.file.read())).pages[0].extract_text()
        assert "School A" in text and "Drill log" in text
    finally:
        if document.file:
            document.file.delete(save=False)


@pytest.mark.django_db
def test_the_drill_log_pdf_shows_a_signed_log_by_the_names_it_had_when_signed(world, school_a_admin):
    from django.template.loader import render_to_string

    from drills.documents import drill_section_context
    from drills.models import DrillKind

    signed = held(world.school_a, dt.date(2026, 9, 10), code="lockdown")
    signed.sign_off(by=school_a_admin)
    unsigned = held(world.school_a, dt.date(2026, 9, 11), code="lockdown")
    DrillKind.objects.filter(pk=signed.kind_id).update(name="Renamed lockdown")
    context = drill_section_context(world.school_a, world.year, dt.date(2026, 9, 30))
    html = render_to_string("drills/documents/_drill_section.html", context)
    assert html.count("<td>Lockdown</td>") == 1 and html.count("<td>Renamed lockdown</td>") == 1
    entries = {d.pk: d.kind_name for d in context["drills"]}
    assert entries == {signed.pk: "Lockdown", unsigned.pk: "Renamed lockdown"}

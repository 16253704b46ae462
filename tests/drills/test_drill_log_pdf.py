"""The drill-log PDF as an auditor reads it, read back from the PDF: the school year, entries not signed and
planned drills past their time marked, the district's counting rule, the attestation and its signature
block, and sentences whose nouns agree with their numbers. The district's setting "unsigned drills count"
changes what the evaluator counts; its page is the district admin's."""

import datetime as dt

import pypdf
import pytest

from compliance import services
from compliance.models import GeneratedDocument
from drills.evaluators import compliance_calendars, evaluate
from drills.models import DrillSettings
from schools.models import AuditEvent
from tests.drills.factories import RequirementFactory, held, planned

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 20)


def pdf_text(document) -> str:
    with document.file.open("rb") as f:
        reader = pypdf.PdfReader(f)
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def render(world, by, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = services.document_request(kind="drill_log", school=world.school_a, district=world.district,
                                         school_year=world.year, by=by)
    document = services.document_render(document_id=document.pk)
    assert document.status == GeneratedDocument.Status.READY, document.error
    return pdf_text(document)


def fall_log(world, admin):
    """Four fire drills before Dec 1 (three signed), one lockdown (signed), one planned drill left
    unrecorded after its time."""
    school = world.school_a
    for day in (dt.date(2026, 9, 8), dt.date(2026, 9, 22), dt.date(2026, 10, 6)):
        held(school, day).sign_off(by=admin)
    unsigned = held(school, dt.date(2026, 10, 20))
    held(school, dt.date(2026, 10, 13), "lockdown").sign_off(by=admin)
    overdue = planned(school, dt.date(2026, 11, 3), code="shelter_severe_weather")
    return unsigned, overdue


def test_the_pdf_names_the_year_marks_what_is_not_signed_or_past_and_ends_with_an_attestation(
        world, school_a_admin, settings, tmp_path):
    unsigned, overdue = fall_log(world, school_a_admin)
    assert overdue.past_planned_time
    text = render(world, school_a_admin, settings, tmp_path)

    assert "School year 2026-27" in text
    assert "School year: 2026-27 (1 Jul 2026 to 30 Jun 2027)" in text
    # one NOT SIGNED entry (and the note explaining the mark); signed ones carry the signer's name
    assert text.count("NOT SIGNED: counts") == 1
    assert "1 held drill is marked NOT SIGNED" in text
    assert text.count(str(school_a_admin)) >= 4
    # the planned drill past its time
    assert text.count("PAST ITS PLANNED TIME: no results recorded") == 1
    assert "1 planned drill is marked PAST ITS PLANNED TIME" in text
    # the rule that applies
    assert "Counting rule: every completed drill counts, signed or not" in text
    # the attestation and the signature block close the document
    attestation = text.index("Attestation")
    assert ("I attest that, to the best of my knowledge, this drill log is a true, accurate and complete record "
            "of the emergency drills conducted at School A (Ann Arbor Public Schools) during the 2026-27 school "
            "year") in text
    block = text[attestation:]
    for line in ("Signature of the person attesting", "Name", "Title", "Signature", "Date"):
        assert line in block
    assert text.index("Requested by") > attestation  # only the footer follows


def test_the_pdf_reads_grammatically(world, school_a_admin, settings, tmp_path):
    fall_log(world, school_a_admin)
    RequirementFactory(district=world.district, code="district-reunification", title="reunification drills",
                       min_count=1, kind_codes=["reunification"])
    text = render(world, school_a_admin, settings, tmp_path)

    assert "4 fire drills by Dec 1 (3 required)" in text
    assert "1 lockdown drill by Dec 1 (1 required)" in text
    assert "At least 1 lockdown drill by Dec 1" in text
    assert "At least 1 reunification drill each school year" in text
    assert "0 of 1 reunification drill this school year" in text or "0 of 1 reunification drill" in text
    # drills held per kind: "1 drill", "4 drills (1 not signed yet)"
    assert "Lockdown 1 drill" in text
    assert "Fire evacuation 4 drills (1 not signed yet)" in text
    for wrong in ("1 lockdown drills", "1 reunification drills", "1 drills", "1 fire drills", "of 3 fire drill "):
        assert wrong not in text, wrong


def test_phrases_agree_with_their_number(world):
    requirement = RequirementFactory(district=world.district, title="fire drills (or school security drills)",
                                     min_count=1)
    assert requirement.what(1) == "fire drill (or school security drills)"
    assert requirement.what(0) == requirement.what(2) == "fire drills (or school security drills)"
    assert requirement.count_phrase() == "at least 1 fire drill (or school security drills) each school year"
    tests = RequirementFactory(district=world.district, title="tests of emergency response procedures",
                               min_count=2)
    assert tests.what(1) == "test of emergency response procedures"
    assert tests.count_phrase() == "at least 2 tests of emergency response procedures each school year"


def test_the_district_setting_decides_whether_unsigned_drills_count(world, school_a_admin, settings, tmp_path):
    school = world.school_a
    for day in (dt.date(2026, 9, 8), dt.date(2026, 9, 22), dt.date(2026, 10, 6)):
        held(school, day)  # three fire drills before Dec 1, none signed
    held(school, dt.date(2026, 10, 13), "lockdown").sign_off(by=school_a_admin)

    def by_dec1():
        rows = compliance_calendars([school], world.year, AS_OF)[school.pk].rows
        return next(r for r in rows if r.requirement.code == "mi-fire-by-dec1")

    assert str(by_dec1().status) == "met"
    assert by_dec1().reason == "3 fire drills by Dec 1 (3 required)"
    counted = evaluate([school], world.year, AS_OF)[school.pk]

    DrillSettings.objects.create(district=world.district, unsigned_drills_count=False)
    row = by_dec1()
    assert str(row.status) == "at_risk"
    assert row.reason == "0 of 3 fire drills by Dec 1"
    assert evaluate([school], world.year, AS_OF)[school.pk] != counted
    # a drill of the district counts again once signed
    from drills.models import Drill

    for drill in Drill.objects.filter(school=school, signed_at__isnull=True, status="completed"):
        drill.sign_off(by=school_a_admin)
    assert by_dec1().reason == "3 fire drills by Dec 1 (3 required)"
    # another district's setting changes nothing here
    DrillSettings.objects.create(district=world.other_district, unsigned_drills_count=True)
    assert str(by_dec1().status) == "met"


def test_the_pdf_states_the_signed_only_rule_and_marks_unsigned_entries_as_not_counting(
        world, school_a_admin, settings, tmp_path):
    DrillSettings.objects.create(district=world.district, unsigned_drills_count=False)
    held(world.school_a, dt.date(2026, 9, 8))
    text = render(world, school_a_admin, settings, tmp_path)
    assert "Counting rule: a completed drill counts only once the school administrator has signed its log" in text
    assert "NOT SIGNED: does not count yet" in text
    assert "Under this district's rule they do not count toward the requirements until signed" in text


def test_the_settings_page_is_the_district_admins_and_changes_the_rule(client, world, district_admin,
                                                                      school_a_admin):
    client.force_login(district_admin)
    home = client.get("/").content.decode()
    assert "/drills/settings/" in home  # in the navigation
    page = client.get("/drills/settings/").content.decode()
    assert "Count drills whose log is not signed yet" in page and "every completed drill counts" in page
    response = client.post("/drills/settings/", {})  # the box unticked
    assert response.status_code == 302
    assert DrillSettings.unsigned_count_for(world.district.pk) is False
    assert AuditEvent.objects.filter(object_type="drills.drillsettings", action=AuditEvent.Action.UPDATE).exists()
    page = client.get(f"/drills/compliance/{world.school_a.pk}/").content.decode()
    assert "counts only once the school administrator has signed its log" in page
    client.post("/drills/settings/", {"unsigned_drills_count": "on"})
    assert DrillSettings.unsigned_count_for(world.district.pk) is True
    assert DrillSettings.objects.filter(district=world.district).count() == 1

    client.force_login(school_a_admin)
    assert client.get("/drills/settings/").status_code == 403
    assert "/drills/settings/" not in client.get("/").content.decode()


def test_the_evaluator_still_runs_a_fixed_number_of_queries_with_the_setting(world, django_assert_max_num_queries):
    DrillSettings.objects.create(district=world.district, unsigned_drills_count=False)
    held(world.school_a, dt.date(2026, 9, 8))
    with django_assert_max_num_queries(8):
        evaluate([world.school_a, world.school_b, world.school_c], world.year, AS_OF)


def test_the_document_page_never_says_being_prepared_beside_ready(client, world, school_a_admin, settings,
                                                                 tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(school_a_admin)
    response = client.post("/compliance/documents/new/", {"kind": "drill_log", "school": world.school_a.pk,
                                                          "school_year": world.year.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    document = GeneratedDocument.objects.get()
    if document.status != GeneratedDocument.Status.READY:  # (eager Celery renders it at once)
        services.document_render(document_id=document.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Ready" in page and "Download the PDF" in page
    assert "being prepared" not in page
    progress = client.get(f"/compliance/documents/{document.pk}/progress/").content.decode()
    assert "being prepared" not in progress and "hx-get" not in progress


def test_an_unsigned_drill_says_whether_it_counts_yet(client, world, school_a_admin):
    drill = held(world.school_a, dt.date(2026, 9, 8))
    client.force_login(school_a_admin)
    page = client.get(f"/drills/drills/{drill.pk}/").content.decode()
    assert "it already counts toward the drill requirements" in page
    DrillSettings.objects.create(district=world.district, unsigned_drills_count=False)
    page = client.get(f"/drills/drills/{drill.pk}/").content.decode()
    assert "does not count toward the drill requirements until it is signed" in page
    drill.sign_off(by=school_a_admin)
    page = client.get(f"/drills/drills/{drill.pk}/").content.decode()
    assert "until it is signed" not in page and "already counts" not in page

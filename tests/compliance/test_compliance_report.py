"""The district and school compliance reports (issue 13), rendered eagerly and read back with pypdf/pikepdf."""

import datetime as dt
import io
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from compliance import documents, registry, reports, services
from compliance.models import GeneratedDocument
from compliance.registry import Result, Status
from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN
from portal.templatetags.portal import status_icon
from schools.models import AuditEvent, Building, Notification, School
from tests.factories import BuildingFactory, SchoolFactory

from .conftest import count_buildings

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def statuses(world, restore_registry):
    """Action 3 by buildings: School A at risk (one), School B met (three), School C not met (none)."""
    registry.register_evaluator(3, count_buildings, reason_roles={DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN})
    BuildingFactory(school=world.school_b, name="Gym")
    BuildingFactory(school=world.school_b, name="Annex")
    Building.objects.filter(school=world.school_c).delete()
    return registry


def render(kind, *, by, district, school=None, school_year=None, language=None):
    document = services.document_request(kind=kind, district=district, school=school, school_year=school_year,
                                         by=by, language=language)
    document = services.document_render(document_id=document.pk, worker="test:1")
    assert document.status == GeneratedDocument.Status.READY, document.error
    return document


def page_texts(document) -> list[str]:
    document.file.open("rb")
    try:
        data = document.file.read()
    finally:
        document.file.close()
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def action_pages(texts, number) -> str:
    """The text of the pages of one action's section: from its table's caption to the next action's (or the
    appendix)."""
    start = next((i for i, t in enumerate(texts) if f"Action {number}: each school's status" in t), None)
    if start is None:
        return ""
    end = start + 1
    following = f"Action {number + 1}: each school's status" if number < 10 else "Appendix: each school"
    while end < len(texts) and following not in texts[end]:
        end += 1
    return squash(" ".join(texts[start:end]))


# --- What the district report prints -----------------------------------------------------------


def test_each_schools_status_reaches_the_district_report_as_computed(world, district_admin, statuses):
    document = render("district_report", by=district_admin, district=world.district, school_year=world.year)
    texts = page_texts(document)
    whole = squash(" ".join(texts))
    schools = [world.school_a, world.school_b, world.school_c]
    table = registry.evaluate_all(schools, world.year, reports.as_of_for(world.year, world.district))
    assert [table[s.pk][3].status for s in schools] == [Status.AT_RISK, Status.MET, Status.NOT_MET]
    for number in registry.ACTIONS:
        section = action_pages(texts, number)
        assert section, f"no section for action {number}"
        for school in schools:
            result = table[school.pk][number]
            # Text and symbol, never colour alone.
            assert f"{school.name} {status_icon(result.status)} {result.status.label}" in section, (number, school)
    action_3 = action_pages(texts, 3)
    assert "Only the main building is registered. Register the portables." in action_3
    assert "No building registered." in action_3
    # The matrix: one row per school, the ten statuses in order.
    for school in schools:
        row = " ".join(f"{status_icon(table[school.pk][n].status)} {table[school.pk][n].status.label}"
                       for n in sorted(registry.ACTIONS))
        assert f"{school.name} {row}" in whole, school
    # The cover, the executive summary, the trend, the appendix and the citations.
    for expected in ("Ann Arbor Public Schools", "Compliance report: 2026-27", "Requested by Dana Admin",
                     "Executive summary", "Schools by action", "Year over year", "Appendix: each school",
                     "Rules and standards cited"):
        assert expected in whole, expected
    # The other district never appears.
    assert "Other District School" not in whole


def test_an_action_without_a_section_says_so_and_drills_prints_its_own(world, district_admin, statuses):
    document = render("district_report", by=district_admin, district=world.district, school_year=world.year)
    texts = page_texts(document)
    assert "No detailed section for this action yet." in action_pages(texts, 3)
    drills = action_pages(texts, 9)
    assert "No detailed section for this action yet." not in drills
    for school in (world.school_a, world.school_b, world.school_c):
        assert f"Drills at {school.name}" in drills
    # The drills rules carry their citations into the report.
    assert "Michigan" in drills and "MCL 29.19" in drills
    citations = squash(" ".join(t for t in texts if "Rules and standards cited" in t))
    assert "9. Drills" in citations and "MCL 29.19" in citations


def test_the_drills_result_cites_the_rules_it_was_judged_against(world):
    from drills.evaluators import evaluate

    result = evaluate([world.school_a], world.year, reports.as_of_for(world.year, world.district))[world.school_a.pk]
    assert result.citations and all(c.startswith("Michigan: ") for c in result.citations)
    assert any("MCL 29.19" in c for c in result.citations)


def test_the_pdf_is_tagged_with_title_language_and_a_bookmark_per_action(world, district_admin, statuses):
    document = render("district_report", by=district_admin, district=world.district, school_year=world.year)
    document.file.open("rb")
    with pikepdf.open(io.BytesIO(document.file.read())) as pdf:
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang).startswith("en")
        assert str(pdf.docinfo.Title) == "Compliance report: 2026-27" == document.title
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            appendix = next(item for item in outline.root if item.title == "Appendix: each school")
            schools = [item.title for item in appendix.children]
    document.file.close()
    for action in registry.actions():
        assert f"{action.number}. {action.title}" in top
    assert {"About this report", "Executive summary", "Schools by action", "Year over year",
            "Rules and standards cited"} <= set(top)
    assert schools == ["School A", "School B", "School C"]


def test_the_report_is_rendered_in_the_requesters_language(world, district_admin, statuses):
    with translation.override("es"):
        document = services.document_request(kind="district_report", district=world.district,
                                             school_year=world.year, by=district_admin)
    assert document.language == "es"
    document = services.document_render(document_id=document.pk)
    document.file.open("rb")
    with pikepdf.open(io.BytesIO(document.file.read())) as pdf:
        assert str(pdf.Root.Lang) == "es"
    document.file.close()


# --- Reasons only for those who may read them -------------------------------------------------------


def test_a_leader_who_may_not_read_an_actions_reasons_gets_none_of_them(world, district_admin, district_leader,
                                                                        client, statuses):
    # Action 3's reasons are for district admins only here.
    registry.register_evaluator(3, count_buildings, reason_roles={DISTRICT_ADMIN})
    leaders = render("district_report", by=district_leader, district=world.district, school_year=world.year)
    texts = page_texts(leaders)
    whole = squash(" ".join(texts))
    assert "Only the main building is registered" not in whole and "No building registered" not in whole
    assert "Register the portables" not in whole
    assert "The reason is shown only to the people who work on this action." in action_pages(texts, 3)
    assert 3 not in leaders.reason_actions

    admins = render("district_report", by=district_admin, district=world.district, school_year=world.year)
    assert "Only the main building is registered" in squash(" ".join(page_texts(admins)))
    assert 3 in admins.reason_actions

    # The leader may download their own copy, never the admin's (it prints reasons they may not read).
    client.force_login(district_leader)
    own = client.get(reverse("compliance:document-download", args=[leaders.pk]))
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, actor=district_leader,
                                     object_id=str(leaders.pk)).count() == 1
    refused = client.get(reverse("compliance:document-download", args=[admins.pk]))
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, actor=district_leader,
                                     object_id=str(admins.pk)).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(admins.pk)).exists()
    detail = client.get(reverse("compliance:document-detail", args=[admins.pk]))
    assert "Download the PDF" not in detail.content.decode()


def test_a_school_admin_reads_the_school_report_and_never_another_schools(world, school_a_admin, client, statuses):
    document = render("school_report", by=school_a_admin, district=world.district, school=world.school_a,
                      school_year=world.year)
    assert document.title == "Compliance report: School A, 2026-27"
    whole = squash(" ".join(page_texts(document)))
    assert "School A ⚠ At risk Only the main building is registered." in whole
    assert "School B" not in whole and "School C" not in whole
    client.force_login(school_a_admin)
    assert client.get(reverse("compliance:document-download", args=[document.pk])).status_code == 200
    # A school admin cannot ask for the district report.
    with pytest.raises(services.PermissionDenied):
        services.document_request(kind="district_report", district=world.district, by=school_a_admin)


def test_the_district_report_of_another_district_is_a_404(world, district_admin, client, statuses):
    from tests.conftest import Role, _person

    document = render("district_report", by=district_admin, district=world.district, school_year=world.year)
    other_admin = _person("admin@other.example", "Otto Other",
                          dict(role=Role.DISTRICT_ADMIN, district=world.other_district))
    client.force_login(other_admin)
    assert client.get(reverse("compliance:document-download", args=[document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_NOT_FOUND, actor=other_admin).exists()


# --- Confidential sections ---------------------------------------------------------------------------


@pytest.fixture
def confidential_section(settings, restore_registry):
    """A confidential section of action 10 with a long part per school (it runs over several pages)."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]
    registry.ACTIONS[10].reason_roles = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER})

    def context(schools, school_year, as_of):
        return {s.pk: {"school": s, "label": "Case review", "lines": range(40)} for s in schools}

    section = documents.ReportSection(key="test_confidential", action=10,
                                      template="tests_compliance/_confidential_section.html",
                                      context=context, confidential=True)
    documents.register_section(section)
    yield section
    documents.unregister_section(section.key)


def test_every_page_of_a_confidential_section_says_so_in_its_running_header(world, district_leader,
                                                                           confidential_section):
    document = render("district_report", by=district_leader, district=world.district, school_year=world.year)
    texts = page_texts(document)
    header = "Confidential: action 10 holds confidential information."
    carrying = [i for i, text in enumerate(texts) if "Case line" in text]
    assert len(carrying) >= 3, "the test section should run over several pages"
    for i in carrying:
        assert header in squash(texts[i]), f"page {i + 1} carries the confidential section without the header"
    # Pages without it have no such header (the cover, the drills section).
    assert header not in squash(texts[0])
    drills_pages = [i for i, text in enumerate(texts) if "Action 9: each school's status" in text]
    assert drills_pages and all(header not in squash(texts[i]) for i in drills_pages)


def test_a_confidential_section_is_left_out_for_roles_that_may_not_read_the_action(world, district_leader,
                                                                                  confidential_section):
    registry.ACTIONS[10].reason_roles = frozenset({DISTRICT_ADMIN})
    document = render("district_report", by=district_leader, district=world.district, school_year=world.year)
    whole = squash(" ".join(page_texts(document)))
    assert "Case line" not in whole and "Case review" not in whole
    assert 10 not in document.reason_actions


# --- Trend ----------------------------------------------------------------------------------------


def test_the_trend_compares_with_last_year_as_of_the_same_date(world, district_admin, restore_registry, past_year):
    this_year = world.year

    def evaluator(schools, school_year, as_of):
        status = Status.MET if school_year.pk == this_year.pk else Status.NOT_MET
        return {s.pk: Result(status, f"as of {as_of.isoformat()}") for s in schools}

    registry.register_evaluator(2, evaluator)
    as_of = reports.as_of_for(this_year, world.district)
    context = reports.build(district=world.district, schools=[world.school_a, world.school_b], school_year=this_year,
                            as_of=as_of, requester=district_admin)
    assert context["last_year"] == past_year
    assert context["last_as_of"] == reports.same_day_last_year(as_of, past_year)
    block = context["blocks"][1]
    assert (block.met, block.last_met, block.met_change, block.last_not_met) == (2, 0, 2, 2)
    document = render("district_report", by=district_admin, district=world.district, school_year=this_year)
    trend = squash(" ".join(t for t in page_texts(document) if "Year over year" in t))
    assert f"Compared with {past_year.name} as of the same date" in trend
    assert "2. School climate 3 0 ▲ 3 more met 0 3" in trend


def test_same_day_last_year_handles_leap_days_and_stays_in_last_year():
    year = type("Y", (), {"starts_on": dt.date(2023, 7, 1), "ends_on": dt.date(2024, 6, 30)})
    assert reports.same_day_last_year(dt.date(2024, 11, 3), year) == dt.date(2023, 11, 3)
    assert reports.same_day_last_year(dt.date(2025, 11, 3), year) == dt.date(2024, 6, 30)
    assert reports.same_day_last_year(dt.date(2025, 2, 28), year) == dt.date(2024, 2, 28)
    leap = type("Y", (), {"starts_on": dt.date(2027, 7, 1), "ends_on": dt.date(2028, 6, 30)})
    assert reports.same_day_last_year(dt.date(2029, 2, 28), leap) == dt.date(2028, 2, 28)
    assert reports.same_day_last_year(dt.date(2028, 2, 29), type("Y", (), {
        "starts_on": dt.date(2026, 7, 1), "ends_on": dt.date(2027, 6, 30)})) == dt.date(2027, 2, 28)


# --- Scale: the queries do not grow with the schools ----------------------------------------------------


def test_the_report_context_runs_the_same_queries_for_3_and_12_schools(world, district_admin, statuses):
    as_of = reports.as_of_for(world.year, world.district)

    def queries(schools):
        schools = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")  # nothing cached
        with CaptureQueriesContext(connection) as ctx:
            reports.build(district=world.district, schools=schools, school_year=world.year, as_of=as_of,
                          requester=district_admin)
        return len(ctx.captured_queries)

    few = [world.school_a, world.school_b, world.school_c]
    queries(few)  # warm caches shared by both sizes (content types, the state's rules)
    many = few + [SchoolFactory(district=world.district, name=f"School {n}") for n in range(9)]
    assert queries(few) == queries(many)


# --- Delivery: the email with a link, failures ------------------------------------------------------


def test_the_requester_is_emailed_a_link_never_the_file(world, district_leader, statuses):
    document = render("district_report", by=district_leader, district=world.district, school_year=world.year)
    notification = Notification.objects.get(recipient=district_leader, kind="compliance.document_ready")
    assert notification.link.endswith(reverse("compliance:document-detail", args=[document.pk]))
    assert document.title in notification.subject
    assert "%PDF" not in notification.body_text and document.file.name not in notification.body_text


def test_a_failed_email_does_not_lose_the_document(world, district_leader, statuses, monkeypatch):
    from portal import notifications

    def broken(**kwargs):
        raise RuntimeError("SMTP and outbox both down")

    monkeypatch.setattr(notifications, "notification_create", broken)
    document = render("district_report", by=district_leader, district=world.district, school_year=world.year)
    assert document.status == GeneratedDocument.Status.READY and document.file
    assert not Notification.objects.filter(recipient=district_leader).exists()


def test_a_render_error_fails_the_document_with_its_reason_and_a_retry_button(world, district_leader, client,
                                                                              statuses, monkeypatch):
    from compliance import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(ValueError("layout broke")))
    document = services.document_request(kind="district_report", district=world.district, by=district_leader)
    document = services.document_render(document_id=document.pk)
    assert document.status == GeneratedDocument.Status.FAILED and "could not be rendered" in document.error
    client.force_login(district_leader)
    page = client.get(reverse("compliance:document-detail", args=[document.pk])).content.decode()
    assert "could not be rendered" in page and "Try again" in page
    monkeypatch.undo()
    response = client.post(reverse("compliance:document-retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.QUEUED
    assert services.document_render(document_id=document.pk).status == GeneratedDocument.Status.READY
    assert GeneratedDocument.objects.filter(kind="district_report").count() == 1


# --- Requests from the dashboard and the school page -----------------------------------------------------


def test_the_dashboard_and_the_school_page_offer_the_reports(world, district_leader, school_a_admin, client):
    client.force_login(district_leader)
    dashboard = client.get(reverse("compliance:dashboard")).content.decode()
    assert "?kind=district_report" in dashboard
    school = client.get(reverse("compliance:school-status", args=[world.school_a.pk])).content.decode()
    assert f"?kind=school_report&amp;school={world.school_a.pk}" in school
    response = client.post(reverse("compliance:document-request"), {"kind": "district_report",
                                                                    "school_year": world.year.pk})
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="district_report")
    assert document.school is None and document.district == world.district and document.requested_by == district_leader
    # A district report about one school is refused on the form.
    response = client.post(reverse("compliance:document-request"), {"kind": "district_report",
                                                                    "school": world.school_a.pk})
    assert response.status_code == 400 and "leave the school empty" in response.content.decode()
    client.force_login(school_a_admin)
    assert "?kind=district_report" not in client.get(reverse("compliance:dashboard")).content.decode()
    response = client.post(reverse("compliance:document-request"), {"kind": "district_report"})
    assert response.status_code == 400
    assert "Only district leaders and administrators request this document." in response.content.decode()


def test_the_history_lists_the_districts_reports_filtered_by_kind(world, district_leader, district_admin, client,
                                                                   statuses):
    for _ in range(2):
        services.document_request(kind="district_report", district=world.district, school_year=world.year,
                                  by=district_admin)
    services.document_request(kind="school_profile", district=world.district, school=world.school_a,
                              by=district_admin)
    client.force_login(district_leader)
    page = client.get(reverse("compliance:document-list"), {"kind": "district_report"}).content.decode()
    assert page.count("Compliance report: 2026-27") == 2 and "School profile" not in page.split("<tbody>")[1]

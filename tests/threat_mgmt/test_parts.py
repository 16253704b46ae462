"""The parts of a case, as a counselor works them in the browser: open, classify, interview, themes, plan
(with the IEP/504 notice), check-ins, disclosures (FERPA's emergency basis), private notes, legal hold."""

import datetime as dt

import pytest

from threat_mgmt.models import Case, CheckIn, Disclosure, Intervention, Interview, PrivateNote, ThemeNote

from .scope import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselor(client, counselor_threat_team):
    client.force_login(counselor_threat_team)
    return counselor_threat_team


def test_a_counselor_opens_a_case_under_the_districts_model(client, world, counselor):
    response = client.post("/threat/cases/new/", {
        "school": world.school_a.pk, "subject_kind": "student", "subject_name": "Student Q", "grade": "08",
        "referral_source": "staff", "referred_by": "Mr. T", "referred_on": "2026-10-01",
        "concerning_behavior": "Threatened a classmate", "classification": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(subject_name="Student Q")
    assert case.model == "cstag" and case.created_by == counselor and case.status == Case.Status.OPEN


def test_a_student_needs_a_grade_and_a_classification_needs_its_date(client, world, counselor):
    response = client.post("/threat/cases/new/", {
        "school": world.school_a.pk, "subject_kind": "student", "subject_name": "Student Q",
        "referral_source": "staff", "referred_on": "2026-10-01", "concerning_behavior": "x",
        "classification": "transient"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the student&#x27;s grade." in body and "Give the day the team classified the threat." in body
    assert not Case.objects.exists()


def test_a_level_of_concern_case_refuses_a_cstag_classification(client, world, counselor):
    case = make_case(world, world.school_a, model="concern")
    response = client.post(f"/threat/cases/{case.pk}/edit/", {
        "subject_kind": "student", "subject_name": "S", "grade": "09", "referral_source": "staff",
        "referred_on": "2026-10-01", "concerning_behavior": "x", "classification": "transient",
        "assessed_on": "2026-10-02"})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).classification == ""


def test_an_interview_is_recorded_and_satisfies_its_step(client, world, counselor):
    case = make_case(world, world.school_a, classification="transient", assessed_on=dt.date(2026, 10, 2))
    response = client.post(f"/threat/cases/{case.pk}/interviews/new/", {
        "kind": "subject", "interviewee": "The student", "held_on": "2026-10-02", "interviewer": counselor.pk,
        "summary": "Said it was a joke."})
    assert response.status_code == 302
    assert Interview.objects.filter(case=case).count() == 1
    assert "Interview the student or person who made the threat" not in case.missing_steps()


def test_the_themes_checklist_saves_findings_with_notes(client, world, counselor):
    case = make_case(world, world.school_a)
    data = {"motive_finding": "concern", "motive_notes": "Revenge", "weapons_finding": "no_concern"}
    assert client.post(f"/threat/cases/{case.pk}/themes/", data).status_code == 302
    assert dict(ThemeNote.objects.filter(case=case).values_list("theme", "finding")) == {
        "motive": "concern", "weapons": "no_concern"}
    response = client.post(f"/threat/cases/{case.pk}/themes/", {"stressors_notes": "A loss"})
    assert response.status_code == 400
    assert "Give a finding for a theme you wrote notes on." in response.content.decode()


def test_a_change_of_placement_for_a_student_with_an_iep_needs_the_iep_team_notified_first(client, world, counselor):
    case = make_case(world, world.school_a, has_iep=True)
    data = {"kind": "discipline", "title": "Move to alternative setting", "owner": counselor.pk,
            "due_on": "2026-11-01", "changes_placement": "on"}
    response = client.post(f"/threat/cases/{case.pk}/interventions/new/", data)
    assert response.status_code == 400
    assert "notify the IEP or 504 team before any disciplinary change of placement" in response.content.decode()
    assert not Intervention.objects.exists()
    data["iep_team_notified_on"] = "2026-10-01"
    assert client.post(f"/threat/cases/{case.pk}/interventions/new/", data).status_code == 302
    item = Intervention.objects.get()
    assert item.owner == counselor  # on the owner's My tasks
    assert "Move to alternative setting" in client.get("/district/my-tasks/").content.decode()


def test_check_ins_are_scheduled_and_recorded(client, world, counselor):
    case = make_case(world, world.school_a)
    response = client.post(f"/threat/cases/{case.pk}/checkins/schedule/",
                           {"first_on": "2026-10-05", "every_days": 7, "count": 3})
    assert response.status_code == 302
    assert list(CheckIn.objects.filter(case=case).values_list("due_on", flat=True)) == [
        dt.date(2026, 10, 5), dt.date(2026, 10, 12), dt.date(2026, 10, 19)]
    assert Case.objects.get(pk=case.pk).status == Case.Status.MONITORING
    checkin = CheckIn.objects.filter(case=case).first()
    response = client.post(f"/threat/checkins/{checkin.pk}/record/", {"held_on": "2026-10-05", "notes": "Calmer"})
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.held_by == counselor and checkin.notes == "Calmer"


def test_an_emergency_disclosure_needs_the_articulable_and_significant_threat(client, world, counselor):
    case = make_case(world, world.school_a)
    data = {"disclosed_on": "2026-10-03", "recipient": "County sheriff", "information": "Name and the threat",
            "basis": "emergency", "threat_description": ""}
    response = client.post(f"/threat/cases/{case.pk}/disclosures/new/", data)
    assert response.status_code == 400
    assert "articulable and significant threat" in response.content.decode()
    data["threat_description"] = "Stated plan to bring a gun on Friday"
    assert client.post(f"/threat/cases/{case.pk}/disclosures/new/", data).status_code == 302
    row = Disclosure.objects.get()
    assert row.recorded_by == counselor
    assert "County sheriff" in client.get("/threat/disclosures/").content.decode()


def test_a_private_note_is_written_for_its_author(client, world, counselor):
    case = make_case(world, world.school_a)
    assert client.post(f"/threat/cases/{case.pk}/notes/new/", {"body": "My worry"}).status_code == 302
    assert PrivateNote.objects.get().author == counselor


def test_a_legal_hold_needs_a_reason(client, world, counselor):
    case = make_case(world, world.school_a)
    client.post(f"/threat/cases/{case.pk}/legal-hold/", {"hold": "on", "reason": ""})
    assert not Case.objects.get(pk=case.pk).legal_hold
    client.post(f"/threat/cases/{case.pk}/legal-hold/", {"hold": "on", "reason": "Lawsuit 26-113"})
    assert Case.objects.get(pk=case.pk).legal_hold


def test_the_case_page_says_what_is_missing_to_close(client, world, counselor):
    case = make_case(world, world.school_a, classification="serious_substantive", assessed_on=dt.date(2026, 10, 2))
    body = client.get(f"/threat/cases/{case.pk}/").content.decode()
    assert "Before this case can close" in body
    assert "Notify the intended victims and their parents" in body


def test_an_owner_outside_the_team_sees_the_intervention_on_my_tasks_but_not_the_case(client, world,
                                                                                       school_a_staff):
    case = make_case(world, world.school_a)
    item = Intervention.objects.create(case=case, kind="supervision", title="Escort between classes",
                                       owner=school_a_staff, due_on=dt.date(2026, 11, 1))
    client.force_login(school_a_staff)
    assert "Escort between classes" in client.get("/district/my-tasks/").content.decode()
    assert client.get(f"/threat/cases/{case.pk}/").status_code == 404
    response = client.post(f"/threat/interventions/{item.pk}/done/")
    assert response.status_code == 302 and response["Location"] == "/district/my-tasks/"
    item.refresh_from_db()
    assert item.done_by == school_a_staff


def test_an_outside_member_is_added_to_one_case_with_an_end_date(client, world, counselor, team_a):
    from schools.models import Membership
    from tests.factories import MembershipFactory, UserFactory
    from threat_mgmt.models import TeamMember

    clinician = UserFactory(display_name="Dr. Clinic")
    today = world.district.local_today()
    MembershipFactory(user=clinician, role=Membership.Role.RESPONDER, school=world.school_a, agency=world.agency,
                      starts_on=today, ends_on=today + dt.timedelta(days=100))
    case = make_case(world, world.school_a)
    data = {"user": clinician.pk, "discipline": "mental_health", "is_outside": "on",
            "starts_on": today.isoformat(), "ends_on": ""}
    response = client.post(f"/threat/cases/{case.pk}/members/new/", data)
    assert response.status_code == 400
    assert "An outside member needs an end date" in response.content.decode()
    data["ends_on"] = (today + dt.timedelta(days=30)).isoformat()
    assert client.post(f"/threat/cases/{case.pk}/members/new/", data).status_code == 302
    assert TeamMember.objects.get(user=clinician).case == case

"""Retention: a closed case past the district's schedule is destroyed with every copy, leaving a record of
what, when and under which rule; a legal hold stops it; only the district threat team destroys."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from schools.models import SentReminder
from tests.factories import UserFactory
from threat_mgmt.models import Case, CaseClosure, CaseFile, DestructionRecord, Interview, ThreatSettings
from threat_mgmt.services import reminder_subject

from .scope import make_case

pytestmark = pytest.mark.django_db


def closed_case(world, years_ago=6):
    closed_on = world.district.local_today().replace(year=world.district.local_today().year - years_ago, day=1)
    case = make_case(world, world.school_a, classification="transient", assessed_on=closed_on,
                     referred_on=closed_on)
    Interview.objects.create(case=case, kind="subject", interviewee="S", held_on=closed_on, interviewer=UserFactory(),
                             summary="Content that must go")
    closure = CaseClosure.objects.create(case=case, closed_on=closed_on, outcome="x")
    CaseClosure.objects.filter(pk=closure.pk).update(signed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=closed_on)
    case_file = CaseFile.objects.create(case=case, requested_by=UserFactory(), status=CaseFile.Status.READY)
    case_file.file.save("old.pdf", ContentFile(b"%PDF-1.4"), save=True)
    SentReminder.objects.create(recipient=UserFactory(), kind="threat_mgmt.checkin_overdue",
                                subject=reminder_subject(case.pk), milestone_date=closed_on)
    return Case.objects.get(pk=case.pk)


def test_the_district_threat_team_destroys_a_case_past_retention_and_a_record_remains(
        client, world, district_threat_team):
    ThreatSettings.objects.create(district=world.district, retention_years=5, retention_rule="State GS 7-12")
    case = closed_case(world)
    client.force_login(district_threat_team)
    assert str(case) in client.get("/threat/retention/").content.decode()
    response = client.post(f"/threat/cases/{case.pk}/destroy/")
    assert response.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Interview.objects.exists() and not CaseClosure.objects.exists() and not CaseFile.objects.exists()
    assert not SentReminder.objects.filter(subject=reminder_subject(case.pk)).exists()
    record = DestructionRecord.objects.get()
    assert record.case_number == case.pk and "State GS 7-12" in record.rule and record.removed["interviews"] == 1
    assert record.destroyed_by == district_threat_team
    assert "Content that must go" not in str(record.removed)


def test_a_legal_hold_stops_destruction(client, world, district_threat_team):
    case = closed_case(world)
    Case.objects.filter(pk=case.pk).update(legal_hold=True, legal_hold_reason="Lawsuit")
    client.force_login(district_threat_team)
    client.post(f"/threat/cases/{case.pk}/destroy/")
    assert Case.objects.filter(pk=case.pk).exists() and not DestructionRecord.objects.exists()


def test_a_case_within_its_retention_period_is_kept(client, world, district_threat_team):
    case = closed_case(world, years_ago=1)
    client.force_login(district_threat_team)
    client.post(f"/threat/cases/{case.pk}/destroy/")
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_school_team_member_may_not_destroy(client, world, counselor_threat_team):
    case = closed_case(world)
    client.force_login(counselor_threat_team)
    assert client.post(f"/threat/cases/{case.pk}/destroy/").status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()

"""Closure: refused while a step the classification requires is missing (the steps named in words), for every
classification of both models; once all are recorded the signed closure closes and locks the case."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from portal.signed import RecordLocked
from tests.factories import UserFactory
from threat_mgmt import steps as model_steps
from threat_mgmt.models import (
    Case,
    CaseClosure,
    Intervention,
    Interview,
    StepRecord,
    ThemeNote,
)

from .scope import make_case

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 10, 2)


def satisfy(case, code, by):
    evidence = model_steps.STEPS[code].evidence
    if evidence == ("interview", "subject"):
        Interview.objects.create(case=case, kind="subject", interviewee="S", held_on=DAY, interviewer=by, summary=".")
    elif evidence == ("interview", "witness_or_target"):
        Interview.objects.create(case=case, kind="witness", interviewee="W", held_on=DAY, interviewer=by, summary=".")
    elif evidence == ("plan",):
        Intervention.objects.create(case=case, kind="counseling", title="Counseling", owner=by, due_on=DAY)
    elif evidence == ("themes",):
        for theme, _label in model_steps.NTAC_THEMES:
            ThemeNote.objects.create(case=case, theme=theme, finding="no_concern")
    else:
        StepRecord.objects.create(case=case, step=code, done_on=DAY, recorded_by=by)


MODEL_OF = {c: m for m, cs in model_steps.CLASSIFICATIONS_BY_MODEL.items() for c in cs}


@pytest.mark.parametrize("classification", [c for c, _l in model_steps.CLASSIFICATION_CHOICES])
def test_closure_is_refused_while_a_required_step_is_missing(client, world, counselor_threat_team,
                                                             classification):
    case = make_case(world, world.school_a, model=MODEL_OF[classification], classification=classification,
                     assessed_on=DAY)
    closure = CaseClosure.objects.create(case=case, closed_on=DAY, outcome="Resolved.")
    client.force_login(counselor_threat_team)
    required = model_steps.REQUIRED[classification]
    # Everything but the last required step: still refused, and the page names what is missing.
    for code in required[:-1]:
        satisfy(case, code, counselor_threat_team)
    response = client.post(f"/threat/closures/{closure.pk}/sign/")
    assert response.status_code == 400
    body = response.content.decode()
    assert str(model_steps.STEPS[required[-1]].name) in body
    assert not CaseClosure.objects.get(pk=closure.pk).is_locked
    assert Case.objects.get(pk=case.pk).status != Case.Status.CLOSED
    satisfy(case, required[-1], counselor_threat_team)
    response = client.post(f"/threat/closures/{closure.pk}/sign/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_on == DAY
    assert CaseClosure.objects.get(pk=closure.pk).is_locked


def test_a_very_serious_threat_needs_the_safety_evaluation_and_a_plan_in_words(world):
    case = make_case(world, world.school_a, classification="very_serious_substantive", assessed_on=DAY)
    missing = case.missing_steps()
    assert "Mental health assessment (safety evaluation)" in missing
    assert "Law enforcement consultation" in missing
    assert "Safety and support plan" in missing


def test_an_unclassified_case_cannot_close(client, world, counselor_threat_team):
    case = make_case(world, world.school_a)
    closure = CaseClosure.objects.create(case=case, closed_on=DAY, outcome="x")
    client.force_login(counselor_threat_team)
    response = client.post(f"/threat/closures/{closure.pk}/sign/")
    assert response.status_code == 400
    assert "Classify the threat" in response.content.decode()


def test_a_closed_case_is_locked_on_every_path(client, world, counselor_threat_team):
    case = make_case(world, world.school_a, classification="transient", assessed_on=DAY)
    for code in model_steps.REQUIRED["transient"]:
        satisfy(case, code, counselor_threat_team)
    closure = CaseClosure.objects.create(case=case, closed_on=DAY, outcome="x")
    client.force_login(counselor_threat_team)
    assert client.post(f"/threat/closures/{closure.pk}/sign/").status_code == 302
    assert client.get(f"/threat/cases/{case.pk}/edit/").status_code == 403
    assert client.get(f"/threat/cases/{case.pk}/interviews/new/").status_code == 403
    closure.refresh_from_db()
    with pytest.raises(RecordLocked):
        closure.outcome = "changed"
        closure.save()


@pytest.mark.postgres
def test_the_database_refuses_deleting_a_signed_closure(world):
    case = make_case(world, world.school_a, classification="transient", assessed_on=DAY)
    closure = CaseClosure.objects.create(case=case, closed_on=DAY, outcome="x")
    CaseClosure.objects.filter(pk=closure.pk).update(signed_at=dt.datetime(2026, 10, 3, tzinfo=dt.UTC),
                                                     signed_by=UserFactory())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM threat_mgmt_caseclosure WHERE id = %s", [closure.pk])


def test_the_classification_form_shows_the_definitions_and_when_in_doubt(client, world, counselor_threat_team):
    case = make_case(world, world.school_a)
    client.force_login(counselor_threat_team)
    body = client.get(f"/threat/cases/{case.pk}/edit/").content.decode()
    assert "When in doubt, treat the threat as substantive" in body
    assert "A substantive threat to kill, rape, or cause serious injury" in body

"""Action 6: teams complete and cases within the model's steps; owed tasks on My tasks; digest lines."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.registry import Status
from tests.factories import SchoolFactory
from threat_mgmt import evaluators, reminders
from threat_mgmt.models import CheckIn, Discipline, Intervention, Team, TeamMember

from .scope import make_case

pytestmark = pytest.mark.django_db


def test_a_school_without_a_team_is_not_met_and_a_team_missing_a_discipline_is_at_risk(world, team_a, sro_two_schools):
    today = world.district.local_today()
    results = evaluators.evaluate([world.school_a, world.school_b], world.year, today)
    assert results[world.school_b.pk].status == Status.NOT_MET
    assert results[world.school_a.pk].status == Status.AT_RISK
    assert "Law enforcement" in results[world.school_a.pk].reason
    TeamMember.objects.create(team=team_a, user=sro_two_schools, discipline=Discipline.LAW_ENFORCEMENT,
                              starts_on=dt.date(2020, 1, 1))
    assert evaluators.evaluate([world.school_a], world.year, today)[world.school_a.pk].status == Status.MET


def test_a_referral_not_classified_in_time_puts_the_school_at_risk(world, team_a, sro_two_schools):
    TeamMember.objects.create(team=team_a, user=sro_two_schools, discipline=Discipline.LAW_ENFORCEMENT,
                              starts_on=dt.date(2020, 1, 1))
    today = world.district.local_today()
    make_case(world, world.school_a, referred_on=today - dt.timedelta(days=30))
    result = evaluators.evaluate([world.school_a], world.year, today)[world.school_a.pk]
    assert result.status == Status.AT_RISK and "not classified" in result.reason


def test_the_evaluator_runs_the_same_queries_for_2_schools_and_20(world):
    today = world.district.local_today()
    few_schools = [world.school_a, world.school_b]
    for school in few_schools:
        Team.objects.create(school=school)
    with CaptureQueriesContext(connection) as few:
        evaluators.evaluate(few_schools, world.year, today)
    many_schools = few_schools + [SchoolFactory(district=world.district) for _ in range(18)]
    for school in many_schools:
        Team.objects.get_or_create(school=school)
    with CaptureQueriesContext(connection) as many:
        evaluators.evaluate(many_schools, world.year, today)
    assert len(few) == len(many)


def test_owed_tasks_list_check_ins_due_and_steps_missing(world, counselor_threat_team):
    today = world.district.local_today()
    case = make_case(world, world.school_a, classification="transient", assessed_on=today, referred_on=today)
    CheckIn.objects.create(case=case, due_on=today - dt.timedelta(days=1))
    memberships = counselor_threat_team.active_memberships()
    due = evaluators.checkins_due(counselor_threat_team, memberships, today)
    assert [t.due_on for t in due] == [today - dt.timedelta(days=1)]
    missing = evaluators.steps_missing(counselor_threat_team, memberships, today)
    assert len(missing) == 1 and "Resolve the transient threat" in missing[0].detail


def test_the_digest_reminds_the_team_of_overdue_check_ins_and_owners_of_overdue_interventions(
        world, counselor_threat_team, school_a_staff):
    today = world.district.local_today()
    case = make_case(world, world.school_a)
    CheckIn.objects.create(case=case, due_on=today - dt.timedelta(days=2))
    Intervention.objects.create(case=case, kind="supervision", title="Escort", owner=school_a_staff,
                                due_on=today - dt.timedelta(days=1))
    lines = reminders.digest_lines(world.district, today)
    assert "check-in at School A" in lines[counselor_threat_team.pk][0].text
    assert "intervention you own" in lines[school_a_staff.pk][0].text
    assert "Escort" not in lines[school_a_staff.pk][0].text  # never the record's content

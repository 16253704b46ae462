"""The action-9 evaluator: each school's worst requirement and why, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance import registry
from compliance.registry import Result, Status
from drills.evaluators import compliance_calendars, evaluate
from tests.factories import BuildingFactory, SchoolFactory

from .factories import RequirementFactory, held, planned

pytestmark = pytest.mark.django_db


def _schools(world, n):
    schools = [world.school_a, world.school_b, world.school_c]
    for i in range(n - 3):
        school = SchoolFactory(district=world.district, name=f"Extra {i}")
        BuildingFactory(school=school)
        schools.append(school)
    for school in schools:
        held(school, dt.date(2026, 9, 10))
        held(school, dt.date(2026, 10, 5), "lockdown")
        planned(school, dt.date(2026, 11, 20))
    return schools


def _queries(world, schools):
    with CaptureQueriesContext(connection) as ctx:
        results = evaluate(schools, world.year, dt.date(2026, 11, 20))
    assert len(results) == len(schools)
    return len(ctx.captured_queries)


def test_the_evaluator_runs_as_many_queries_for_30_schools_as_for_3(world):
    RequirementFactory(district=world.district, code="district-extra", kind_codes=["tabletop"])
    few = _queries(world, _schools(world, 3))
    many = _queries(world, _schools(world, 30)[:30])
    assert few == many
    assert many <= 8


def test_it_reports_the_worst_requirement_with_its_reason_and_next_step(world):
    held(world.school_a, dt.date(2026, 9, 10))
    held(world.school_a, dt.date(2026, 10, 10))
    result = evaluate([world.school_a], world.year, dt.date(2026, 11, 20))[world.school_a.pk]
    assert isinstance(result, Result)
    assert result.status == Status.AT_RISK
    assert result.reason in {"2 of 3 fire drills by Dec 1", "0 of 1 lockdown drill by Dec 1"}
    assert result.next_step
    assert result.evidence_url == f"/drills/compliance/{world.school_a.pk}/?year={world.year.pk}"


def test_a_missed_window_makes_the_school_not_met(world):
    result = evaluate([world.school_a], world.year, dt.date(2026, 12, 2))[world.school_a.pk]
    assert result.status == Status.NOT_MET
    assert result.reason in {"0 of 3 fire drills by Dec 1", "0 of 1 lockdown drill by Dec 1"}


def test_a_year_with_every_drill_done_is_met(world):
    for day in ("2026-09-10", "2026-10-10", "2026-11-10", "2027-02-10", "2027-04-10"):
        held(world.school_a, dt.date.fromisoformat(day))
    for day in ("2026-09-20", "2027-02-20", "2027-04-20"):
        held(world.school_a, dt.date.fromisoformat(day), "lockdown")
    for day in ("2027-03-10", "2027-04-12"):
        held(world.school_a, dt.date.fromisoformat(day), "shelter_severe_weather")
    assert evaluate([world.school_a], world.year, dt.date(2027, 6, 30))[world.school_a.pk].status == Status.MET


def test_a_state_without_shipped_rules_is_not_tracked_until_the_district_adds_its_own(world):
    world.district.state = "FL"
    world.district.save()
    result = evaluate([world.school_a], world.year, dt.date(2026, 10, 1))[world.school_a.pk]
    assert result.status == Status.NOT_TRACKED
    RequirementFactory(district=world.district)
    result = evaluate([world.school_a], world.year, dt.date(2026, 10, 1))[world.school_a.pk]
    assert result.status == Status.ON_TRACK


def test_the_dashboard_registry_uses_the_drills_evaluator(world, school_a_admin):
    table = registry.evaluate_all([world.school_a], world.year, dt.date(2026, 12, 2))
    assert table[world.school_a.pk][9].status == Status.NOT_MET
    assert registry.get(9).reasons_visible_to({"sro"})
    assert not registry.get(9).reasons_visible_to({"tip_triage"})


def test_a_correction_counts_once_and_a_superseded_entry_not_at_all(world, school_a_admin):
    original = held(world.school_a, dt.date(2026, 9, 10))
    original.sign_off(by=school_a_admin)
    correction = original.correction_draft()
    correction.kind_id = original.kind_id
    correction.correction_reason = "Wrong start time."
    correction.save()
    rows = {r.requirement.code: r for r in
            compliance_calendars([world.school_a], world.year, dt.date(2026, 10, 1))[world.school_a.pk].rows}
    assert rows["mi-fire"].windows[0].count == 1

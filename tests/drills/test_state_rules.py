"""The shipped state rule sets, each judged on dated fixtures of the 2026-27 year.

Instruction runs Monday 31 Aug 2026 to Friday 11 Jun 2027 (tests/drills/conftest.py).
"""

import datetime as dt

import pytest
from django.core.management import call_command

from drills import rules
from drills.evaluators import compliance_calendars
from drills.models import Drill, DrillRequirement
from schools.models import School, SchoolYear
from tests.factories import UserFactory

from .factories import RequirementFactory, held

pytestmark = pytest.mark.django_db
W = DrillRequirement.Window


def rows(world, as_of, school=None):
    school = school or world.school
    return {r.requirement.code: r for r in compliance_calendars([school], world.year, as_of)[school.pk].rows}


def status(row):
    return str(row.status)


# --- The rule sets themselves -----------------------------------------------------------------


def test_every_shipped_state_has_rules_that_pass_validation():
    shipped = DrillRequirement.objects.filter(district__isnull=True)
    assert set(shipped.values_list("state", flat=True)) == set(rules.SHIPPED_STATES)
    for requirement in shipped:
        requirement.full_clean()
        assert requirement.citation, requirement.code
        assert requirement.kinds.exists(), requirement.code


def test_loading_the_rules_again_changes_nothing():
    before = DrillRequirement.objects.count()
    call_command("load_drill_rules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DrillRequirement.objects.count() == before


def test_texas_fire_drills_are_encoded_both_ways_with_their_citations():
    fire = {r.code: r for r in DrillRequirement.objects.filter(state="TX", kinds__code="fire_evacuation")}
    assert fire["tx-fire-semester"].citation.startswith("19 TAC 103.1209")
    assert fire["tx-fire-semester"].confidence == DrillRequirement.Confidence.OFFICIAL_SUMMARY
    assert fire["tx-fire-monthly-fire-code"].window == W.EACH_MONTH_WITH_MIN_DAYS
    assert fire["tx-fire-monthly-fire-code"].confidence == DrillRequirement.Confidence.UNVERIFIED


def test_a_rule_from_memory_is_marked_unverified():
    bus = DrillRequirement.objects.get(state="NY", code="ny-bus-first-week")
    assert not bus.is_verified
    assert "verify with your state" in bus.get_confidence_display()


# --- Texas ------------------------------------------------------------------------------------


def test_texas_two_fire_drills_in_the_fall_meet_the_semester_rule_but_not_every_month(state_world):
    world = state_world("TX")
    held(world.school, dt.date(2026, 9, 15))
    held(world.school, dt.date(2026, 10, 15))
    found = rows(world, dt.date(2026, 11, 20))
    assert status(found["tx-fire-semester"]) == "on_track"
    assert [str(w.status) for w in found["tx-fire-semester"].windows] == ["met", "on_track"]
    monthly = found["tx-fire-monthly-fire-code"]
    assert status(monthly) == "at_risk"
    assert monthly.reason == "0 of 1 fire drill (fire code) in November 2026"


def test_a_district_cap_exceeded_is_not_met(state_world):
    world = state_world("TX")
    RequirementFactory(district=world.district, code="tx-lockdown-cap", title="lockdown drills", min_count=0,
                       max_count=4, kind_codes=["lockdown"])
    for month in (9, 10, 11, 12, 1):
        held(world.school, dt.date(2026 + (month == 1), month, 8), "lockdown")
    row = rows(world, dt.date(2027, 1, 20))["tx-lockdown-cap"]
    assert status(row) == "not_met"
    assert row.reason == "5 lockdown drills by Jun 11, more than the 4 allowed"


# --- Illinois ---------------------------------------------------------------------------------


def test_illinois_law_enforcement_drill_counts_on_the_windows_last_day(state_world):
    world = state_world("IL")
    held(world.school, dt.date(2026, 11, 28), "lockdown")  # day 90 from 31 August
    assert status(rows(world, dt.date(2026, 12, 15))["il-law-enforcement"]) == "met"


def test_illinois_law_enforcement_drill_a_day_late_misses_the_window(state_world):
    world = state_world("IL")
    held(world.school, dt.date(2026, 11, 29), "lockdown")
    row = rows(world, dt.date(2026, 12, 15))["il-law-enforcement"]
    assert status(row) == "not_met"
    assert "by Nov 28" in row.reason


# --- Michigan ---------------------------------------------------------------------------------


def test_michigan_three_fire_drills_by_december_first_the_last_on_that_day(state_world):
    world = state_world("MI")
    for day in (dt.date(2026, 9, 10), dt.date(2026, 10, 10), dt.date(2026, 12, 1)):
        held(world.school, day)
    found = rows(world, dt.date(2026, 12, 2))
    assert status(found["mi-fire-by-dec1"]) == "met"
    assert found["mi-fire-by-dec1"].reason == "3 fire drills by Dec 1 (3 required)"
    assert status(found["mi-fire"]) == "on_track"


def test_michigan_two_fire_drills_two_weeks_before_the_deadline_are_at_risk(state_world):
    world = state_world("MI")
    held(world.school, dt.date(2026, 9, 10))
    held(world.school, dt.date(2026, 10, 10))
    row = rows(world, dt.date(2026, 11, 17))["mi-fire-by-dec1"]
    assert status(row) == "at_risk"
    assert row.reason == "2 of 3 fire drills by Dec 1"
    assert row.next_step == "Fire drills: schedule 1 more by Dec 1."


def test_michigan_one_lockdown_counts_toward_the_year_and_the_december_rule(state_world):
    world = state_world("MI")
    held(world.school, dt.date(2026, 10, 5), "lockdown")
    found = rows(world, dt.date(2026, 10, 6))
    assert status(found["mi-lockdown-by-dec1"]) == "met"
    assert found["mi-lockdown"].windows[0].count == 1
    assert found["mi-lockdown-after-jan1"].windows[0].count == 0


def test_michigan_a_correction_replaces_its_original(state_world):
    world = state_world("MI")
    admin = UserFactory()
    for day in (dt.date(2026, 9, 10), dt.date(2026, 10, 10)):
        held(world.school, day)
    wrong = held(world.school, dt.date(2026, 12, 2))  # typed a day late
    wrong.sign_off(by=admin)
    assert status(rows(world, dt.date(2026, 12, 3))["mi-fire-by-dec1"]) == "not_met"
    correction = wrong.correction_draft()
    correction.actual_start = correction.actual_start - dt.timedelta(days=1)
    correction.correction_reason = "The drill was held on 1 December."
    correction.save()
    found = rows(world, dt.date(2026, 12, 3))
    assert status(found["mi-fire-by-dec1"]) == "met"
    assert found["mi-fire"].windows[0].count == 3  # the original no longer counts
    wrong.refresh_from_db()
    assert wrong.is_superseded


# --- New York ---------------------------------------------------------------------------------


def test_new_york_first_week_bus_drill_counts_across_labor_day(state_world):
    world = state_world("NY")
    world.holiday(dt.date(2026, 9, 7), "Labor Day")
    held(world.school, dt.date(2026, 9, 9), "bus_evacuation")  # the 7th day of school, thanks to the holiday
    assert status(rows(world, dt.date(2026, 9, 10))["ny-bus-first-week"]) == "met"


def test_new_york_one_fire_drill_counts_toward_three_requirements(state_world):
    world = state_world("NY")
    held(world.school, dt.date(2026, 9, 20))
    found = rows(world, dt.date(2026, 9, 21))
    for code in ("ny-drills-total", "ny-drills-by-dec31", "ny-evacuation"):
        assert found[code].windows[0].count == 1, code
    assert found["ny-lockdown"].windows[0].count == 0


# --- Ohio -------------------------------------------------------------------------------------


def test_ohio_a_lockdown_counts_for_the_month_and_for_the_safety_drills(state_world):
    world = state_world("OH")
    held(world.school, dt.date(2026, 9, 14), "lockdown")
    found = rows(world, dt.date(2026, 9, 30))
    assert str(found["oh-monthly-fire-or-safety"].windows[1].status) == "met"  # August, then September
    assert found["oh-safety-drills"].windows[0].count == 1
    assert status(found["oh-safety-lockdown"]) == "met"


def test_ohio_fire_rule_applies_from_its_effective_date_only(state_world):
    world = state_world("OH")
    before = SchoolYear.objects.create(district=world.district, name="2020-21", starts_on=dt.date(2020, 7, 1),
                                       ends_on=dt.date(2021, 6, 30), first_instructional_day=dt.date(2020, 8, 24),
                                       last_instructional_day=dt.date(2021, 6, 4))
    after = SchoolYear.objects.create(district=world.district, name="2021-22", starts_on=dt.date(2021, 7, 1),
                                      ends_on=dt.date(2022, 6, 30), first_instructional_day=dt.date(2021, 8, 23),
                                      last_instructional_day=dt.date(2022, 6, 3))
    codes_before = {r.requirement.code for r in
                    compliance_calendars([world.school], before, dt.date(2021, 6, 30))[world.school.pk].rows}
    codes_after = {r.requirement.code for r in
                   compliance_calendars([world.school], after, dt.date(2022, 6, 30))[world.school.pk].rows}
    assert "oh-fire" not in codes_before  # the year opened before 24 March 2021
    assert "oh-fire" in codes_after


def test_a_rule_changed_mid_year_judges_each_month_by_the_version_in_effect(state_world):
    world = state_world("OH")
    old = RequirementFactory(district=world.district, code="monthly-tabletop", title="tabletop exercises",
                             window=W.CALENDAR_MONTH, min_count=1, effective_until=dt.date(2026, 12, 31),
                             kind_codes=["tabletop"])
    new = RequirementFactory(district=world.district, code="monthly-tabletop", title="tabletop exercises",
                             window=W.CALENDAR_MONTH, min_count=2, effective_from=dt.date(2027, 1, 1),
                             kind_codes=["tabletop"])
    calendar = compliance_calendars([world.school], world.year, dt.date(2027, 6, 30))[world.school.pk]
    by_version = {r.requirement.pk: r for r in calendar.rows}
    assert [w.window.start.month for w in by_version[old.pk].windows] == [8, 9, 10, 11, 12]
    assert [w.window.start.month for w in by_version[new.pk].windows] == [1, 2, 3, 4, 5, 6]


# --- Pennsylvania -----------------------------------------------------------------------------


def test_pennsylvania_a_month_without_a_fire_drill_is_missed(state_world):
    world = state_world("PA")
    held(world.school, dt.date(2026, 8, 31))
    held(world.school, dt.date(2026, 10, 1), "lockdown")  # a security drill in place of a fire drill
    row = rows(world, dt.date(2026, 10, 2))["pa-fire-monthly"]
    assert [str(w.status) for w in row.windows[:3]] == ["met", "not_met", "met"]
    assert status(row) == "not_met"
    assert "September 2026" in row.reason
    assert status(rows(world, dt.date(2026, 10, 2))["pa-security-90-days"]) == "met"


# --- California -------------------------------------------------------------------------------


def test_california_rules_follow_the_school_level(state_world):
    world = state_world("CA", level=School.Level.ELEMENTARY)
    high = world.add_school("CA High", School.Level.HIGH)
    elementary = rows(world, dt.date(2026, 10, 1))
    secondary = rows(world, dt.date(2026, 10, 1), school=high)
    assert status(elementary["ca-fire-secondary"]) == "not_applicable"
    assert status(secondary["ca-fire-elementary-intermediate"]) == "not_applicable"
    assert len(elementary["ca-earthquake-elementary"].windows) == 4
    assert len(secondary["ca-earthquake-secondary"].windows) == 2


# --- Washington -------------------------------------------------------------------------------


def test_washington_an_earthquake_drill_counts_for_the_month_and_the_year(state_world):
    world = state_world("WA")
    held(world.school, dt.date(2026, 9, 16), "earthquake")
    found = rows(world, dt.date(2026, 9, 17))
    assert status(found["wa-earthquake"]) == "met"
    assert str(found["wa-monthly"].windows[1].status) == "met"


def test_a_cancelled_or_planned_drill_counts_for_nothing(state_world):
    world = state_world("WA")
    held(world.school, dt.date(2026, 9, 16), "earthquake", status=Drill.Status.PLANNED, actual_start=None,
         actual_end=None)
    assert status(rows(world, dt.date(2026, 9, 17))["wa-earthquake"]) == "on_track"

"""Fixtures of the drills tests: a district of a given state with one school and the 2026-27 year."""

import datetime as dt

import pytest

from schools.models import CalendarDay, School, Term
from tests.factories import BuildingFactory, DistrictFactory, SchoolFactory, SchoolYearFactory

TIME_ZONES = {"TX": "America/Chicago", "IL": "America/Chicago", "MI": "America/Detroit", "NY": "America/New_York",
              "OH": "America/New_York", "PA": "America/New_York", "CA": "America/Los_Angeles",
              "WA": "America/Los_Angeles"}


class StateWorld:
    """A district in ``state`` with one school (of ``level``) and the 2026-27 school year.

    Instruction runs Monday 31 Aug 2026 to Friday 11 Jun 2027; two semesters split on 15/19 Jan.
    """

    def __init__(self, state, level=School.Level.HIGH, terms=True):
        self.district = DistrictFactory(name=f"{state} Unified", state=state, time_zone=TIME_ZONES[state])
        self.school = SchoolFactory(district=self.district, name=f"{state} School", level=level)
        BuildingFactory(school=self.school)
        self.year = SchoolYearFactory(district=self.district)
        if terms:
            Term.objects.create(school_year=self.year, name="Fall semester", starts_on=dt.date(2026, 8, 31),
                                ends_on=dt.date(2027, 1, 15))
            Term.objects.create(school_year=self.year, name="Spring semester", starts_on=dt.date(2027, 1, 19),
                                ends_on=dt.date(2027, 6, 11))

    def holiday(self, day, description="Holiday", school=None):
        return CalendarDay.objects.create(school_year=self.year, school=school, date=day, description=description)

    def add_school(self, name, level=School.Level.HIGH):
        school = SchoolFactory(district=self.district, name=name, level=level)
        BuildingFactory(school=school)
        return school


@pytest.fixture(autouse=True)
def _shipped_rules_after_a_flush(request):
    """Transactional tests (live worker, concurrency) run after a flush that empties every table, the
    data migration's drill kinds and state rules included: load them again when they are gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    request.getfixturevalue("transactional_db")
    from drills import rules
    from drills.models import DrillKind, DrillRequirement

    if not DrillKind.objects.filter(district__isnull=True).exists():
        rules.load_kinds(DrillKind)
        rules.load_rules(DrillKind, DrillRequirement)


@pytest.fixture
def state_world(db):
    """Call with a state code (and optionally a level): ``state_world("MI")``."""
    return StateWorld

"""Fixtures of the compliance tests: evaluators registered for one test only, school years around today."""

import datetime as dt

import pytest
from django.db.models import Count

from compliance import registry
from compliance.registry import Result, Status
from schools.models import Building, SchoolYear


@pytest.fixture
def restore_registry():
    """Whatever a test registers with the action registry is undone after it."""
    saved = {n: (a.evaluator, a.reason_roles, a.declared_by) for n, a in registry.ACTIONS.items()}
    yield registry
    for number, (evaluator, reason_roles, declared_by) in saved.items():
        registry.ACTIONS[number].evaluator = evaluator
        registry.ACTIONS[number].reason_roles = reason_roles
        registry.ACTIONS[number].declared_by = declared_by


def count_buildings(schools, school_year, as_of):
    """A fake evaluator that reads rows, as a real one does: buildings per school, in one query.

    Two buildings or more is met, one is at risk (with a reason and a next step), none is not met.
    """
    counts = dict(Building.objects.filter(school__in=schools).values("school").annotate(n=Count("id"))
                  .values_list("school", "n"))
    results = {}
    for school in schools:
        n = counts.get(school.pk, 0)
        if n >= 2:
            results[school.pk] = Result(Status.MET, f"{n} buildings registered.")
        elif n == 1:
            results[school.pk] = Result(Status.AT_RISK, "Only the main building is registered.",
                                        next_step="Register the portables.",
                                        evidence_url="/district/buildings/")
        else:
            results[school.pk] = Result(Status.NOT_MET, "No building registered.")
    return results


@pytest.fixture
def buildings_evaluator(restore_registry):
    """Action 3 (campus security) evaluated by counting each school's buildings."""
    registry.register_evaluator(3, count_buildings)
    return count_buildings


@pytest.fixture
def current_year(world):
    """The world's school year containing today in the district (created if the clock has moved on)."""
    year = SchoolYear.current_for(world.district)
    if year is None:
        today = world.district.local_today()
        start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
        year = SchoolYear.objects.create(district=world.district, name=f"{start.year}-now", starts_on=start,
                                         ends_on=dt.date(start.year + 1, 6, 30),
                                         first_instructional_day=start + dt.timedelta(days=60),
                                         last_instructional_day=dt.date(start.year + 1, 6, 10))
    return year


@pytest.fixture
def past_year(world, current_year):
    """The school year before the current one."""
    ends = current_year.starts_on - dt.timedelta(days=1)
    starts = dt.date(ends.year - 1, ends.month, ends.day) + dt.timedelta(days=1)
    return SchoolYear.objects.create(district=world.district, name="Last year", starts_on=starts,
                                     ends_on=ends,
                                     first_instructional_day=starts + dt.timedelta(days=60),
                                     last_instructional_day=ends - dt.timedelta(days=20))

"""Every window kind has a builder, and the builders cut the instructional year as the rules mean."""

import datetime as dt

import pytest

from drills.evaluators import compliance_calendars
from drills.models import DrillRequirement
from drills.windows import BUILDERS, YearCalendar, date_in_year, windows_for
from schools.models import instructional_days_by_school

from .factories import RequirementFactory, held

W = DrillRequirement.Window
PARAMS = {
    W.SCHOOL_YEAR: {},
    W.TERM: {},
    W.YEAR_PART: {"window_n": 2},
    W.CALENDAR_MONTH: {},
    W.EACH_MONTH_WITH_MIN_DAYS: {"window_n": 10},
    W.DATE_RANGE: {"start_month": 4, "start_day": 1, "end_month": 5, "end_day": 31},
    W.BY_DATE: {"end_month": 12, "end_day": 1},
    W.FIRST_N_INSTRUCTIONAL_DAYS: {"window_n": 10},
    W.FIRST_N_DAYS: {"window_n": 90},
}


def calendar(year, school, terms=()):
    days = instructional_days_by_school(year, [school.pk])[school.pk]
    return YearCalendar(year.starts_on, year.ends_on, year.first_instructional_day, year.last_instructional_day,
                        tuple(days), tuple(terms))


@pytest.mark.parametrize("window", W.values)
def test_every_window_kind_is_evaluated(window, state_world):
    """A new window kind without a builder (or one that counts nothing) fails here."""
    world = state_world("MI")
    requirement = RequirementFactory(district=world.district, window=window, **PARAMS[window])
    requirement.full_clean()
    assert window in BUILDERS, f"no window builder for {window}"
    every, judged = windows_for(requirement, calendar(world.year, world.school, [("Fall", dt.date(2026, 8, 31),
                                                                                  dt.date(2027, 1, 15))]))
    assert judged and every == judged
    inside = judged[0].start + (judged[0].end - judged[0].start) / 2
    held(world.school, inside)
    row = next(r for r in compliance_calendars([world.school], world.year, judged[0].end)[world.school.pk].rows
               if r.requirement == requirement)
    assert row.windows[0].count == 1
    assert str(row.windows[0].status) == "met"


def test_params_cover_every_window_kind():
    assert set(PARAMS) == set(W.values)


def test_a_month_and_day_falls_inside_the_school_year(world):
    cal = calendar(world.year, world.school_a)
    assert date_in_year(12, 1, cal) == dt.date(2026, 12, 1)
    assert date_in_year(3, 1, cal) == dt.date(2027, 3, 1)
    assert date_in_year(2, 29, cal) == dt.date(2027, 2, 28)


def test_a_date_range_without_an_end_runs_to_the_last_day_of_school(world):
    requirement = RequirementFactory(district=world.district, window=W.DATE_RANGE, start_month=1, start_day=1)
    _every, (window,) = windows_for(requirement, calendar(world.year, world.school_a))
    assert (window.start, window.end) == (dt.date(2027, 1, 1), dt.date(2027, 6, 11))


def test_the_first_n_days_of_school_skip_a_holiday(state_world):
    world = state_world("NY")
    requirement = RequirementFactory(district=world.district, window=W.FIRST_N_INSTRUCTIONAL_DAYS, window_n=7)
    _every, (before,) = windows_for(requirement, calendar(world.year, world.school))
    world.holiday(dt.date(2026, 9, 7), "Labor Day")
    _every, (after,) = windows_for(requirement, calendar(world.year, world.school))
    assert before.end == dt.date(2026, 9, 8)
    assert after.end == dt.date(2026, 9, 9)


def test_a_month_needs_ten_days_of_school_to_have_a_window(state_world):
    world = state_world("TX")
    requirement = RequirementFactory(district=world.district, window=W.EACH_MONTH_WITH_MIN_DAYS, window_n=10)
    # A winter break from 15 December leaves December 2026 exactly 10 days of school (1-14 December).
    for day in range(15, 32):
        if dt.date(2026, 12, day).weekday() < 5:
            world.holiday(dt.date(2026, 12, day), "Winter break")
    months = [w.start for w in windows_for(requirement, calendar(world.year, world.school))[1]]
    assert dt.date(2026, 12, 1) in months
    world.holiday(dt.date(2026, 12, 11), "Snow day")
    months = [w.start for w in windows_for(requirement, calendar(world.year, world.school))[1]]
    assert dt.date(2026, 12, 1) not in months
    assert dt.date(2026, 8, 1) not in months  # one day of school in August
    assert dt.date(2027, 6, 1) not in months  # school ends on 11 June: 9 days
    assert dt.date(2026, 9, 1) in months

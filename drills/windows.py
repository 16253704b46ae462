"""The windows of a requirement in one school year: the date spans in which drills are counted.

Pure date logic, no queries: ``windows_for(requirement, calendar)`` turns a rule ("3 fire drills by
Dec 1", "one drill each month with at least 10 days of school") into concrete ``Window``s for a school
whose instructional days are known. Every ``DrillRequirement.Window`` has a builder in ``BUILDERS``
(a test fails for a window kind without one).
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from portal.forms import dates_in_range

from .models import DrillRequirement

W = DrillRequirement.Window


@dataclasses.dataclass(frozen=True)
class Window:
    """Drills held from ``start`` to ``end`` (local dates, inclusive) count toward it."""

    start: dt.date
    end: dt.date
    label: str


@dataclasses.dataclass(frozen=True)
class YearCalendar:
    """What the window builders need to know about one school's year."""

    starts_on: dt.date
    ends_on: dt.date
    first_day: dt.date  # first and last instructional day
    last_day: dt.date
    instructional_days: Sequence[dt.date]  # sorted
    terms: Sequence[tuple[str, dt.date, dt.date]]  # (name, starts_on, ends_on), sorted


def short(day: dt.date) -> str:
    return date_format(day, "M j")


def month_label(day: dt.date) -> str:
    return date_format(day, "F Y")


def date_in_year(month: int, day: int, cal: YearCalendar, not_before: dt.date | None = None) -> dt.date:
    """The date with this month and day inside the school year (29 Feb becomes 28 Feb in other years)."""
    floor = not_before or cal.starts_on
    for year in (floor.year, floor.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            candidate = dt.date(year, month, 28)
        if candidate >= floor:
            return min(candidate, cal.ends_on)
    return cal.ends_on


def month_spans(cal: YearCalendar):
    """(first, last) date of each calendar month that holds part of the instructional year."""
    first = cal.first_day.replace(day=1)
    while first <= cal.last_day:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        yield first, following - dt.timedelta(days=1)
        first = following


# --- one builder per window kind ---------------------------------------------------------------


def school_year_windows(req, cal):
    return [Window(cal.first_day, cal.last_day, _("by %(end)s") % {"end": short(cal.last_day)})]


def term_windows(req, cal):
    if not cal.terms:
        # No terms set up: the instructional year is one term (the page asks the district to add them).
        return [Window(cal.first_day, cal.last_day, _("this year (no terms set up)"))]
    return [
        Window(start, end, _("in %(term)s (by %(end)s)") % {"term": name, "end": short(end)})
        for name, start, end in cal.terms
    ]


def year_part_windows(req, cal):
    """N parts of the instructional year with equal numbers of school days (2: semesters, 4: quarters)."""
    days, n = list(cal.instructional_days), req.window_n or 1
    if not days:
        return []
    names = {
        2: [_("first semester"), _("second semester")],
        4: [_("first quarter"), _("second quarter"), _("third quarter"), _("fourth quarter")],
    }.get(n)
    windows, start = [], cal.first_day
    for part in range(n):
        last_index = min(len(days), round(len(days) * (part + 1) / n)) - 1
        end = cal.last_day if part == n - 1 else days[max(last_index, 0)]
        name = names[part] if names else _("part %(i)s of %(n)s") % {"i": part + 1, "n": n}
        windows.append(
            Window(start, end, _("in the %(part)s (by %(end)s)") % {"part": name, "end": short(end)})
        )
        start = end + dt.timedelta(days=1)
    return windows


def calendar_month_windows(req, cal):
    """Every month with at least one day of school."""
    return _month_windows(cal, minimum_days=1)


def each_month_with_min_days_windows(req, cal):
    return _month_windows(cal, minimum_days=req.window_n or 1)


def _month_windows(cal, minimum_days):
    windows = []
    for first, last in month_spans(cal):
        school_days = sum(1 for d in cal.instructional_days if first <= d <= last)
        if school_days >= minimum_days:
            windows.append(Window(first, last, _("in %(month)s") % {"month": month_label(first)}))
    return windows


def date_range_windows(req, cal):
    start = date_in_year(req.start_month, req.start_day, cal)
    if req.end_month:
        end = date_in_year(req.end_month, req.end_day, cal, not_before=start)
        label = _("between %(start)s and %(end)s") % {"start": short(start), "end": short(end)}
    else:
        end = cal.last_day
        label = _("between %(start)s and the last day of school (%(end)s)") % {
            "start": short(start),
            "end": short(end),
        }
    return [Window(start, end, label)] if start <= end else []


def by_date_windows(req, cal):
    end = date_in_year(req.end_month, req.end_day, cal)
    return [Window(cal.first_day, end, _("by %(end)s") % {"end": short(end)})]


def first_n_instructional_days_windows(req, cal):
    """Up to the Nth day of school, holidays skipped (the school's own calendar)."""
    days = cal.instructional_days
    if not days:
        return []
    end = days[min(req.window_n or 1, len(days)) - 1]
    return [
        Window(
            cal.first_day,
            end,
            _("in the first %(n)s days of school (by %(end)s)") % {"n": req.window_n, "end": short(end)},
        )
    ]


def first_n_days_windows(req, cal):
    end = min(cal.first_day + dt.timedelta(days=(req.window_n or 1) - 1), cal.ends_on)
    return [
        Window(
            cal.first_day,
            end,
            _("within %(n)s days of the first day of school (by %(end)s)")
            % {"n": req.window_n, "end": short(end)},
        )
    ]


BUILDERS = {
    W.SCHOOL_YEAR: school_year_windows,
    W.TERM: term_windows,
    W.YEAR_PART: year_part_windows,
    W.CALENDAR_MONTH: calendar_month_windows,
    W.EACH_MONTH_WITH_MIN_DAYS: each_month_with_min_days_windows,
    W.DATE_RANGE: date_range_windows,
    W.BY_DATE: by_date_windows,
    W.FIRST_N_INSTRUCTIONAL_DAYS: first_n_instructional_days_windows,
    W.FIRST_N_DAYS: first_n_days_windows,
}


def windows_for(requirement, cal: YearCalendar) -> tuple[list[Window], list[Window]]:
    """(every window of the rule in this year, those judged by this version: the ones opening while it is in
    effect). A window is judged by the version in effect on the day it opens, so a change never rewrites a
    window already open, nor a past year."""
    if not dates_in_range(cal.starts_on, cal.ends_on, cal.first_day, cal.last_day):
        return [], []  # a year near the calendar's limits (a row from before SchoolYear's check): no window
    try:
        windows = BUILDERS[requirement.window](requirement, cal)
    except (OverflowError, ValueError):  # date arithmetic past year 9999
        return [], []
    return windows, [w for w in windows if requirement.in_effect_on(w.start)]

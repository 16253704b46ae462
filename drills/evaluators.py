"""The drill compliance calendar and the action-9 evaluator, computed from the rules and the logs.

For each school and school year, each requirement in effect is cut into windows (``drills/windows.py``)
and each window is judged by the completed drills counted in it:

- met: the window holds at least the minimum (and no more than a cap);
- at risk: short, and the window closes within ``AT_RISK_DAYS`` days;
- not met: short when the window closed, or over the cap;
- on track: short, but the window closes later (or has not opened yet).

A requirement takes its worst window; a school its worst requirement. Every school of a district is
computed in a fixed number of queries (``compliance_calendars``), whatever the number of schools.
"""

import bisect
import dataclasses
import datetime as dt
from collections import defaultdict
from functools import cached_property

from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.registry import Result, Status
from portal.dates import local_day_bounds
from portal.forms import dates_in_range
from schools.models import CalendarDay, School, Term, instructional_days_by_school

from .models import Drill, DrillRequirement, DrillSettings, counting_rule_text
from .windows import Window, YearCalendar, short, windows_for

AT_RISK_DAYS = 14

# Worst last: a requirement shows its worst window, a school its worst requirement.
SEVERITY = {Status.NOT_APPLICABLE: 0, Status.MET: 1, Status.ON_TRACK: 2, Status.AT_RISK: 3, Status.NOT_MET: 4}


@dataclasses.dataclass
class WindowResult:
    window: Window
    count: int
    planned: list[dt.date]  # planned drills of these kinds in the window, from as_of on
    status: Status


@dataclasses.dataclass
class RequirementResult:
    """One requirement at one school. The words (reason, next step) are worked out only when read: the
    daily reminder pass over thousands of schools needs the statuses alone."""

    requirement: DrillRequirement
    status: Status
    windows: list[WindowResult]
    as_of: dt.date | None = None
    fixed_reason: str = ""  # for rows without windows (not applicable)

    @cached_property
    def reason(self) -> str:
        if not self.windows:
            return self.fixed_reason
        reason = window_reason(pick_reason_window(self.windows, self.status, self.as_of), self.requirement)
        missed = sum(1 for r in self.windows if r.status == Status.NOT_MET)
        if missed > 1:
            reason += " " + _("(%(n)s windows missed this year)") % {"n": missed}
        return reason

    @cached_property
    def next_step(self) -> str:
        return next_step(self.windows, self.requirement, self.as_of) if self.windows else ""


@dataclasses.dataclass
class SchoolCalendar:
    """One school's compliance calendar for one school year, as of a day: its worst requirement and why."""

    school: School
    school_year: object
    as_of: dt.date
    rows: list[RequirementResult]
    status: Status
    worst: RequirementResult | None = None
    fixed_reason: str = ""
    unsigned_count: bool = True  # the district's rule: do drills whose log is not signed yet count?

    @property
    def counting_rule(self) -> str:
        return counting_rule_text(self.unsigned_count)

    @cached_property
    def reason(self) -> str:
        return capfirst(self.worst.reason) if self.worst is not None else self.fixed_reason

    @cached_property
    def next_step(self) -> str:
        ranked = sorted((r for r in self.rows if r.status != Status.NOT_APPLICABLE), key=lambda r: -SEVERITY[r.status])
        return next((r.next_step for r in ranked if r.next_step), "")


# --------------------------------------------------------------------------------------------
# One window, one requirement
# --------------------------------------------------------------------------------------------


def window_status(count: int, requirement, window: Window, as_of: dt.date) -> Status:
    if requirement.max_count is not None and count > requirement.max_count:
        return Status.NOT_MET
    if count >= requirement.min_count:
        return Status.MET
    if as_of > window.end:
        return Status.NOT_MET
    if (window.end - as_of).days <= AT_RISK_DAYS:
        return Status.AT_RISK
    return Status.ON_TRACK


def window_reason(result: WindowResult, requirement) -> str:
    """E.g. "2 of 3 fire drills by Dec 1", "0 of 1 lockdown drill by Dec 1", "4 fire drills by Dec 1 (3
    required)" or "5 lockdown drills by Jun 11, more than the 4 allowed": the noun agrees with its number."""
    count, label = result.count, result.window.label
    if requirement.max_count is not None and count > requirement.max_count:
        return ngettext("%(count)s %(what)s %(label)s, more than the %(max)s allowed",
                        "%(count)s %(what)s %(label)s, more than the %(max)s allowed", count) % {
            "count": count,
            "what": requirement.what(count),
            "label": label,
            "max": requirement.max_count,
        }
    if requirement.min_count == 0:
        return ngettext("%(count)s %(what)s %(label)s (at most %(max)s)",
                        "%(count)s %(what)s %(label)s (at most %(max)s)", count) % {
            "count": count,
            "what": requirement.what(count),
            "label": label,
            "max": requirement.max_count,
        }
    if count >= requirement.min_count:
        return ngettext("%(count)s %(what)s %(label)s (%(min)s required)",
                        "%(count)s %(what)s %(label)s (%(min)s required)", count) % {
            "count": count,
            "min": requirement.min_count,
            "what": requirement.what(count),
            "label": label,
        }
    return ngettext("%(count)s of %(min)s %(what)s %(label)s", "%(count)s of %(min)s %(what)s %(label)s",
                    requirement.min_count) % {
        "count": count,
        "min": requirement.min_count,
        "what": requirement.what(requirement.min_count),
        "label": label,
    }


def next_step(results: list[WindowResult], requirement, as_of: dt.date) -> str:
    """What to schedule next: the first open window still short of its minimum."""
    for result in results:
        if result.window.end < as_of:
            continue
        if requirement.max_count is not None and result.count >= requirement.max_count:
            return _("Do not hold more %(what)s %(label)s: the limit is %(max)s.") % {
                "what": requirement.title,
                "label": result.window.label,
                "max": requirement.max_count,
            }
        missing = requirement.min_count - result.count
        if missing <= 0:
            continue
        planned = result.planned
        if len(planned) >= missing:
            return _("Planned: %(dates)s.") % {"dates": ", ".join(short(d) for d in planned[:missing])}
        text = _("%(what)s: schedule %(n)s more by %(end)s.") % {
            "n": missing - len(planned),
            "what": capfirst(requirement.title),
            "end": short(result.window.end),
        }
        if planned:
            text += " " + _("Already planned: %(dates)s.") % {"dates": ", ".join(short(d) for d in planned)}
        return text
    return ""


def pick_reason_window(results: list[WindowResult], status: Status, as_of: dt.date) -> WindowResult:
    """The window that explains the status: the latest miss, the soonest closing otherwise."""
    candidates = [r for r in results if r.status == status]
    if status == Status.NOT_MET:
        return max(candidates, key=lambda r: r.window.end)
    if status == Status.MET:
        open_or_last = [r for r in candidates if r.window.end >= as_of]
        return min(open_or_last, key=lambda r: r.window.end) if open_or_last else candidates[-1]
    return min(candidates, key=lambda r: r.window.end)


def evaluate_requirement(requirement, windows, dates, planned, as_of) -> RequirementResult:
    """Judge one requirement at one school from its windows and the sorted local dates of counted drills."""
    results = []
    for window in windows:
        count = bisect.bisect_right(dates, window.end) - bisect.bisect_left(dates, window.start)
        lo, hi = (
            bisect.bisect_left(planned, max(window.start, as_of)),
            bisect.bisect_right(planned, window.end),
        )
        results.append(WindowResult(window, count, planned[lo:hi], window_status(count, requirement, window, as_of)))
    status = max((r.status for r in results), key=SEVERITY.__getitem__)
    return RequirementResult(requirement, status, results, as_of)


def not_applicable(requirement, reason: str) -> RequirementResult:
    return RequirementResult(requirement, Status.NOT_APPLICABLE, [], fixed_reason=reason)


# --------------------------------------------------------------------------------------------
# Every school of a district at once
# --------------------------------------------------------------------------------------------


def requirements_for_year(district, school_year) -> list[DrillRequirement]:
    """The state's and the district's rule versions in effect at some point of the instructional year."""
    qs = (
        DrillRequirement.objects.for_district(district)
        .overlapping(school_year.first_instructional_day, school_year.last_instructional_day)
        .prefetch_related("kinds")
        .order_by("title", "code", "effective_from")
    )
    return list(qs)


def drill_dates(school_ids, kind_ids, school_year, tz, as_of, unsigned_count=True):
    """Sorted local dates of counted drills and of planned ones, per (school, kind): one query.

    A completed drill counts when its log is signed, or whatever its signature when the district counts
    unsigned drills (``DrillSettings``).

    The database turns each time into the district's local date (held: when it started; planned: when
    it is planned), so thousands of schools cost no time-zone arithmetic here.
    """
    start, end = local_day_bounds(school_year.starts_on, school_year.ends_on, tz)
    rows = (
        Drill.objects.filter(school_id__in=school_ids, kind_id__in=kind_ids, corrected_by__isnull=True)
        .filter(
            (Q(status=Drill.Status.COMPLETED, actual_start__gte=start, actual_start__lt=end)
             & (Q() if unsigned_count else Q(signed_at__isnull=False)))
            | Q(status=Drill.Status.PLANNED, planned_start__gte=start, planned_start__lt=end)
        )
        .annotate(day=TruncDate(Coalesce("actual_start", "planned_start"), tzinfo=tz))
        .order_by()  # no sort: the dates are sorted per school and kind in Python
        .values_list("school_id", "kind_id", "status", "day")
    )
    held, planned = defaultdict(list), defaultdict(list)
    for school_id, kind_id, status, day in rows:
        if status == Drill.Status.COMPLETED:
            held[school_id, kind_id].append(day)
        elif day >= as_of:
            planned[school_id, kind_id].append(day)
    return held, planned


def _merged(table, school_id, kind_ids) -> list[dt.date]:
    dates = []
    for kind_id in kind_ids:
        dates += table.get((school_id, kind_id), ())
    return sorted(dates)


def days_by_school(school_year, school_ids) -> dict[int, tuple]:
    """Instructional days per school; schools without days of their own share the district's tuple."""
    own = set(
        CalendarDay.objects.filter(school_year=school_year, school_id__in=school_ids)
        .values_list("school_id", flat=True)
        .distinct()
    )
    table = instructional_days_by_school(school_year, [*own, NO_SCHOOL])
    shared = tuple(table[NO_SCHOOL])
    return {sid: tuple(table[sid]) if sid in own else shared for sid in school_ids}


NO_SCHOOL = 0  # no school has this id: its instructional days are the district's


def year_in_range(school_year) -> bool:
    return dates_in_range(school_year.starts_on, school_year.ends_on, school_year.first_instructional_day,
                          school_year.last_instructional_day)


def compliance_calendars(schools, school_year, as_of: dt.date) -> dict[int, SchoolCalendar]:
    """Every school's calendar for the year, in a fixed number of queries (eight) whatever their number."""
    schools = list(schools)
    if not schools:
        return {}
    district = school_year.district
    requirements = requirements_for_year(district, school_year)
    kinds_of = {r.pk: tuple(sorted(k.pk for k in r.kinds.all())) for r in requirements}
    terms = tuple(
        (t.name, t.starts_on, t.ends_on) for t in Term.objects.filter(school_year=school_year).order_by("starts_on")
    )
    school_ids = [s.pk for s in schools]
    unsigned_count = DrillSettings.unsigned_count_for(district.pk)
    all_kinds = sorted({k for ks in kinds_of.values() for k in ks})
    if year_in_range(school_year):
        days_of = days_by_school(school_year, school_ids)
        held, planned = drill_dates(school_ids, all_kinds, school_year, district.tz, as_of, unsigned_count)
    else:
        # A year near the calendar's limits (a row from before SchoolYear's check): its date arithmetic would
        # overflow; no days, no drills, and windows_for() gives no window (the rules show "not applicable").
        days_of, held, planned = {sid: () for sid in school_ids}, {}, {}

    # Windows depend on the rule and the calendar only: built once per distinct calendar (most schools
    # share the district's), keyed by the identity of its days tuple.
    windows_cache: dict = {}
    calendars = {}
    for school in schools:
        days = days_of[school.pk]
        dates_cache: dict = {}  # rules counting the same kinds share their merged dates
        rows = []
        for requirement in requirements:
            key = (requirement.pk, id(days))
            if key not in windows_cache:
                cal = YearCalendar(
                    school_year.starts_on,
                    school_year.ends_on,
                    school_year.first_instructional_day,
                    school_year.last_instructional_day,
                    days,
                    terms,
                )
                windows_cache[key] = windows_for(requirement, cal)
            kind_ids = kinds_of[requirement.pk]
            if kind_ids not in dates_cache:
                dates_cache[kind_ids] = (_merged(held, school.pk, kind_ids), _merged(planned, school.pk, kind_ids))
            row = _row(requirement, school, windows_cache[key], dates_cache[kind_ids], as_of)
            if row is not None:
                rows.append(row)
        calendars[school.pk] = _school_calendar(school, school_year, as_of, rows)
        calendars[school.pk].unsigned_count = unsigned_count
    return calendars


def _row(requirement, school, windows, dates, as_of):
    every_window, judged = windows
    if not judged:
        # Another version of the rule judges this year's windows: nothing to show for this one. A rule with
        # no window at all in this calendar (no month with N days of school) is shown as not applicable.
        return (
            None
            if every_window
            else not_applicable(requirement, _("No window of this rule falls in this school year's calendar."))
        )
    if not requirement.applies_to_level(school.level):
        levels = ", ".join(str(School.Level(level).label) for level in requirement.levels)
        return not_applicable(requirement, _("Applies to %(levels)s schools only.") % {"levels": levels})
    held, planned = dates
    return evaluate_requirement(requirement, judged, held, planned, as_of)


def _school_calendar(school, school_year, as_of, rows) -> SchoolCalendar:
    applicable = [r for r in rows if r.status != Status.NOT_APPLICABLE]
    if not applicable:
        if rows:
            return SchoolCalendar(
                school,
                school_year,
                as_of,
                rows,
                Status.NOT_APPLICABLE,
                fixed_reason=_("No drill requirement applies to this school."),
            )
        return SchoolCalendar(
            school,
            school_year,
            as_of,
            rows,
            Status.NOT_TRACKED,
            fixed_reason=_(
                "No drill requirement applies to this school yet. A district administrator can add the "
                "district's own requirements."
            ),
        )
    worst = max(applicable, key=lambda r: SEVERITY[r.status])
    return SchoolCalendar(school, school_year, as_of, rows, worst.status, worst)


# --------------------------------------------------------------------------------------------
# The action-9 evaluator for the dashboard
# --------------------------------------------------------------------------------------------


def citation_of(requirement, district) -> str:
    """The rule a status was judged against, as the compliance reports cite it (no query)."""
    owner = district.name if requirement.district_id else requirement.get_state_display()
    text = f"{owner}: {requirement.title}"
    if requirement.citation:
        text += f", {requirement.citation}"
    if not requirement.is_verified:
        text += " " + _("(unverified: verify with your state)")
    return text


def evaluate(schools, school_year, as_of: dt.date) -> dict[int, Result]:
    """``{school_id: Result}``: each school's worst requirement and why, in a fixed number of queries.

    Each result cites the rules it was judged against (the applicable ones), for the compliance reports.
    """
    results = {}
    district = school_year.district
    for school_id, calendar in compliance_calendars(schools, school_year, as_of).items():
        url = reverse("drills:compliance-school", kwargs={"school_id": school_id}) + f"?year={school_year.pk}"
        citations = tuple(dict.fromkeys(citation_of(row.requirement, district) for row in calendar.rows
                                        if row.status != Status.NOT_APPLICABLE))
        results[school_id] = Result(calendar.status, calendar.reason, calendar.next_step, url, citations)
    return results

"""The organisation's part of ``seed_demo``: Ann Arbor Public Schools (MI) from public NCES rows.

The district's 32 schools come through the NCES importer from ``schools/demo_data/``; then extra
buildings, the last and current school year with a typical Michigan calendar, and the police agency.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError

from portal.demo import SeedContext
from schools.models import Agency, Building, CalendarDay, District, School, SchoolYear, Term
from schools.services import nces_import

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DISTRICT_NCES_ID = "2602820"
DISTRICT_TIME_ZONE = "America/Detroit"

# The conftest's school A, B and C, as real Ann Arbor schools (by NCES id).
SCHOOLS = {"a": "260282004029", "b": "260282004032", "c": "260282007761"}  # Pioneer, Huron, Skyline High
EXTRA_BUILDINGS = {"a": ["Athletic fieldhouse"], "b": ["Athletic fieldhouse"]}
AGENCY = {"name": "Ann Arbor Police Department", "kind": Agency.Kind.POLICE,
          "jurisdiction": "City of Ann Arbor"}


def import_district(ctx: SeedContext) -> None:
    report = nces_import(schools_file=DEMO_DATA / "ann_arbor_schools.csv",
                         districts_file=DEMO_DATA / "ann_arbor_district.csv", by=None,
                         time_zone=DISTRICT_TIME_ZONE, only_district_ids={DISTRICT_NCES_ID})
    if report.errors:
        raise CommandError("The demo rows did not import cleanly: " + "; ".join(map(str, report.errors)))
    ctx.district = District.objects.get(nces_lea_id=DISTRICT_NCES_ID)
    ctx.today = ctx.district.local_today()
    ctx.schools = {key: School.objects.get(nces_id=nces_id) for key, nces_id in SCHOOLS.items()}
    ctx.say(f"{ctx.district}: {report.summary()}.")


def add_buildings(ctx: SeedContext) -> None:
    for key, names in EXTRA_BUILDINGS.items():
        for name in names:
            Building.objects.get_or_create(school=ctx.schools[key], name=name)


def add_school_years(ctx: SeedContext) -> None:
    """Last and current administrative year (1 July - 30 June, current = containing today in Detroit)."""
    current_start = ctx.today.year if ctx.today.month >= 7 else ctx.today.year - 1
    ctx.school_years = [_school_year(ctx.district, start) for start in (current_start - 1, current_start)]
    ctx.say(f"School years: {', '.join(y.name for y in ctx.school_years)} with calendars.")


def add_agency(ctx: SeedContext) -> None:
    ctx.agency, _ = Agency.objects.update_or_create(
        district=ctx.district, name=AGENCY["name"],
        defaults={"kind": AGENCY["kind"], "jurisdiction": AGENCY["jurisdiction"]})


# --- the calendar -----------------------------------------------------------------------------


def _nth_weekday(year, month, weekday, n):
    """The n-th given weekday (0 = Monday) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year, month, weekday):
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _weekdays(start, end):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def demo_calendar(start_year: int) -> dict:
    """A typical Michigan public school calendar for the year starting 1 July ``start_year``.

    School starts the Monday a week before Labor Day and ends the second Friday of June; two semesters
    split after the third week of January; closures: Labor Day, Thanksgiving Thursday and Friday, two
    weeks of winter break around New Year, Martin Luther King Jr. Day, the last full week of March as
    spring break, and Memorial Day.
    """
    y1, y2 = start_year, start_year + 1
    labor_day = _nth_weekday(y1, 9, 0, 1)
    first_day = labor_day - dt.timedelta(days=7)
    last_day = _nth_weekday(y2, 6, 4, 2)
    thanksgiving = _nth_weekday(y1, 11, 3, 4)
    new_year = dt.date(y2, 1, 1)
    winter_end = new_year + dt.timedelta(days=4 - new_year.weekday())  # Friday of New Year's week (Mon-Sun)
    winter_start = winter_end - dt.timedelta(days=11)
    spring_start = _last_weekday(y2, 3, 0)
    if spring_start.day > 27:  # the last *full* week of March
        spring_start -= dt.timedelta(days=7)
    semester_end = _nth_weekday(y2, 1, 4, 3)  # third Friday of January
    closures = [(labor_day, "Labor Day"), (thanksgiving, "Thanksgiving"),
                (thanksgiving + dt.timedelta(days=1), "Thanksgiving break")]
    closures += [(d, "Winter break") for d in _weekdays(winter_start, winter_end)]
    closures.append((_nth_weekday(y2, 1, 0, 3), "Martin Luther King Jr. Day"))
    closures += [(d, "Spring break") for d in _weekdays(spring_start, spring_start + dt.timedelta(days=4))]
    closures.append((_last_weekday(y2, 5, 0), "Memorial Day"))
    return {
        "name": f"{y1}-{str(y2)[-2:]}",
        "starts_on": dt.date(y1, 7, 1), "ends_on": dt.date(y2, 6, 30),
        "first_day": first_day, "last_day": last_day,
        "terms": [("Semester 1", first_day, semester_end),
                  ("Semester 2", semester_end + dt.timedelta(days=3), last_day)],
        "closures": closures,
    }


def _school_year(district: District, start_year: int) -> SchoolYear:
    cal = demo_calendar(start_year)
    year, _ = SchoolYear.objects.update_or_create(
        district=district, starts_on=cal["starts_on"],
        defaults={"name": cal["name"], "ends_on": cal["ends_on"], "first_instructional_day": cal["first_day"],
                  "last_instructional_day": cal["last_day"]})
    for name, starts_on, ends_on in cal["terms"]:
        Term.objects.update_or_create(school_year=year, name=name,
                                      defaults={"starts_on": starts_on, "ends_on": ends_on})
    for day, description in cal["closures"]:
        CalendarDay.objects.update_or_create(school_year=year, school=None, date=day,
                                             defaults={"description": description, "is_instructional": False})
    return year

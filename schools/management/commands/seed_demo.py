"""``manage.py seed_demo``: one real district to try the portal with (Ann Arbor Public Schools, MI).

Builds, through the NCES importer, the district's 32 schools from the public-domain NCES rows in
``schools/demo_data/``, then buildings, the current and last school year with their calendars, the police
agency, and one account per persona of ARCHITECTURE.md sharing one demo password, printed at the end.

Only for ``PORTAL_ENV=dev`` (``settings.DEMO_DATA_ALLOWED``) unless ``--force``: the accounts share a
published password. Every step uses get_or_create / update_or_create, so running it twice duplicates
nothing; the whole run is one transaction.

Later features add their own demo data by appending a step to ``STEPS``: a callable taking the
``SeedContext`` (district, schools, years, agency, users are filled in by the earlier steps).
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from drills.demo import add_demo_drills
from schools.models import Agency, Building, CalendarDay, District, Membership, School, SchoolYear, Term, User
from schools.services import nces_import
from schools.two_factor import enrol_demo_two_factor

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"
DISTRICT_NCES_ID = "2602820"
DISTRICT_TIME_ZONE = "America/Detroit"
DEMO_PASSWORD = "safety-portal-demo"

# The conftest's school A, B and C, as real Ann Arbor schools (by NCES id).
SCHOOLS = {"a": "260282004029", "b": "260282004032", "c": "260282007761"}  # Pioneer, Huron, Skyline High
EXTRA_BUILDINGS = {"a": ["Athletic fieldhouse"], "b": ["Athletic fieldhouse"]}
AGENCY = {"name": "Ann Arbor Police Department", "kind": Agency.Kind.POLICE,
          "jurisdiction": "City of Ann Arbor"}

Role = Membership.Role


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    name: str
    title: str
    # (role, school key or None for the whole district)
    memberships: tuple = ()


PERSONAS = [
    Persona("district_admin", "dana.whitfield@example.org", "Dana Whitfield",
            "Director of Safety and Security", ((Role.DISTRICT_ADMIN, None),)),
    Persona("district_leader", "marcus.bell@example.org", "Marcus Bell",
            "Deputy Superintendent", ((Role.DISTRICT_LEADER, None),)),
    Persona("school_a_admin", "angela.reyes@example.org", "Angela Reyes",
            "Principal, Pioneer High School", ((Role.SCHOOL_ADMIN, "a"),)),
    Persona("school_b_admin", "brian.okafor@example.org", "Brian Okafor",
            "Principal, Huron High School", ((Role.SCHOOL_ADMIN, "b"),)),
    Persona("school_a_staff", "tessa.lindqvist@example.org", "Tessa Lindqvist",
            "Science Teacher, Pioneer High School", ((Role.SCHOOL_STAFF, "a"),)),
    Persona("sro_two_schools", "sam.delgado@example.org", "Officer Sam Delgado",
            "School Resource Officer, Ann Arbor Police", ((Role.SRO, "a"), (Role.SRO, "c"))),
    Persona("counselor_threat_team", "corinne.park@example.org", "Corinne Park",
            "School Counselor, Pioneer High School", ((Role.COUNSELOR, "a"), (Role.THREAT_TEAM, "a"))),
    Persona("tip_triage", "tia.morgan@example.org", "Tia Morgan",
            "Student Support Coordinator", ((Role.TIP_TRIAGE, None),)),
    Persona("no_membership", "noel.brandt@example.org", "Noel Brandt", "New hire (no role yet)", ()),
]


@dataclass
class SeedContext:
    """What the steps share; each step fills in what later steps need."""

    command: BaseCommand
    password: str
    district: District | None = None
    today: dt.date | None = None
    schools: dict[str, School] = field(default_factory=dict)
    school_years: list[SchoolYear] = field(default_factory=list)  # [last year, current year]
    agency: Agency | None = None
    users: dict[str, User] = field(default_factory=dict)
    # Rows of the printed login table: (persona, email, what they hold).
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    # Lines printed after the table (e.g. how to sign in with a second factor).
    notes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.command.stdout.write(text)

    @property
    def current_year(self) -> SchoolYear:
        return self.school_years[-1]


# --- steps ------------------------------------------------------------------------------------


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


def add_personas(ctx: SeedContext) -> None:
    since = ctx.school_years[0].starts_on
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults={"display_name": persona.name, "title": persona.title, "is_active": True})
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
        ctx.users[persona.key] = user
        held = []
        for role, school_key in persona.memberships:
            school = ctx.schools[school_key] if school_key else None
            Membership.objects.update_or_create(
                user=user, role=role, district=None if school else ctx.district, school=school,
                agency=ctx.agency if role == Role.SRO else None,
                defaults={"starts_on": since, "ends_on": None})
            held.append(f"{Role(role).label} ({school or ctx.district})")
        ctx.logins.append((persona.key, persona.email, "; ".join(held) or "no role: sees whom to ask"))


STEPS = [import_district, add_buildings, add_school_years, add_agency, add_personas, enrol_demo_two_factor]
STEPS.append(add_demo_drills)  # drills/: a year of drills, reviews and follow-ups (issue 5)


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


# --- the command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = ("Load demo data: Ann Arbor Public Schools (MI) from the NCES directory, two school years with "
            "calendars, the police agency and one login per persona. Only with PORTAL_ENV=dev unless "
            "--force.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even though demo data is not allowed here (not PORTAL_ENV=dev).")
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help="The password every demo account gets (default: %(default)s).")

    def handle(self, *args, force, password, **options):
        if not settings.DEMO_DATA_ALLOWED and not force:
            raise CommandError("seed_demo only runs with PORTAL_ENV=dev: it creates accounts that share a "
                               "published password. Pass --force if you really mean to load them here.")
        if len(password) < 12:
            raise CommandError("The demo password needs at least 12 characters.")
        ctx = SeedContext(command=self, password=password)
        with transaction.atomic():
            for step in STEPS:
                step(ctx)
        self.print_logins(ctx)

    def print_logins(self, ctx: SeedContext) -> None:
        width_persona = max(len(p) for p, _, _ in ctx.logins)
        width_email = max(len(e) for _, e, _ in ctx.logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {ctx.password})"))
        self.stdout.write(f"{'Persona':<{width_persona}}  {'Email':<{width_email}}  Holds")
        for persona, email, held in ctx.logins:
            self.stdout.write(f"{persona:<{width_persona}}  {email:<{width_email}}  {held}")
        for note in ctx.notes:
            self.stdout.write(note)

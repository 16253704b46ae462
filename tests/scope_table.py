"""The scope table, split per app: every named URL of the portal, who may open it, how to build its record.

Each app's tests declare the URLs of that app in ``tests/<app>/scope.py``; this module holds what they
share (the entry shapes ``page()``, ``obj()``, ``post_only()``, the persona groups, the builders of the
organisation's records, the who-reaches-what oracle) and ``collect()``, which imports every
``tests/*/scope.py`` it finds. There is no list to edit when an app is added.

``tests/portal/test_scope_walk.py`` walks every URL pattern the resolver knows and fails on any named
URL that no ``scope.py`` declares, in ``URLS`` or in ``PUBLIC``. For each entry it GETs the page as every
persona of ``tests/conftest.py`` plus anonymous, a person whose membership ended and a superuser, and
checks:

- anonymous is sent to the login page;
- a record in another school or another district is a 404 (never 403, never 200);
- lists show only rows of the person's own schools and district (and nothing at all to a person with
  no active membership, an ended membership, or a superuser), and no page ever names a school or district
  the person has no place in;
- inside the person's scope, the status is the one the entry declares.

How an app adds its scope.py (a few lines)
------------------------------------------
Create ``tests/<app>/scope.py`` (with ``tests/<app>/__init__.py``) and name every URL of the app in it::

    import datetime as dt

    from tests.drills.factories import planned
    from tests.scope_table import SCHOOL_EDITORS, obj, page, post_only, unique

    def make_drill(world, school):
        return planned(school, dt.date(2026, 10, 1 + unique() % 28))

    URLS = {
        "drills:drill-list": page(),
        "drills:drill-create": page(ok=SCHOOL_EDITORS),
        "drills:drill-detail": obj(make_drill),
        "drills:drill-update": obj(make_drill, ok=SCHOOL_EDITORS, others=403),
        "drills:drill-cancel": post_only(make_drill),
    }
    PUBLIC = {"drills:calendar-ics": "calendar apps fetch the feed with its secret address, without a session"}

``URLS`` (and ``PUBLIC``, optional) are the only names the walk reads. A URL in the namespace ``<app>:``
is declared in ``tests/<app>/scope.py`` and nowhere else (the walk checks it); URLs without a namespace
(``home``, ``login``...) go in the scope.py of the app whose view serves them.

The records themselves are tested too: ``tests/scoped_models.py`` generates, for a scoped model, the
in-scope, other-school, other-district and permission-matrix tests from two lines per model::

    class TestDrillScope(ScopedModelTests):
        model, make = Drill, make_drill

How to write an entry (one line per URL name)
---------------------------------------------
A page without an object id (lists, create forms, dashboards)::

    "drills:drill-list": page(),                      # 200 for everyone signed in (lists are scoped)
    "drills:drill-create": page(ok=SCHOOL_EDITORS),   # 200 for these personas, 403 for the others

A page about one record (``<int:pk>`` or any single id in the route)::

    "drills:drill-detail": obj(make_drill),                          # 200 for every persona who can see it
    "drills:drill-update": obj(make_drill, ok=SCHOOL_EDITORS, others=403),  # seen but not editable: 403

``make_drill`` is a function ``(world, school) -> record`` that builds one record belonging to
``school`` (or to its district, for district-wide records). The walk calls it for School A, School B
and the other district's school, so it must work for any school: build what the record needs in
``school.district`` (``school_year_of(world, school.district)`` gives a school year there). Put it
in your app's scope.py (the builders of the organisation's records, ``make_school``, ``make_user``...,
are here).

What ``ok`` / ``denied`` / ``redirect`` / ``others`` mean:

- ``ok``: personas (names from ``PERSONAS``) that get 200 (for ``obj``: when the record is in their scope);
- ``denied``: personas that get 403; ``redirect``: personas that get a redirect (not to the login page);
- the sets may overlap: ``ok`` wins, then ``redirect``, then ``denied``, so
  ``obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS)`` reads "editors 200, other viewers 403";
- ``others``: the status for every persona not named (``page``: 403 by default; ``obj``: 404 by default,
  i.e. "not even visible"; use ``others=403`` for edit pages of records everybody in scope can see).
- ``no_membership`` stands for every person with nothing to see (no membership, ended membership,
  superuser): for ``obj`` they always get 404 whatever the entry says.

Other shapes:

- ``post_only()``: a view that only answers POST (GET is 405 once signed in); ``post_only(make_x)`` for
  one about a record: the walk also POSTs (an empty form) for records out of the person's scope and
  expects 404. It never POSTs inside the scope (that would do the work); test that in the view's tests.
- several ids in the route: ``obj(make_x, kwargs=lambda x: {"drill_pk": x.drill_id, "pk": x.pk})``;
  a page with non-record arguments: ``page(kwargs=lambda world: {"year": 2026})``.
- a record without ``scope_path`` (``User``): ``obj(make_user, via=lambda user: user.memberships.get())``
  names the scoped record that decides who may see it.
- public pages (no login: login, password reset, the anonymous tip form) go in ``PUBLIC`` with a reason.
- the Django admin (``admin:`` names) is not listed anywhere: the walk checks that only superusers get in.
"""

import datetime as dt
import importlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from django.db.models import Q

from schools.models import (
    AuditEvent,
    CalendarDay,
    District,
    Membership,
    Notification,
    School,
    SchoolYear,
    Term,
    User,
)

from .conftest import PERSONAS
from .factories import AgencyFactory, BuildingFactory, MembershipFactory, UserFactory

TESTS_DIR = Path(__file__).resolve().parent

# --- Persona groups ------------------------------------------------------------------------------

EVERYONE = frozenset(PERSONAS)
# Outside partners on a time-boxed grant (a fire captain at School A): they read only what a matrix row
# grants the responder role, so the district's own people (MEMBERS, obj()'s default) leave them out.
PARTNERS = frozenset({"responder"})
MEMBERS = EVERYONE - {"no_membership"} - PARTNERS
DISTRICT_ADMIN = frozenset({"district_admin"})
SCHOOL_ADMINS = frozenset({"school_a_admin", "school_b_admin"})
SCHOOL_EDITORS = DISTRICT_ADMIN | SCHOOL_ADMINS
# Who reads, requests and downloads generated documents (compliance), exports drill logs (drills).
DOCUMENT_READERS = frozenset({"district_admin", "district_leader"}) | SCHOOL_ADMINS

# Personas that must see nothing at all; the table's "no_membership" expectations apply to all of them.
NOBODY = ("no_membership", "ended_membership_user", "superuser")
# Every signed-in person the walk and the generated model tests try (anonymous is added by the walk).
ALL_PEOPLE = (*PERSONAS, "ended_membership_user", "superuser")


# --- Entry shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    make: Callable | None = None  # (world, school) -> record, for URLs about one record
    ok: frozenset = frozenset()
    denied: frozenset = frozenset()
    redirect: frozenset = frozenset()
    others: int = 403
    kwargs: Callable | None = None  # (record) -> kwargs for obj; (world) -> kwargs for page
    via: Callable | None = None  # (record) -> the scoped record deciding visibility
    post_only: bool = False

    def expected(self, persona: str) -> int:
        """The status for a persona in whose scope the record (if any) lies; 302 means a redirect."""
        if persona in self.ok:
            return 200
        if persona in self.redirect:
            return 302
        if persona in self.denied:
            return 403
        return self.others


def page(ok=EVERYONE, denied=(), redirect=(), others=403, kwargs=None) -> Entry:
    return Entry(ok=frozenset(ok), denied=frozenset(denied), redirect=frozenset(redirect), others=others,
                 kwargs=kwargs)


def obj(make, ok=None, denied=(), redirect=(), others=404, kwargs=None, via=None) -> Entry:
    if ok is None:  # by default everyone who can see the record may open the page, unless redirected
        ok = () if redirect else MEMBERS
    return Entry(make=make, ok=frozenset(ok), denied=frozenset(denied), redirect=frozenset(redirect),
                 others=others, kwargs=kwargs, via=via)


def post_only(make=None, kwargs=None, via=None) -> Entry:
    return Entry(make=make, post_only=True, kwargs=kwargs, via=via)


# --- Collecting every app's tests/<app>/scope.py --------------------------------------------------


@dataclass
class Collected:
    table: dict[str, Entry] = field(default_factory=dict)  # URL name -> entry, every app's URLS
    public: dict[str, str] = field(default_factory=dict)  # URL name -> why no login is needed
    owner: dict[str, str] = field(default_factory=dict)  # URL name -> the app folder declaring it


def scope_modules() -> list[ModuleType]:
    """Every ``tests/<app>/scope.py``, imported, in folder order."""
    return [importlib.import_module(f"tests.{path.parent.name}.scope")
            for path in sorted(TESTS_DIR.glob("*/scope.py"))]


def collect() -> Collected:
    """Every app's ``URLS`` and ``PUBLIC`` in one table; a URL declared twice is an error."""
    collected = Collected()
    for module in scope_modules():
        app = module.__name__.split(".")[-2]
        urls, public = getattr(module, "URLS", None), getattr(module, "PUBLIC", {})
        if urls is None:
            raise AssertionError(f"tests/{app}/scope.py declares no URLS (see tests/scope_table.py)")
        for kind, entries, into in (("URLS", urls, collected.table), ("PUBLIC", public, collected.public)):
            for name, value in entries.items():
                if name in collected.owner:
                    raise AssertionError(f"{name} is declared in tests/{collected.owner[name]}/scope.py and again "
                                         f"in tests/{app}/scope.py {kind}: one app declares each URL once")
                collected.owner[name] = app
                into[name] = value
    return collected


# --- Builders: (world, school) -> a record of that school or its district ------------------------

_seq = itertools.count(1)


def unique() -> int:
    """A number never returned before in this test run (names, codes, days of made-up records)."""
    return next(_seq)


def school_year_of(world, district) -> SchoolYear:
    """The world's school year in ``district`` (created on first use outside the main district)."""
    if district.pk == world.district.pk:
        return world.year
    year, _ = SchoolYear.objects.get_or_create(
        district=district, name="2026-27",
        defaults=dict(starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2027, 6, 30),
                      first_instructional_day=dt.date(2026, 9, 2),
                      last_instructional_day=dt.date(2027, 6, 11)))
    return year


def make_school(world, school):
    return school


def make_building(world, school):
    return BuildingFactory(school=school, name=f"Annex {unique()}")


def make_agency(world, school):
    return AgencyFactory(district=school.district)


def make_school_year(world, school):
    return school_year_of(world, school.district)


def make_term(world, school):
    year = school_year_of(world, school.district)
    n = unique()
    day = year.starts_on + dt.timedelta(days=n)
    return Term.objects.create(school_year=year, name=f"Term {n}", starts_on=day, ends_on=day)


def make_calendar_day(world, school):
    year = school_year_of(world, school.district)
    return CalendarDay.objects.create(school_year=year, school=school, description="Snow day",
                                      date=year.first_instructional_day + dt.timedelta(days=unique()))


def make_membership(world, school):
    return MembershipFactory(user=UserFactory(), role=Membership.Role.SCHOOL_STAFF, school=school)


def make_user(world, school):
    return make_membership(world, school).user


def make_audit_event(world, school):
    return AuditEvent.objects.create(action=AuditEvent.Action.VIEW, district=school.district,
                                     object_type="schools.school", object_id=str(school.pk))


def make_notification(world, school):
    return Notification.objects.create(recipient=UserFactory(), district=school.district, kind="walk",
                                       subject=f"About {school}", body_text="A link.",
                                       status=Notification.Status.FAILED)


def via_membership(user):
    return user.memberships.get()


# --- Who reaches what: an oracle independent of for_user ------------------------------------------


@dataclass
class Places:
    schools: set
    district_wide: set  # districts where the person holds a district-wide membership
    districts: set  # every district the person has any place in

    def reach_any(self, row) -> bool:
        """For a listed row: a person is reached through any of their memberships; rows that are not
        records (a page's own summaries) and shared reference rows are left to the name check. A person
        with no place at all may be shown no row at all."""
        if not (self.schools or self.districts):
            return False
        if isinstance(row, User):
            return any(self.reach(m) for m in row.memberships.all())
        if getattr(row, "scope_path", None) is None:
            return True
        home = home_of(row)
        return home is None or self._reach_home(*home)

    def reach(self, record) -> bool:
        home = home_of(record)
        assert home is not None, f"{record!r} is shared by every district: build a district's own record"
        return self._reach_home(*home)

    def _reach_home(self, school, district) -> bool:
        if school is not None:
            return school.pk in self.schools or district.pk in self.district_wide
        return district.pk in self.districts


def places_of(user, world, roles=None) -> Places:
    """Where the person has a place today, through memberships of ``roles`` (any role when None)."""
    if user is None or not user.is_active:
        return Places(set(), set(), set())
    today = world.district.local_today()
    rows = Membership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), user=user,
                                     starts_on__lte=today)
    if roles is not None:
        rows = rows.filter(role__in=roles)
    schools = {m.school_id for m in rows if m.school_id}
    district_wide = {m.district_id for m in rows if m.district_id}
    districts = district_wide | set(
        School.objects.filter(pk__in=schools).values_list("district_id", flat=True))
    return Places(schools, district_wide, districts)


def home_of(record):
    """(school or None, district) a record belongs to, following its declared scope_path; None if shared."""
    paths = record.scope_path if isinstance(record.scope_path, tuple | list) else (record.scope_path,)
    for path in paths:
        target = record
        for part in ([] if path == "pk" else path.split("__")):
            target = getattr(target, part)
            if target is None:
                break
        if isinstance(target, School):
            return target, target.district
        if isinstance(target, District):
            return None, target
    if isinstance(getattr(record, "district", None), District):  # a district-wide row, school-scoped model
        return None, record.district
    return None  # reference data shared by every district (a shared drill kind, a state's rule)

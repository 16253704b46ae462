"""The scope table: every named URL of the portal, who may open it, and how to build its record.

``tests/schools/test_scope_walk.py`` walks every URL pattern the resolver knows and fails on any named
URL that is neither in ``TABLE`` nor in ``PUBLIC``. For each entry it GETs the page as every persona of
``tests/conftest.py`` plus anonymous, a person whose membership ended and a superuser, and checks:

- anonymous is sent to the login page;
- a record in another school or another district is a 404 (never 403, never 200);
- lists show only rows of the person's own schools and district (and nothing at all to a person with
  no active membership, an ended membership, or a superuser), and no page ever names a school or district
  the person has no place in;
- inside the person's scope, the status is the one the entry declares.

How to add an entry (one line per URL name, in the section of your app)
--------------------------------------------------------------------------
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
next to the entry, or import it from your app's tests.

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
- the Django admin (``admin:`` names) is not listed here: the walk checks that only superusers get in.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile

from compliance.models import GeneratedDocument
from drills.models import DrillKind
from schools.models import AuditEvent, CalendarDay, Membership, Notification, SchoolYear, Term
from tests.testapp.models import FakeFollowUp

from .conftest import PERSONAS
from .drills.factories import RequirementFactory, planned
from .factories import AgencyFactory, BuildingFactory, MembershipFactory, UserFactory

# --- Persona groups ------------------------------------------------------------------------------

EVERYONE = frozenset(PERSONAS)
MEMBERS = EVERYONE - {"no_membership"}
DISTRICT_ADMIN = frozenset({"district_admin"})
SCHOOL_ADMINS = frozenset({"school_a_admin", "school_b_admin"})
SCHOOL_EDITORS = DISTRICT_ADMIN | SCHOOL_ADMINS
# Who reads, requests and downloads generated documents (compliance/apps.py), exports drill logs (drills).
DOCUMENT_READERS = frozenset({"district_admin", "district_leader"}) | SCHOOL_ADMINS
DRILL_VIEWERS = MEMBERS - {"tip_triage"}  # tip triage has nothing in drills (drills/apps.py)


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


# --- Builders: (world, school) -> a record of that school or its district ------------------------

_seq = itertools.count(1)


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
    return BuildingFactory(school=school, name=f"Annex {next(_seq)}")


def make_agency(world, school):
    return AgencyFactory(district=school.district)


def make_school_year(world, school):
    return school_year_of(world, school.district)


def make_term(world, school):
    year = school_year_of(world, school.district)
    n = next(_seq)
    day = year.starts_on + dt.timedelta(days=n)
    return Term.objects.create(school_year=year, name=f"Term {n}", starts_on=day, ends_on=day)


def make_calendar_day(world, school):
    year = school_year_of(world, school.district)
    return CalendarDay.objects.create(school_year=year, school=school, description="Snow day",
                                      date=year.first_instructional_day + dt.timedelta(days=next(_seq)))


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


def make_task(world, school):
    """A follow-up of the test-only app (tests/testapp), owned by someone else: My tasks' "done" page."""
    return FakeFollowUp.objects.create(school=school, owner=UserFactory(), title=f"Fix the door at {school}",
                                       due_on=dt.date(2026, 10, 1))


def make_document(world, school):
    """A ready school profile with its file (the walk runs with MEDIA_ROOT in a temporary folder)."""
    document = GeneratedDocument.objects.create(
        kind="school_profile", district=school.district, school=school, title=f"Profile of {school}",
        requested_by=UserFactory(), status=GeneratedDocument.Status.READY, progress=100)
    document.file.save("walk.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
    return document


def make_drill(world, school):
    return planned(school, dt.date(2026, 10, 1 + next(_seq) % 28))


def make_drill_requirement(world, school):
    return RequirementFactory(district=school.district, title=f"Fire drills of {school.district}")


def make_drill_kind(world, school):
    n = next(_seq)
    return DrillKind.objects.create(district=school.district, code=f"walk-{n}", name=f"Bus drill {n}")


def via_membership(user):
    return user.memberships.get()


def task_kwargs(task):
    return {"key": FakeFollowUp._meta.label_lower, "pk": task.pk}


# --- Public pages: no login needed, not walked ----------------------------------------------------

PUBLIC = {
    "login": "the login form",
    "logout": "POST-only logout; nothing to show",
    "password_reset": "asking for a reset link needs no login",
    "password_reset_done": "the 'link sent' notice",
    "password_reset_confirm": "reached from the emailed link, token-checked",
    "password_reset_complete": "the 'password set' notice",
    "csp-report": "browsers POST CSP violation reports without a session; logged, nothing stored",
    "accounts:invite-accept": "the invited person chooses a password from the emailed, token-checked link",
    "accounts:invite-accepted": "the 'password chosen' notice after accepting an invitation",
    "drills:calendar-ics": "calendar apps fetch the feed with its secret address, without a session",
}

# --- The table ------------------------------------------------------------------------------------

TABLE: dict[str, Entry] = {
    # project pages
    "home": page(),
    "password_change": page(),
    "password_change_done": page(),
    # schools/
    "portal:switch-school": post_only(),
    "schools:school-list": page(),
    "schools:school-create": page(ok=DISTRICT_ADMIN),
    "schools:school-detail": obj(make_school),
    "schools:school-update": obj(make_school, ok=DISTRICT_ADMIN, others=403),
    "schools:building-list": page(),
    "schools:building-create": page(ok=SCHOOL_EDITORS),
    "schools:building-detail": obj(make_building),
    "schools:building-update": obj(make_building, ok=SCHOOL_EDITORS, others=403),
    "schools:building-delete": obj(make_building, ok=DISTRICT_ADMIN, others=403),
    "schools:agency-list": page(),
    "schools:agency-create": page(ok=DISTRICT_ADMIN),
    "schools:agency-detail": obj(make_agency),
    "schools:agency-update": obj(make_agency, ok=DISTRICT_ADMIN, others=403),
    "schools:schoolyear-list": page(),
    "schools:schoolyear-create": page(ok=DISTRICT_ADMIN),
    "schools:schoolyear-detail": obj(make_school_year),
    "schools:schoolyear-update": obj(make_school_year, ok=DISTRICT_ADMIN, others=403),
    "schools:schoolyear-delete": obj(make_school_year, ok=DISTRICT_ADMIN, others=403),
    "schools:term-list": page(),
    "schools:term-create": page(ok=DISTRICT_ADMIN),
    "schools:term-detail": obj(make_term),
    "schools:term-update": obj(make_term, ok=DISTRICT_ADMIN, others=403),
    "schools:term-delete": obj(make_term, ok=DISTRICT_ADMIN, others=403),
    "schools:calendarday-list": page(),
    "schools:calendarday-create": page(ok=DISTRICT_ADMIN),
    "schools:calendarday-detail": obj(make_calendar_day),
    "schools:calendarday-update": obj(make_calendar_day, ok=DISTRICT_ADMIN, others=403),
    "schools:calendarday-delete": obj(make_calendar_day, ok=DISTRICT_ADMIN, others=403),
    "schools:membership-list": page(),
    "schools:membership-create": page(ok=DISTRICT_ADMIN),
    "schools:membership-detail": obj(make_membership, ok=DISTRICT_ADMIN),
    "schools:membership-update": obj(make_membership, ok=DISTRICT_ADMIN),
    "accounts:membership-end": post_only(make_membership),
    "accounts:user-list": page(),
    "accounts:user-detail": obj(make_user, ok=DISTRICT_ADMIN, via=via_membership),
    "accounts:user-update": obj(make_user, ok=DISTRICT_ADMIN, via=via_membership),
    "accounts:user-invite": page(ok=DISTRICT_ADMIN),
    "accounts:user-invite-resend": post_only(make_user, via=via_membership),
    "accounts:user-enable": post_only(make_user, via=via_membership),
    "accounts:user-deactivate": post_only(make_user, via=via_membership),
    "accounts:user-import": page(ok=DISTRICT_ADMIN),
    "accounts:user-import-confirm": post_only(),
    "schools:nces-import": page(ok=DISTRICT_ADMIN),
    "portal:auditevent-list": page(),
    "portal:auditevent-detail": obj(make_audit_event, ok=DISTRICT_ADMIN),
    "portal:notification-failed": page(ok=DISTRICT_ADMIN),
    "portal:notification-retry": post_only(make_notification),
    "portal:my-tasks": page(),
    "portal:task-done": obj(make_task, ok=SCHOOL_ADMINS, denied=DISTRICT_ADMIN, kwargs=task_kwargs),
    # account/: a person's own security pages, and the district admin's actions on other people
    "accounts:two-factor": page(),
    "accounts:two-factor-setup": page(),  # replacing the authenticator, just after the password login
    "accounts:two-factor-verify": page(ok=(), redirect=EVERYONE),  # already verified: straight on
    "accounts:backup-codes": page(ok=(), redirect=EVERYONE),  # shown once, right after they are made
    "accounts:backup-codes-renew": post_only(),
    "accounts:reauth": page(),
    "accounts:email-change": page(),
    "accounts:sessions": page(),
    "accounts:lockouts": page(ok=DISTRICT_ADMIN),
    "accounts:user-sessions-end": post_only(make_user, via=via_membership),
    "accounts:user-two-factor-reset": post_only(make_user, via=via_membership),
    "accounts:audit-export": page(ok=DISTRICT_ADMIN),
    # compliance/
    "compliance:dashboard": page(),
    "compliance:school-status": obj(make_school),
    "compliance:document-list": page(),
    "compliance:document-request": page(ok=DOCUMENT_READERS),
    "compliance:document-detail": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-progress": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-download": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-retry": post_only(make_document),
    # drills/
    "drills:drill-list": page(),
    "drills:drill-create": page(ok=SCHOOL_EDITORS),
    "drills:drill-detail": obj(make_drill, ok=DRILL_VIEWERS),
    "drills:drill-update": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-delete": obj(make_drill, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drill-record": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-sign": obj(make_drill, ok=SCHOOL_EDITORS, denied=DRILL_VIEWERS),
    "drills:drill-countersign": obj(make_drill, ok={"sro_two_schools"}, denied=DRILL_VIEWERS),
    "drills:drill-correct": obj(make_drill, redirect=SCHOOL_EDITORS, denied=DRILL_VIEWERS),  # unsigned: edit it
    "drills:drill-cancel": post_only(make_drill),
    "drills:drill-after-action": obj(make_drill, ok=DRILL_VIEWERS),
    "drills:compliance": page(ok=DRILL_VIEWERS),
    "drills:compliance-school": obj(make_school, ok=DRILL_VIEWERS, others=403),
    "drills:drill-export": obj(make_school, ok=DOCUMENT_READERS, others=403),
    "drills:drillrequirement-list": page(),
    "drills:drillrequirement-create": page(ok=DISTRICT_ADMIN),
    "drills:drillrequirement-detail": obj(make_drill_requirement, ok=DRILL_VIEWERS),
    "drills:drillrequirement-update": obj(make_drill_requirement, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drillrequirement-delete": obj(make_drill_requirement, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:drillkind-list": page(),
    "drills:drillkind-create": page(ok=DISTRICT_ADMIN),
    "drills:drillkind-detail": obj(make_drill_kind, ok=DRILL_VIEWERS),
    "drills:drillkind-update": obj(make_drill_kind, ok=DISTRICT_ADMIN, denied=DRILL_VIEWERS),
    "drills:calendar-feed": page(ok=DRILL_VIEWERS),
}

"""The registry behind "My tasks": every app's open follow-ups (after-action items, corrective actions,
interventions) in one list.

A concrete ``FollowUp`` model is declared in its app's ``integrations.py``, which ``portal.registry``
registers here::

    followups=[FollowUpSource(AfterActionItem, label=_("Drill after-action item"), school_path="drill__school",
                              link=lambda item: reverse("drills:drill-detail", args=[item.drill_id]))]

The model must be scoped (``scope_path`` and ``for_user``) and let owners read their own rows (an
``extra_scope`` granting ``view`` on ``owner_scope(user)``), because My tasks reads it, like every page,
through ``for_user(user, "view")``: a person sees the open rows they own, and a school admin also every
open row of the schools they run. ``link(row)`` must not query: it may use the row's own fields and
what ``select_related`` loads. Each provider costs one query (plus the membership lookup of
``for_user``) whatever the number of rows.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db.models import Q

from schools.models import Membership

SCHOOL_ADMIN = Membership.Role.SCHOOL_ADMIN


@dataclasses.dataclass(frozen=True)
class Provider:
    key: str
    model: type
    label: str
    school_path: str
    link: Callable
    select_related: tuple = ()

    def school_of(self, row):
        obj = row
        for part in self.school_path.split("__"):
            obj = getattr(obj, part)
        return obj


_PROVIDERS: dict[str, Provider] = {}


def register(model, *, label, link, school_path="school", select_related=()) -> Provider:
    """Add a concrete FollowUp model to My tasks (``portal.registry`` calls it for ``Integration.followups``)."""
    if getattr(model, "scope_path", None) is None or not hasattr(model.objects, "for_user"):
        raise TypeError(f"{model.__name__} must be scoped (scope_path and a ScopedQuerySet manager)")
    for field in ("title", "owner", "due_on", "done_at"):
        model._meta.get_field(field)  # raises if the model is not a FollowUp
    provider = Provider(model._meta.label_lower, model, label, school_path, link, tuple(select_related))
    _PROVIDERS[provider.key] = provider
    return provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers() -> list[Provider]:
    return [_PROVIDERS[k] for k in sorted(_PROVIDERS)]


def get(key: str) -> Provider | None:
    return _PROVIDERS.get(key)


def owner_scope(user) -> Q:
    """For a FollowUp model's ``extra_scope``: the rows this person owns."""
    return Q(owner=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])


def admin_school_ids(memberships) -> set[int]:
    """Schools whose open follow-ups this person sees and may close, as their school admin."""
    return {m.school_id for m in memberships if m.role == SCHOOL_ADMIN and m.school_id}


@dataclasses.dataclass
class Task:
    """One open follow-up as My tasks shows it."""

    provider: Provider
    row: object
    school: object
    today: dt.date
    mine: bool
    can_complete: bool

    @property
    def title(self):
        return self.row.title

    @property
    def due_on(self):
        return self.row.due_on

    @property
    def owner(self):
        return self.row.owner

    @property
    def link(self):
        return self.provider.link(self.row)

    @property
    def is_overdue(self) -> bool:
        return self.row.is_overdue(self.today)

    @property
    def days_overdue(self) -> int:
        return (self.today - self.row.due_on).days


def open_rows(provider: Provider, user, school_ids, *, only_mine=False, only_schools=False):
    """The open rows of one provider that this person owns or runs the school of, in one query."""
    school_in = Q(**{f"{provider.school_path}__in": school_ids})
    if only_mine:
        condition = Q(owner=user)
    elif only_schools:
        condition = school_in
    else:
        condition = Q(owner=user) | school_in
    return (provider.model.objects.for_user(user, "view").filter(condition, done_at__isnull=True)
            .select_related("owner", f"{provider.school_path}__district", *provider.select_related))


def tasks_for(user, memberships, *, show="all", kind=None) -> list[Task]:
    """Open follow-ups of every registered app for this person, overdue first, then by due date.

    ``show`` is "all", "mine" (owned by the person) or "schools" (of the schools they run as school admin).
    Overdue is judged by each row's district's own today.
    """
    school_ids = admin_school_ids(memberships)
    today_by_tz: dict[str, dt.date] = {}
    tasks = []
    for provider in providers():
        if kind and provider.key != kind:
            continue
        rows = open_rows(provider, user, school_ids, only_mine=show == "mine", only_schools=show == "schools")
        for row in rows:
            school = provider.school_of(row)
            district = school.district
            if district.time_zone not in today_by_tz:
                today_by_tz[district.time_zone] = district.local_today()
            mine = row.owner_id == user.pk
            tasks.append(Task(provider, row, school, today_by_tz[district.time_zone], mine,
                              can_complete=mine or school.pk in school_ids))
    tasks.sort(key=lambda t: (not t.is_overdue, t.due_on, str(t.title).lower(), t.provider.key, t.row.pk))
    return tasks


def may_complete(user, memberships, provider: Provider, row) -> bool:
    """The owner, or a school admin of the row's school, may mark it done."""
    return row.owner_id == user.pk or provider.school_of(row).pk in admin_school_ids(memberships)

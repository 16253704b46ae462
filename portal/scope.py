"""Row scoping: the one way to read records for a person (``Model.objects.for_user(user, action)``).

A scoped model declares ``scope_path``: the lookup from the model to its School or District
("school", "school_year__district", "pk" on School and District themselves; a tuple for several).
Only memberships active today in their district's time zone count, the permission matrix decides
which roles count for the action, and a model may add ``extra_scope(user, action) -> Q`` for
per-record grants. No membership means no rows, superusers included: they operate the system,
they do not read student records.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal import permissions

REQUEST_CACHE_ATTR = "_portal_memberships"


def active_memberships_for(user) -> list:
    """The person's memberships active today, each judged in its own district's time zone."""
    from schools.models import Membership

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    # Within one request the middleware computes them once and pins them on request.user.
    cached = getattr(user, REQUEST_CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = Membership.objects.filter(user=user).select_related("district", "school__district", "agency")
    today_by_tz: dict[str, object] = {}
    active = []
    for membership in rows:
        district = membership.home_district
        if district.time_zone not in today_by_tz:
            today_by_tz[district.time_zone] = timezone.localdate(timezone=district.tz)
        if membership.is_active_on(today_by_tz[district.time_zone]):
            active.append(membership)
    return active


def allowed_memberships(user, model, action: str) -> list:
    """Active memberships whose role the permission matrix allows for ``action`` on ``model``."""
    roles = permissions.roles_for(permissions.label_of(model), action)
    return [m for m in active_memberships_for(user) if m.role in roles]


def _scope_target(model, path: str):
    """The model (School or District) that ``path`` leads to from ``model``."""
    if path == "pk":
        return model
    current = model
    for part in path.split("__"):
        current = current._meta.get_field(part).related_model
    return current


def scope_q(model, user, action: str) -> Q:
    """The filter that keeps the rows of ``model`` the person may ``action``."""
    from schools.models import District, School

    memberships = allowed_memberships(user, model, action)
    school_ids = {m.school_id for m in memberships if m.school_id}
    district_wide_ids = {m.district_id for m in memberships if m.district_id}
    districts_touched = district_wide_ids | {m.school.district_id for m in memberships if m.school_id}

    paths = model.scope_path if isinstance(model.scope_path, tuple | list) else (model.scope_path,)
    q = Q(pk__in=[])
    for path in paths:
        target = _scope_target(model, path)
        if target is School:
            district_lookup = "district" if path == "pk" else f"{path}__district"
            q |= Q(**{f"{path}__in": school_ids}) | Q(**{f"{district_lookup}__in": district_wide_ids})
        elif target is District:
            q |= Q(**{f"{path}__in": districts_touched})
        else:
            raise TypeError(f"{model.__name__}.scope_path {path!r} leads to {target}, not School or District")
    extra_scope = getattr(model, "extra_scope", None)
    if extra_scope is not None and getattr(user, "is_authenticated", False):
        q |= extra_scope(user, action)
    return q


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a scoped model; ``for_user`` is the only way views and tasks read rows for a person."""

    def for_user(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(scope_q(self.model, user, action))


def user_roles(user) -> set[str]:
    """Roles the person holds today anywhere (for navigation and buttons, never for row access)."""
    return {m.role for m in active_memberships_for(user)}


def can_anywhere(user, model_label: str, action: str) -> bool:
    """Whether the person may do ``action`` on this kind of record in at least one place."""
    return bool(user_roles(user) & permissions.roles_for(model_label, action))


def can(user, obj, action: str) -> bool:
    """Whether the person may do ``action`` on this very record (row-level, through ``for_user``)."""
    return type(obj).objects.for_user(user, action).filter(pk=obj.pk).exists()


def scoped_models():
    """Every concrete model of the project apps, for the scope-declaration test."""
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.split(".")[0] in PROJECT_APPS]


PROJECT_APPS = {
    "schools", "compliance", "drills", "assessments", "climate", "campus_security", "reporting",
    "coordination", "threat_mgmt", "law_enforcement", "mental_health", "social_media",
}

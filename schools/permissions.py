"""The one permission matrix: which roles may do which action on which model.

Scoped querysets (``for_user``), the navigation, buttons and the generated scope tests all read it.
An action app adds its rows with ``register(...)`` from its ``apps.py``. Asking about a model or an
action that is not in the matrix raises, so a typo can never grant or silently deny access.
"""

from django.core.exceptions import ImproperlyConfigured

DISTRICT_ADMIN = "district_admin"
DISTRICT_LEADER = "district_leader"
SCHOOL_ADMIN = "school_admin"
SCHOOL_STAFF = "school_staff"
THREAT_TEAM = "threat_team"
COUNSELOR = "counselor"
SRO = "sro"
TIP_TRIAGE = "tip_triage"

ALL_ROLES = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, SCHOOL_STAFF, THREAT_TEAM, COUNSELOR, SRO,
                       TIP_TRIAGE})
ACTIONS = ("view", "add", "change", "delete")

_MATRIX: dict[str, dict[str, frozenset]] = {}


def register(model_label: str, **actions: set | frozenset) -> None:
    """Declare the roles for each action on ``app_label.modelname``; actions not given allow no one."""
    unknown_roles = set().union(*actions.values()) - ALL_ROLES if actions else set()
    if unknown_roles:
        raise ImproperlyConfigured(f"Unknown roles {sorted(unknown_roles)} for {model_label}")
    unknown_actions = set(actions) - set(ACTIONS) - {"export", "sign", "countersign", "download", "manage"}
    if unknown_actions:
        raise ImproperlyConfigured(f"Unknown actions {sorted(unknown_actions)} for {model_label}")
    entry = {action: frozenset() for action in ACTIONS}
    entry.update({action: frozenset(roles) for action, roles in actions.items()})
    _MATRIX[model_label.lower()] = entry


def roles_for(model_label: str, action: str) -> frozenset:
    """Roles that may do ``action`` on the model; raises for anything not declared."""
    try:
        entry = _MATRIX[model_label.lower()]
    except KeyError:
        raise ImproperlyConfigured(f"{model_label} is not in the permission matrix") from None
    try:
        return entry[action]
    except KeyError:
        raise ImproperlyConfigured(f"{model_label} has no action {action!r} in the permission matrix") from None


def matrix() -> dict[str, dict[str, frozenset]]:
    return dict(_MATRIX)


def label_of(model) -> str:
    return model._meta.label_lower


def user_roles(user) -> set[str]:
    """Roles the person holds today anywhere (for navigation and buttons, never for row access)."""
    from .scope import active_memberships_for

    return {m.role for m in active_memberships_for(user)}


def can_anywhere(user, model_label: str, action: str) -> bool:
    """Whether the person may do ``action`` on this kind of record in at least one place."""
    return bool(user_roles(user) & roles_for(model_label, action))


def can(user, obj, action: str) -> bool:
    """Whether the person may do ``action`` on this very record (row-level, through ``for_user``)."""
    return type(obj).objects.for_user(user, action).filter(pk=obj.pk).exists()


STAFF_ROLES = ALL_ROLES
DISTRICT_ROLES = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER})

# --- schools/ --------------------------------------------------------------------------------
register("schools.district", view=ALL_ROLES, change={DISTRICT_ADMIN})
register("schools.school", view=ALL_ROLES, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN})
register("schools.building", view=ALL_ROLES, add={DISTRICT_ADMIN, SCHOOL_ADMIN},
         change={DISTRICT_ADMIN, SCHOOL_ADMIN}, delete={DISTRICT_ADMIN})
register("schools.agency", view=ALL_ROLES, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN})
register("schools.schoolyear", view=ALL_ROLES, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN},
         delete={DISTRICT_ADMIN})
register("schools.term", view=ALL_ROLES, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN}, delete={DISTRICT_ADMIN})
register("schools.calendarday", view=ALL_ROLES, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN},
         delete={DISTRICT_ADMIN})
register("schools.membership", view={DISTRICT_ADMIN}, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN})
register("schools.user", view={DISTRICT_ADMIN}, add={DISTRICT_ADMIN}, change={DISTRICT_ADMIN})
register("schools.auditevent", view={DISTRICT_ADMIN}, export={DISTRICT_ADMIN})
register("schools.notification", view={DISTRICT_ADMIN}, change={DISTRICT_ADMIN})

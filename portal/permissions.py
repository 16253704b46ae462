"""The one permission matrix: which roles may do which action on which model.

Scoped querysets (``for_user``), the navigation, buttons and the generated scope tests all read it.
Each app declares its rows (and the verbs they use) in its ``integrations.py``; ``portal.registry``
registers them when Django is ready. This module holds data only: who may do what *where* is
``portal.scope`` (``for_user``, ``can``, ``can_anywhere``). Asking about a model or an
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
# A fire, EMS or emergency-management partner with a time-boxed, read-mostly grant at chosen schools.
RESPONDER = "responder"

ALL_ROLES = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, SCHOOL_STAFF, THREAT_TEAM, COUNSELOR, SRO,
                       TIP_TRIAGE, RESPONDER})
ACTIONS = ("view", "add", "change", "delete")

_MATRIX: dict[str, dict[str, frozenset]] = {}
# Actions beyond view/add/change/delete, declared by the apps that use them (``Integration.verbs``).
_VERBS: set[str] = set()


def declare_verbs(*verbs: str) -> None:
    """Let matrix rows use these actions (``sign``, ``review``, ``approve``...): called for each app's verbs."""
    for verb in verbs:
        if not verb.isidentifier() or verb != verb.lower():
            raise ImproperlyConfigured(f"A verb is a lower-case identifier, not {verb!r}")
    _VERBS.update(verbs)


def unregister(model_label: str) -> None:
    """Remove a model's rows (tests that declare a throw-away model)."""
    _MATRIX.pop(model_label.lower(), None)


def register(model_label: str, **actions: set | frozenset) -> None:
    """Declare the roles for each action on ``app_label.modelname``; actions not given allow no one."""
    unknown_roles = set().union(*actions.values()) - ALL_ROLES if actions else set()
    if unknown_roles:
        raise ImproperlyConfigured(f"Unknown roles {sorted(unknown_roles)} for {model_label}")
    unknown_actions = set(actions) - set(ACTIONS) - _VERBS
    if unknown_actions:
        raise ImproperlyConfigured(f"Unknown actions {sorted(unknown_actions)} for {model_label}: an app declares "
                                   "the verbs it uses in its integrations.py (Integration.verbs)")
    if model_label.lower() in _MATRIX:
        raise ImproperlyConfigured(f"{model_label} is already in the permission matrix: one app declares its rows once")
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


# The district's own people (and its SROs): everyone but outside partners on a time-boxed grant.
STAFF_ROLES = ALL_ROLES - {RESPONDER}
DISTRICT_ROLES = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER})

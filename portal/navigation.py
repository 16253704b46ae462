"""The navigation, built from the permission matrix: a link shows only to roles allowed its action.

Apps declare their entries in their ``integrations.py`` (``NavLink``), which ``portal.registry`` adds with
``add(...)``; the order of sections is fixed here.
"""

from dataclasses import dataclass

from django.urls import reverse

from portal import permissions

SECTIONS = ["Home", "Actions", "District", "Administration"]


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url_name: str
    model_label: str | None  # None: everyone with a staff role (not partner responders)
    action: str = "view"
    order: int = 100


_ENTRIES: list[NavEntry] = []


def add(section, label, url_name, model_label=None, action="view", order=100):
    if section not in SECTIONS:
        raise ValueError(f"Unknown navigation section {section!r}")
    if model_label is not None:
        permissions.roles_for(model_label, action)  # raises for an undeclared model or action
    _ENTRIES.append(NavEntry(section, label, url_name, model_label, action, order))


def entries():
    return list(_ENTRIES)


def for_user(user, roles: set[str]):
    """Sections and links this person may use, as [(section, [(label, url), ...])]."""
    if not roles:
        return []
    grouped = {s: [] for s in SECTIONS}
    for entry in sorted(_ENTRIES, key=lambda e: (SECTIONS.index(e.section), e.order, str(e.label))):
        if entry.model_label is None:
            # A link for "everyone": everyone of the district's own, not a partner on a time-boxed grant.
            shown = bool(roles & permissions.STAFF_ROLES)
        else:
            shown = bool(roles & permissions.roles_for(entry.model_label, entry.action))
        if shown:
            grouped[entry.section].append((entry.label, reverse(entry.url_name)))
    return [(s, links) for s, links in grouped.items() if links]

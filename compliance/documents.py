"""The kinds of document the portal can generate, and the one this app brings: the school profile.

An app declares its kinds in its ``integrations.py`` (``Integration.documents``)::

    documents=[DocumentKind(
        key="drill_log", label=_("Drill log"), template="drills/documents/drill_log.html",
        title=lambda school, school_year: f"Drill log: {school} {school_year}",
        context=drill_log_context, action="add")]

``action`` is the permission-matrix action on ``compliance.generateddocument`` a person needs (at the
school, or district-wide for a district document) to request that kind. ``context(document)`` builds the
template context in the worker; the template sets ``<html lang>`` and ``<title>`` (PDF/UA needs both).
"""

import dataclasses
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from portal import permissions


@dataclasses.dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    template: str
    title: Callable  # (school, school_year) -> str
    context: Callable  # (document) -> dict
    action: str = "add"
    needs_school: bool = True


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    permissions.roles_for("compliance.generateddocument", kind.action)  # raises for an undeclared action
    if len(kind.key) > 60:
        raise ValueError(f"Document kind key {kind.key!r} is longer than 60 characters")
    _KINDS[kind.key] = kind


@dataclasses.dataclass(frozen=True)
class ReportSection:
    """An action app's section of the compliance reports (``Integration.report_sections``).

    ``context(schools, school_year, as_of) -> {school_id: dict}`` reads every school at once in a fixed
    number of queries; ``template`` (under ``templates/<app>/documents/``) renders one school's part from
    its dict. A school missing from the dict gets no part. A ``confidential`` section marks every page that
    carries it in the running header. The reports print a school's part only for requesters who may read
    the action's reasons there (compliance/reports.py).

    ``evidence`` (optional): ``evidence(schools, school_year) -> {school_id: [(label, url), ...]}`` in a
    fixed number of queries: the links to the records behind the status, listed on the school's page.
    """

    key: str
    action: int
    template: str
    context: Callable
    confidential: bool = False
    evidence: Callable | None = None


_SECTIONS: dict[str, ReportSection] = {}


def register_section(section: ReportSection) -> None:
    if not 1 <= section.action <= 10:
        raise ValueError(f"Report section {section.key!r}: there is no essential action {section.action!r}")
    if section.key in _SECTIONS:
        raise ValueError(f"Report section {section.key!r} is declared twice")
    _SECTIONS[section.key] = section


def unregister_section(key: str) -> None:
    """Tests register a section for one test and take it away after."""
    _SECTIONS.pop(key, None)


def sections() -> list[ReportSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.action, s.key))


def get(key: str) -> DocumentKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown document kind {key!r}") from None


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: str(k.label))


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in kinds()]


# --- The school profile ----------------------------------------------------------------------


def school_profile_title(school, school_year):
    if school_year is not None:
        return _("School profile: %(school)s, %(year)s") % {"school": school.name, "year": school_year.name}
    return _("School profile: %(school)s") % {"school": school.name}


def school_profile_context(document) -> dict:
    """One page on the school: who, where, its buildings and how it stands on the ten actions."""
    from portal.dates import as_of_for
    from schools.models import SchoolYear

    from . import registry, svg

    school = document.school
    school_year = document.school_year or SchoolYear.current_for(school.district)
    as_of = as_of_for(school_year, school.district)
    results = registry.evaluate_all([school], school_year, as_of)[school.pk]
    statuses = [(action, results[action.number]) for action in registry.actions()]
    return {
        "document": document,
        "school": school,
        "district": school.district,
        "buildings": list(school.buildings.order_by("name")),
        "school_year": school_year,
        "as_of": as_of,
        "statuses": statuses,
        "chart": svg.status_bars([result.status for _action, result in statuses]),
    }


SCHOOL_PROFILE = DocumentKind(
    key="school_profile",
    label=_("School profile"),
    template="compliance/documents/school_profile.html",
    title=school_profile_title,
    context=school_profile_context,
)

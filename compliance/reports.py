"""The district and school compliance reports (issue 13): the ten actions, their reasons, trends and sections.

Two document kinds (``DISTRICT_REPORT``, ``SCHOOL_REPORT``) share one context builder and one template
(``templates/compliance/documents/compliance_report.html``). The builder runs in the worker:

- every evaluator once over all the report's schools (``registry.evaluate_all``), for the school year and
  again for the previous school year as of the same date (the year-over-year trend);
- every registered ``ReportSection`` once over all the schools (``context(schools, school_year, as_of)``),
  its template rendered per school;

so the queries do not grow with the number of schools (scripts/bench_report.py measures it).

Reasons, next steps and app sections are printed only where the requester's roles may read the action's
reasons (``Action.reason_roles``), exactly as on the dashboard. The actions whose reasons the PDF prints are
kept on the document (``reason_actions``); only a person who may read every one of them may download it
(``may_read_reasons``), so a report never hands a reason to a role the registry keeps it from.
"""

import dataclasses
import logging
from collections import Counter

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from portal.dates import as_of_for
from portal.scope import active_memberships_for
from schools.models import School, SchoolYear

from . import documents, registry, svg
from .dashboard import previous_year, roles_by_school, same_day_last_year
from .registry import Status

logger = logging.getLogger(__name__)

# Best first, as the status scale: the columns of the counts tables.
COUNTED = [Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.NOT_MET, Status.NOT_APPLICABLE, Status.NOT_TRACKED]


# --- Titles -------------------------------------------------------------------------------------


def district_report_title(school, school_year):
    if school_year is not None:
        return _("Compliance report: %(year)s") % {"year": school_year.name}
    return _("Compliance report")


def school_report_title(school, school_year):
    if school_year is not None:
        return _("Compliance report: %(school)s, %(year)s") % {"school": school.name, "year": school_year.name}
    return _("Compliance report: %(school)s") % {"school": school.name}


# --- What the report holds ----------------------------------------------------------------------


@dataclasses.dataclass
class Line:
    """One school on one action: its status, whether the requester may read why, and the app's section."""

    school: School
    result: registry.Result
    show_reason: bool
    section_html: str = ""


@dataclasses.dataclass
class ActionBlock:
    action: registry.Action
    lines: list[Line]
    counts: list[tuple]  # [(status, n)], in COUNTED order
    last_counts: list[tuple] | None  # the previous year's, as of the same date (None: no previous year)
    sections: list[documents.ReportSection]
    citations: list[str]

    @property
    def confidential(self) -> bool:
        return any(s.confidential for s in self.sections)

    @property
    def has_section(self) -> bool:
        return bool(self.sections)

    @property
    def met(self) -> int:
        return dict(self.counts)[Status.MET]

    @property
    def last_met(self) -> int | None:
        return dict(self.last_counts)[Status.MET] if self.last_counts is not None else None

    @property
    def met_change(self) -> int | None:
        return self.met - self.last_met if self.last_counts is not None else None

    @property
    def met_change_size(self) -> int | None:
        return abs(self.met_change) if self.met_change is not None else None

    @property
    def not_met(self) -> int:
        return dict(self.counts)[Status.NOT_MET]

    @property
    def last_not_met(self) -> int | None:
        return dict(self.last_counts)[Status.NOT_MET] if self.last_counts is not None else None


def _counts(results) -> list[tuple]:
    counter = Counter(r.status for r in results)
    return [(status, counter[status]) for status in COUNTED]


def reason_roles_of(user, district, schools) -> dict[int, set[str]]:
    """The roles each school sees the person in (their roles there plus their district-wide roles)."""
    memberships = [m for m in active_memberships_for(user) if m.home_district.pk == district.pk]
    return roles_by_school(memberships, schools)


def _section_html(section, school_context) -> str:
    return mark_safe(render_to_string(section.template, school_context))  # noqa: S308 (our own template)


def build(*, district, schools, school_year, as_of, requester) -> dict:
    """Everything the report template prints, for these schools (one or the whole district)."""
    schools = list(schools)
    for school in schools:  # every section may read school.district: never a query per school
        if school.district_id == district.pk:
            school.district = district
    table = registry.evaluate_all(schools, school_year, as_of)
    last_year = previous_year(school_year)
    last_as_of = same_day_last_year(as_of, last_year) if last_year is not None else None
    last_table = registry.evaluate_all(schools, last_year, last_as_of) if last_year is not None else None
    roles = reason_roles_of(requester, district, schools)

    by_action: dict[int, list[documents.ReportSection]] = {}
    for section in documents.sections():
        by_action.setdefault(section.action, []).append(section)

    blocks = []
    reason_actions = set()
    for action in registry.actions():
        sections = by_action.get(action.number, [])
        contexts = []
        for section in sections:
            try:
                contexts.append((section, section.context(schools, school_year, as_of) if school_year else {}))
            except Exception:
                logger.exception("Report section %s failed", section.key)
                contexts.append((section, None))
        lines = []
        for school in schools:
            result = table[school.pk][action.number]
            show = action.reasons_visible_to(roles[school.pk])
            parts = []
            if show:
                reason_actions.add(action.number)
                for section, by_school in contexts:
                    if by_school is None:
                        parts.append(format_failed_section())
                    elif school.pk in by_school:
                        parts.append(_section_html(section, by_school[school.pk]))
            lines.append(Line(school, result, show, mark_safe("".join(parts))))  # noqa: S308
        results = [line.result for line in lines]
        last = ([last_table[s.pk][action.number] for s in schools] if last_table is not None else None)
        citations = sorted({c for r in results for c in r.citations})
        blocks.append(ActionBlock(action, lines, _counts(results), _counts(last) if last is not None else None,
                                  sections, citations))

    all_statuses = [line.result.status for block in blocks for line in block.lines]
    appendix = [(school, [(block.action, block.lines[i]) for block in blocks]) for i, school in enumerate(schools)]
    return {
        "district": district,
        "schools": schools,
        "school_year": school_year,
        "as_of": as_of,
        "last_year": last_year,
        "last_as_of": last_as_of,
        "blocks": blocks,
        "matrix": [(school, [block.lines[i] for block in blocks]) for i, school in enumerate(schools)],
        "appendix": appendix,
        "statuses": COUNTED,
        "chart": svg.status_bars(all_statuses),
        "action_chart": svg.action_stacks([(b.action, b.counts) for b in blocks]),
        "reason_actions": sorted(reason_actions),
        "any_confidential": any(b.confidential for b in blocks),
        "generated_at": timezone.now(),
    }


def format_failed_section() -> str:
    return format_html("<p>{}</p>", _("This section could not be prepared just now; the operators have been told."))


def report_context(document) -> dict:
    """The DocumentKind context of both reports: the whole district, or the document's school."""
    district = document.district
    school_year = document.school_year or SchoolYear.current_for(district)
    as_of = as_of_for(school_year, district)
    if document.school_id:
        schools = [document.school]
    else:
        schools = School.objects.filter(district=district, is_active=True).select_related("district").order_by("name")
    context = build(district=district, schools=schools, school_year=school_year, as_of=as_of,
                    requester=document.requested_by)
    return {**context, "document": document, "school": document.school,
            "is_school_report": document.school_id is not None,
            "schedule": document.schedule}


def may_read_reasons(user, document) -> bool:
    """Whether the person may read every action's reasons the document prints (to download it)."""
    if not document.reason_actions:
        return True
    memberships = [m for m in active_memberships_for(user) if m.home_district.pk == document.district_id]
    if document.school_id:
        roles = roles_by_school(memberships, [document.school])[document.school_id]
    else:
        roles = {m.role for m in memberships if not m.school_id}
    return all(registry.get(number).reasons_visible_to(roles) for number in document.reason_actions
               if number in registry.ACTIONS)


DISTRICT_REPORT = documents.DocumentKind(
    key="district_report",
    label=_l("District compliance report"),
    template="compliance/documents/compliance_report.html",
    title=district_report_title,
    context=report_context,
    needs_school=False,
)

SCHOOL_REPORT = documents.DocumentKind(
    key="school_report",
    label=_l("School compliance report"),
    template="compliance/documents/compliance_report.html",
    title=school_report_title,
    context=report_context,
)

REPORT_KINDS = frozenset({DISTRICT_REPORT.key, SCHOOL_REPORT.key})

"""What the ten-action statuses put on My tasks (``Integration.owed_tasks``, portal/owed_tasks.py): a school
admin's actions at risk or not met at the schools they run, with the reason and next step where their
roles may read them; a district admin's schools with actions at risk or not met.

One evaluation of the person's schools for the current school year (the evaluators' fixed number of
queries; issue 12 stores statuses so that this read becomes a lookup).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from portal.dates import as_of_for
from portal.owed_tasks import OwedTask, OwedTaskSource
from portal.permissions import DISTRICT_ADMIN, SCHOOL_ADMIN
from schools.models import School, SchoolYear

from .dashboard import rows_for
from .registry import Status

BEHIND = (Status.NOT_MET, Status.AT_RISK)


def _rows(memberships, schools):
    """Dashboard rows of ``schools`` (one district's at a time: each district has its own year)."""
    rows = []
    by_district = {}
    for school in schools:
        by_district.setdefault(school.district_id, []).append(school)
    for district_schools in by_district.values():
        district = district_schools[0].district
        school_year = SchoolYear.current_for(district)
        if school_year is None:
            continue
        rows += rows_for(district_schools, school_year, as_of_for(school_year, district), memberships)
    return rows


def actions_behind(user, memberships, today):
    """A school admin's actions not met or at risk, worst first, each with its next step."""
    school_ids = {m.school_id for m in memberships if m.role == SCHOOL_ADMIN and m.school_id}
    if not school_ids:
        return []
    schools = School.objects.filter(pk__in=school_ids).select_related("district").order_by("name")
    tasks = []
    for row in _rows(memberships, schools):
        url = reverse("compliance:school-status", args=[row.school.pk])
        for cell in row.cells:
            if cell.result.status not in BEHIND:
                continue
            title = _("%(action)s is %(status)s at %(school)s") % {
                "action": cell.action.title, "status": cell.result.status.label.lower(), "school": row.school.name}
            detail = (cell.result.next_step or cell.result.reason) if cell.show_reason else ""
            tasks.append((cell.result.status != Status.NOT_MET, OwedTask(title=title, url=url, school=row.school,
                                                                         detail=detail)))
    return [task for _worse, task in sorted(tasks, key=lambda pair: pair[0])]


def schools_behind(user, memberships, today):
    """A district admin's schools with actions not met or at risk: the schools to look at first."""
    district_ids = {m.district_id for m in memberships if m.role == DISTRICT_ADMIN and m.district_id}
    if not district_ids:
        return []
    schools = School.objects.filter(district_id__in=district_ids).select_related("district").order_by("name")
    tasks = []
    for row in _rows(memberships, schools):
        not_met = sum(1 for c in row.cells if c.result.status == Status.NOT_MET)
        at_risk = sum(1 for c in row.cells if c.result.status == Status.AT_RISK)
        if not (not_met or at_risk):
            continue
        parts = []
        if not_met:
            parts.append(ngettext("%(n)d action not met", "%(n)d actions not met", not_met) % {"n": not_met})
        if at_risk:
            parts.append(ngettext("%(n)d action at risk", "%(n)d actions at risk", at_risk) % {"n": at_risk})
        tasks.append(((-not_met, -at_risk, row.school.name), OwedTask(
            title=_("%(school)s: %(count)s") % {"school": row.school.name, "count": ", ".join(parts)},
            url=reverse("compliance:school-status", args=[row.school.pk]), school=row.school)))
    return [task for _key, task in sorted(tasks, key=lambda pair: pair[0])]


SOURCES = [
    OwedTaskSource("compliance.actions_behind", _l("Actions behind at my school"), actions_behind),
    OwedTaskSource("compliance.schools_behind", _l("Schools behind"), schools_behind),
]

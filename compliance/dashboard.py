"""What the dashboard shows a person: which schools, which school year, each action's status, which reasons.

People with a district-wide membership get the matrix of their district's schools by the ten actions;
people who hold roles only at schools get their schools' ten actions with reasons and next steps.
A reason is shown only where one of the person's roles at that school is among the action's
``reason_roles``; everyone else sees the status alone. Evaluators run over all the filtered schools at
once (a fixed number of queries), then the rows are filtered by status and paginated in memory.
"""

import dataclasses
import logging

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.dates import as_of_for
from portal.permissions import STAFF_ROLES
from schools.models import School, SchoolYear

from . import registry
from .registry import Status

PAGE_SIZE = 50
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Cell:
    action: registry.Action
    result: registry.Result
    show_reason: bool


@dataclasses.dataclass
class Row:
    school: School
    cells: list[Cell]


def roles_by_school(memberships, schools) -> dict[int, set[str]]:
    """The roles each school sees the person in: their roles there plus their district-wide roles."""
    district_roles: dict[int, set[str]] = {}
    school_roles: dict[int, set[str]] = {}
    for m in memberships:
        if m.school_id:
            school_roles.setdefault(m.school_id, set()).add(m.role)
        else:
            district_roles.setdefault(m.district_id, set()).add(m.role)
    return {s.pk: district_roles.get(s.district_id, set()) | school_roles.get(s.pk, set()) for s in schools}


def rows_for(schools, school_year, as_of, memberships) -> list[Row]:
    schools = list(schools)
    table = registry.evaluate_all(schools, school_year, as_of)
    roles = roles_by_school(memberships, schools)
    return [Row(school, [Cell(action, table[school.pk][action.number],
                              action.reasons_visible_to(roles[school.pk]))
                         for action in registry.actions()])
            for school in schools]


class DashboardFilterForm(forms.Form):
    year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), required=False, label=_("School year"),
                                  empty_label=None)
    level = forms.ChoiceField(choices=[("", _("Any level")), *School.Level.choices], required=False,
                              label=_("Level"))
    action = forms.TypedChoiceField(choices=[], required=False, coerce=int, empty_value=None,
                                    label=_("Action"))
    status = forms.ChoiceField(choices=[("", _("Any status")), *Status.choices], required=False,
                               label=_("Status"))

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years
        self.fields["action"].choices = [("", _("Any action"))] + [
            (a.number, f"{a.number}. {a.title}") for a in registry.actions()]


def _districts(memberships):
    """The person's districts, district-wide memberships first (they decide the matrix)."""
    seen = {}
    for m in sorted(memberships, key=lambda m: m.school_id is not None):
        seen.setdefault(m.home_district.pk, m.home_district)
    return list(seen.values())


def build(request, *, paginate=True) -> dict | None:
    """The dashboard's context for this request, or None for a person without any membership."""
    # The dashboard is the district's own: a partner responder's grant covers plans, not statuses.
    memberships = [m for m in getattr(request, "portal_memberships", None) or [] if m.role in STAFF_ROLES]
    if not memberships:
        return None
    user = request.user
    districts = _districts(memberships)
    district = districts[0]
    if len(districts) > 1 and request.GET.get("district"):
        district = next((d for d in districts if str(d.pk) == request.GET["district"]), None)
        if district is None:
            raise Http404(_("No such district."))
    district_wide = any(m.district_id == district.pk for m in memberships)

    years = SchoolYear.objects.for_user(user, "view").filter(district=district).order_by("-starts_on")
    current = SchoolYear.current_for(district)
    params = request.GET.copy()
    if current is not None and not params.get("year"):
        params["year"] = str(current.pk)
    form = DashboardFilterForm(params, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    school_year = data.get("year") or current
    as_of = as_of_for(school_year, district)

    schools = School.objects.for_user(user, "view").filter(district=district, is_active=True).order_by("name")
    if not district_wide:
        schools = schools.filter(pk__in=[m.school_id for m in memberships if m.school_id])
    selected = getattr(request, "selected_school", None)
    if selected is not None:
        schools = schools.filter(pk=selected.pk)
    if data.get("level"):
        schools = schools.filter(level=data["level"])

    rows = rows_for(schools, school_year, as_of, memberships)
    summary = _summary(rows)
    last_year, last_as_of, trends = (trend(rows, school_year, as_of) if district_wide and paginate
                                     else (None, None, []))
    status, action_number = data.get("status"), data.get("action")
    if status:
        rows = [r for r in rows if any(c.result.status == status for c in r.cells
                                       if action_number is None or c.action.number == action_number)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if paginate else None
    return {
        "mode": "matrix" if district_wide else "schools",
        "district": district,
        "districts": districts,
        "school_year": school_year,
        "current_year": current,
        "is_past_year": school_year is not None and current is not None and school_year.pk != current.pk,
        "as_of": as_of,
        "form": form,
        "actions": registry.actions(),
        "rows": rows,
        "page": page,
        "summary": summary,
        "trends": trends,
        "can_request_report": district_wide and _may_request_report(user, district),
        "last_year": last_year,
        "last_as_of": last_as_of,
        "filtered": bool(status or data.get("level")),
    }


# --- The previous year, as of the same date (the dashboard's trend and the reports') ----------------


def previous_year(school_year):
    """The district's school year before this one (the latest that starts earlier), or None."""
    if school_year is None:
        return None
    return (SchoolYear.objects.filter(district_id=school_year.district_id, starts_on__lt=school_year.starts_on)
            .order_by("-starts_on").first())


def same_day_last_year(as_of, last_year):
    """``as_of`` one year earlier (29 February becomes the 28th), kept within last year's dates."""
    try:
        day = as_of.replace(year=as_of.year - 1)
    except ValueError:
        day = as_of.replace(year=as_of.year - 1, day=28)
    return min(max(day, last_year.starts_on), last_year.ends_on)


@dataclasses.dataclass
class Trend:
    """One action's totals now and a year ago (same schools, same date last year)."""

    action: registry.Action
    counts: dict
    last_counts: dict | None

    @property
    def met(self):
        return self.counts[Status.MET]

    @property
    def not_met(self):
        return self.counts[Status.NOT_MET]

    @property
    def at_risk(self):
        return self.counts[Status.AT_RISK]

    @property
    def last_met(self):
        return self.last_counts[Status.MET] if self.last_counts is not None else None

    @property
    def change(self):
        return self.met - self.last_met if self.last_counts is not None else None

    @property
    def change_size(self):
        return abs(self.change) if self.change is not None else None


def trend(rows, school_year, as_of) -> tuple:
    """``(last_year, last_as_of, [Trend per action])`` for the dashboard's rows (this year's results) and
    the same schools' results last year as of the same date: every evaluator once more, over all of them."""
    schools = [row.school for row in rows]
    last_year = previous_year(school_year)
    last_as_of = same_day_last_year(as_of, last_year) if last_year is not None else None
    last_table = registry.evaluate_all(schools, last_year, last_as_of) if last_year is not None else None
    now = {a.number: dict.fromkeys(Status, 0) for a in registry.actions()}
    for row in rows:
        for cell in row.cells:
            now[cell.action.number][cell.result.status] += 1
    before = None
    if last_table is not None:
        before = {a.number: dict.fromkeys(Status, 0) for a in registry.actions()}
        for school in schools:
            for number, result in last_table[school.pk].items():
                before[number][result.status] += 1
    return last_year, last_as_of, [Trend(a, now[a.number], before[a.number] if before else None)
                                   for a in registry.actions()]


def evidence_for(school, school_year, row) -> list[tuple]:
    """Each action's evidence links at one school: ``[(action, [(label, url), ...]), ...]``.

    The links the action's report sections declare (``ReportSection.evidence``), then the result's own
    ``evidence_url`` where the person may read the action's reasons. The linked pages check scope.
    """
    from . import documents

    by_action: dict[int, list] = {}
    for section in documents.sections():
        if section.evidence is None:
            continue
        try:
            links = section.evidence([school], school_year).get(school.pk, [])
        except Exception:
            logger.exception("Evidence links of report section %s failed", section.key)
            links = []
        by_action.setdefault(section.action, []).extend(links)
    out = []
    for cell in row.cells:
        links = list(by_action.get(cell.action.number, []))
        if cell.show_reason and cell.result.evidence_url and all(url != cell.result.evidence_url
                                                                 for _label, url in links):
            links.append((_("See the records"), cell.result.evidence_url))
        out.append((cell.action, links))
    return out


def _may_request_report(user, district) -> bool:
    # The kind by its key: compliance/reports.py reads this module, so it is not imported here.
    from . import documents, services

    return services.may_request(user, documents.get("district_report"), district=district)


def _summary(rows) -> list[tuple]:
    """Per action, how many schools are at each status: [(action, [(status, count), ...]), ...]."""
    counts = {a.number: dict.fromkeys(Status.values, 0) for a in registry.actions()}
    for row in rows:
        for cell in row.cells:
            counts[cell.action.number][cell.result.status] += 1
    return [(a, [(Status(s), counts[a.number][s]) for s in Status.values]) for a in registry.actions()]

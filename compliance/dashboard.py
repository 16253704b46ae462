"""What the dashboard shows a person: which schools, which school year, each action's status, which reasons.

People with a district-wide membership get the matrix of their district's schools by the ten actions;
people who hold roles only at schools get their schools' ten actions with reasons and next steps.
A reason is shown only where one of the person's roles at that school is among the action's
``reason_roles``; everyone else sees the status alone. Evaluators run over all the filtered schools at
once (a fixed number of queries), then the rows are filtered by status and paginated in memory.
"""

import dataclasses

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.dates import as_of_for
from schools.models import School, SchoolYear

from . import registry
from .registry import Status

PAGE_SIZE = 50


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
    memberships = getattr(request, "portal_memberships", None) or []
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
        "filtered": bool(status or data.get("level")),
    }


def _summary(rows) -> list[tuple]:
    """Per action, how many schools are at each status: [(action, [(status, count), ...]), ...]."""
    counts = {a.number: dict.fromkeys(Status.values, 0) for a in registry.actions()}
    for row in rows:
        for cell in row.cells:
            counts[cell.action.number][cell.result.status] += 1
    return [(a, [(Status(s), counts[a.number][s]) for s in Status.values]) for a in registry.actions()]

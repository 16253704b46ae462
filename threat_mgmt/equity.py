"""The equity and outcomes dashboard: who is assessed and what happens to them, in counts, never cases.

For the district threat team and the district admin (their whole district) and a school's team (its
school): cases per 1,000 students by school; cases by grade, disability status (IEP, 504) and, where the
district records it, race and ethnicity, with the share of cases and the outcomes of each group; the
classification mix; outcomes (services, suspension, days out of school, change of placement, arrest); and
the time from referral to assessment.

Enrolment: ``schools.School`` stores one total enrolment per school and nothing per grade, disability or
race, so rates per 1,000 students are given by school and for the whole; the other groups show counts and
shares of cases (a district comparing them to its enrolment shares does so outside the portal).

Small cells: any count from 1 to 9 is shown as "fewer than 10" (with its rate and share), and when a
group has exactly one such cell and its total is shown, the next smallest is suppressed too, so no
suppressed count can be worked out by subtraction. Every table comes from one query: a fixed number of
queries whatever the number of cases.
"""

import dataclasses
import datetime as dt

from django import forms
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from portal.crud import permissions_school_filter
from portal.forms import DateInput, date_in_range
from schools.models import School, SchoolYear

from . import steps as model_steps
from .models import Case, ThreatSettings

MIN_CELL = 10


@dataclasses.dataclass
class Cell:
    count: int
    suppressed: bool = False
    rate: float | None = None  # per 1,000 students
    share: float | None = None  # percent of the cases

    @property
    def shown(self):
        return None if self.suppressed else self.count


def suppress(cells: list[Cell], total_shown: bool = True) -> list[Cell]:
    """Suppress counts 1..9, and one more when a lone suppressed cell could be worked out from the total."""
    for cell in cells:
        if 0 < cell.count < MIN_CELL:
            cell.suppressed = True
    hidden = [c for c in cells if c.suppressed]
    if total_shown and len(hidden) == 1:
        others = sorted((c for c in cells if not c.suppressed and c.count > 0), key=lambda c: c.count)
        if others:
            others[0].suppressed = True
    for cell in cells:
        if cell.suppressed:
            cell.rate = cell.share = None
    return cells


class EquityFilter(forms.Form):
    referred_from = forms.DateField(label=_("Referred from"), required=False, widget=DateInput(),
                                    validators=[date_in_range])
    referred_to = forms.DateField(label=_("Referred until"), required=False, widget=DateInput(),
                                  validators=[date_in_range])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("referred_from"), cleaned.get("referred_to")
        if start and end and end < start:
            self.add_error("referred_to", _("The end is before the start."))
        return cleaned


OUTCOMES = [
    ("services", _("Services provided")),
    ("suspension", _("Suspended")),
    ("placement", _("Change of placement")),
    ("arrest", _("Arrested")),
]


def _outcome_aggregates(prefix="closure__"):
    signed = Q(**{f"{prefix}signed_at__isnull": False})
    return {
        "closed": Count("pk", filter=signed),
        "services": Count("pk", filter=signed & Q(**{f"{prefix}services_provided": True})),
        "suspension": Count("pk", filter=signed & Q(**{f"{prefix}suspension": True})),
        "placement": Count("pk", filter=signed & Q(**{f"{prefix}change_of_placement": True})),
        "arrest": Count("pk", filter=signed & Q(**{f"{prefix}arrest": True})),
    }


def _group_rows(qs, field, labels, total):
    """Rows of one grouping: label, its cases (count and share) and its outcomes, each cell suppressed."""
    data = {row[field]: row for row in qs.values(field).annotate(n=Count("pk"), **_outcome_aggregates())
            .order_by(field)}
    rows = []
    for value, label in labels:
        row = data.get(value, {})
        count = row.get("n", 0)
        cell = Cell(count, share=round(100 * count / total, 1) if total else None)
        outcome_cells = [Cell(row.get(key, 0)) for key, _label in OUTCOMES]
        rows.append({"label": label, "cases": cell, "outcomes": outcome_cells})
    suppress([r["cases"] for r in rows])
    for index in range(len(OUTCOMES)):
        suppress([r["outcomes"][index] for r in rows])
    for r in rows:
        if r["cases"].suppressed:  # a group too small to show: none of its outcomes either
            for c in r["outcomes"]:
                c.suppressed = True
    return rows


def build(request) -> dict:
    user = request.user
    schools = list(School.objects.filter(permissions_school_filter(user, ThreatSettings, "analyze"))
                   .select_related("district").order_by("name"))
    district = schools[0].district if schools else None
    form = EquityFilter(request.GET or None)
    start = end = None
    if district is not None and not request.GET:
        year = SchoolYear.current_for(district)
        if year is not None:
            start, end = year.starts_on, year.ends_on
        form = EquityFilter(initial={"referred_from": start, "referred_to": end})
    elif form.is_valid():
        start, end = form.cleaned_data["referred_from"], form.cleaned_data["referred_to"]
    cases = Case.objects.filter(school__in=[s.pk for s in schools])
    if start:
        cases = cases.filter(referred_on__gte=start)
    if end:
        cases = cases.filter(referred_on__lte=end)
    records_race = bool(district and ThreatSettings.objects.filter(district=district,
                                                                   records_race_ethnicity=True).exists())

    # 1. Overall: counts, outcomes, days out of school, time to assessment.
    totals = cases.aggregate(
        n=Count("pk"), assessed=Count("pk", filter=Q(assessed_on__isnull=False)),
        same_day=Count("pk", filter=Q(assessed_on=F("referred_on"))),
        within_3=Count("pk", filter=Q(assessed_on__gt=F("referred_on"),
                                      assessed_on__lte=F("referred_on") + dt.timedelta(days=3))),
        within_10=Count("pk", filter=Q(assessed_on__gt=F("referred_on") + dt.timedelta(days=3),
                                       assessed_on__lte=F("referred_on") + dt.timedelta(days=10))),
        later=Count("pk", filter=Q(assessed_on__gt=F("referred_on") + dt.timedelta(days=10))),
        days_out=Sum("closure__days_out_of_school", filter=Q(closure__signed_at__isnull=False)),
        **_outcome_aggregates())
    total = totals["n"]
    enrolled = sum(s.enrollment or 0 for s in schools)

    # 2. By school, per 1,000 students.
    by_school = dict(cases.values("school_id").annotate(n=Count("pk")).values_list("school_id", "n")
                     .order_by("school_id"))
    school_rows = []
    for school in schools:
        count = by_school.get(school.pk, 0)
        rate = round(1000 * count / school.enrollment, 1) if school.enrollment else None
        school_rows.append({"school": school, "enrollment": school.enrollment, "cases": Cell(count, rate=rate)})
    suppress([r["cases"] for r in school_rows])

    # 3-6. By grade, disability, race and ethnicity, classification.
    grade_labels = [(g, g) for g in School.GRADES] + [("", _("Adult or not recorded"))]
    grade_rows = [r for r in _group_rows(cases, "grade", grade_labels, total) if r["cases"].count]
    disability = cases.annotate(disability=CaseWhen(
        When(has_iep=True, then=Value("iep")), When(has_504=True, then=Value("504")), default=Value("neither"),
        output_field=CharField()))
    disability_rows = _group_rows(disability, "disability", [("iep", _("IEP")), ("504", _("504 plan (no IEP)")),
                                                             ("neither", _("Neither"))], total)
    race_rows = _group_rows(cases, "race_ethnicity", list(Case.Race.choices), total) if records_race else []
    class_labels = [("", _("Not classified yet"))] + list(model_steps.CLASSIFICATION_CHOICES)
    class_rows = [r for r in _group_rows(cases, "classification", class_labels, total)
                  if r["cases"].count or r["label"] in dict(model_steps.CLASSIFICATION_CHOICES).values()]

    overall = {
        "cases": suppress([Cell(total, rate=round(1000 * total / enrolled, 1) if enrolled else None)], False)[0],
        "outcomes": [(label, suppress([Cell(totals[key])], False)[0]) for key, label in OUTCOMES],
        "closed": suppress([Cell(totals["closed"])], False)[0],
        "days_out": totals["days_out"] or 0,
        "timing": suppress([Cell(totals[k], share=round(100 * totals[k] / totals["assessed"], 1)
                                 if totals["assessed"] else None)
                            for k in ("same_day", "within_3", "within_10", "later")]),
        "not_assessed": suppress([Cell(total - totals["assessed"])], False)[0],
    }
    if overall["closed"].suppressed or (0 < overall["days_out"] < MIN_CELL):
        overall["days_out"] = None
    return {
        "form": form, "schools": school_rows, "district": district, "overall": overall, "enrolled": enrolled,
        "grade_rows": grade_rows, "disability_rows": disability_rows, "race_rows": race_rows,
        "records_race": records_race, "class_rows": class_rows, "outcome_labels": [label for _k, label in OUTCOMES],
        "timing_labels": [_("Same day"), _("1-3 days"), _("4-10 days"), _("More than 10 days")],
        "min_cell": MIN_CELL,
    }


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
from django.db import connection
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


DIMENSIONS = ("school_id", "grade", "disability", "race_ethnicity", "classification")
MEASURES = ("n", "closed", "services", "suspension", "placement", "arrest", "assessed", "same_day", "within_3",
            "within_10", "later", "days_out")


def _base(cases):
    """One row per case with what the dashboard counts (the closure's outcomes by a left join)."""
    return cases.annotate(
        disability=CaseWhen(When(has_iep=True, then=Value("iep")), When(has_504=True, then=Value("504")),
                            default=Value("neither"), output_field=CharField()),
        x_signed=F("closure__signed_at"), x_services=F("closure__services_provided"),
        x_suspension=F("closure__suspension"), x_placement=F("closure__change_of_placement"),
        x_arrest=F("closure__arrest"), x_days=F("closure__days_out_of_school"),
    ).values("school_id", "grade", "disability", "race_ethnicity", "classification", "referred_on", "assessed_on",
             "x_signed", "x_services", "x_suspension", "x_placement", "x_arrest", "x_days").order_by()


_MEASURES_SQL = """
    COUNT(*) AS n,
    COUNT(*) FILTER (WHERE x_signed IS NOT NULL) AS closed,
    COUNT(*) FILTER (WHERE x_signed IS NOT NULL AND x_services) AS services,
    COUNT(*) FILTER (WHERE x_signed IS NOT NULL AND x_suspension) AS suspension,
    COUNT(*) FILTER (WHERE x_signed IS NOT NULL AND x_placement) AS placement,
    COUNT(*) FILTER (WHERE x_signed IS NOT NULL AND x_arrest) AS arrest,
    COUNT(*) FILTER (WHERE assessed_on IS NOT NULL) AS assessed,
    COUNT(*) FILTER (WHERE assessed_on = referred_on) AS same_day,
    COUNT(*) FILTER (WHERE assessed_on > referred_on AND assessed_on <= referred_on + 3) AS within_3,
    COUNT(*) FILTER (WHERE assessed_on > referred_on + 3 AND assessed_on <= referred_on + 10) AS within_10,
    COUNT(*) FILTER (WHERE assessed_on > referred_on + 10) AS later,
    COALESCE(SUM(x_days) FILTER (WHERE x_signed IS NOT NULL), 0) AS days_out"""


def summaries(cases) -> dict:
    """``{"total": row, dimension: {value: row}}``: every count of the dashboard in one scan of the cases
    (PostgreSQL's GROUPING SETS); another database gets one query per dimension."""
    base = _base(cases)
    result = {dim: {} for dim in DIMENSIONS}
    if connection.vendor == "postgresql":
        inner, params = base.query.sql_with_params()
        grouping = ", ".join(f"GROUPING({d}) AS g_{d}" for d in DIMENSIONS)
        sets = ", ".join(f"({d})" for d in DIMENSIONS)
        sql = (f"SELECT {grouping}, {', '.join(DIMENSIONS)}, {_MEASURES_SQL} FROM ({inner}) AS b "  # noqa: S608
               f"GROUP BY GROUPING SETS ({sets}, ())")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [c.name for c in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        for row in rows:
            measures = {m: row[m] or 0 for m in MEASURES}
            grouped = [d for d in DIMENSIONS if row[f"g_{d}"] == 0]
            if not grouped:
                result["total"] = measures
            else:
                result[grouped[0]][row[grouped[0]]] = measures
        result.setdefault("total", dict.fromkeys(MEASURES, 0))
        return result
    aggregates = _orm_measures()
    result["total"] = base.aggregate(**aggregates)
    for dim in DIMENSIONS:
        for row in base.values(dim).annotate(**aggregates).order_by(dim):
            result[dim][row[dim]] = {m: row[m] or 0 for m in MEASURES}
    result["total"] = {m: result["total"][m] or 0 for m in MEASURES}
    return result


def _orm_measures():
    signed = Q(x_signed__isnull=False)
    ref = F("referred_on")
    return {
        # Count("pk", ...): Django refuses a filter on Count("*") (this path serves SQLite, make run's database).
        "n": Count("pk"), "closed": Count("pk", filter=signed),
        "services": Count("pk", filter=signed & Q(x_services=True)),
        "suspension": Count("pk", filter=signed & Q(x_suspension=True)),
        "placement": Count("pk", filter=signed & Q(x_placement=True)),
        "arrest": Count("pk", filter=signed & Q(x_arrest=True)),
        "assessed": Count("pk", filter=Q(assessed_on__isnull=False)),
        "same_day": Count("pk", filter=Q(assessed_on=ref)),
        "within_3": Count("pk", filter=Q(assessed_on__gt=ref, assessed_on__lte=ref + dt.timedelta(days=3))),
        "within_10": Count("pk", filter=Q(assessed_on__gt=ref + dt.timedelta(days=3),
                                         assessed_on__lte=ref + dt.timedelta(days=10))),
        "later": Count("pk", filter=Q(assessed_on__gt=ref + dt.timedelta(days=10))),
        "days_out": Sum("x_days", filter=signed),
    }


def _group_rows(data, labels, total):
    """Rows of one grouping: label, its cases (count and share) and its outcomes, each cell suppressed."""
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

    data = summaries(cases)
    totals = data["total"]
    total = totals["n"]
    enrolled = sum(s.enrollment or 0 for s in schools)

    # Cases per 1,000 students, by school.
    school_rows = []
    for school in schools:
        count = data["school_id"].get(school.pk, {}).get("n", 0)
        rate = round(1000 * count / school.enrollment, 1) if school.enrollment else None
        school_rows.append({"school": school, "enrollment": school.enrollment, "cases": Cell(count, rate=rate)})
    suppress([r["cases"] for r in school_rows])

    # By grade, disability, race and ethnicity (where recorded), classification.
    grade_labels = [(g, g) for g in School.GRADES] + [("", _("Adult or not recorded"))]
    grade_rows = [r for r in _group_rows(data["grade"], grade_labels, total) if r["cases"].count]
    disability_rows = _group_rows(data["disability"], [("iep", _("IEP")), ("504", _("504 plan (no IEP)")),
                                                       ("neither", _("Neither"))], total)
    race_rows = _group_rows(data["race_ethnicity"], list(Case.Race.choices), total) if records_race else []
    class_labels = [("", _("Not classified yet"))] + list(model_steps.CLASSIFICATION_CHOICES)
    class_rows = _group_rows(data["classification"], class_labels, total)

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


"""The drill-log PDF (a ``compliance.documents`` kind): one school's year of drills and its compliance.

``templates/drills/documents/drill_log.html`` renders it; its body is ``_drill_section.html``, the drill
section the district-wide compliance PDF includes with the same context keys.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.models import SchoolYear


def drill_log_title(school, school_year):
    if school_year is not None:
        return _("Drill log: %(school)s, %(year)s") % {"school": school.name, "year": school_year.name}
    return _("Drill log: %(school)s") % {"school": school.name}


def drill_section_context(school, school_year, as_of) -> dict:
    """What the drill section needs: the compliance calendar and every log entry of the year."""
    from .evaluators import compliance_calendars
    from .services import year_log

    if school_year is None:
        return {"school": school, "school_year": None, "calendar": None, "drills": [], "as_of": as_of,
                "held_by_kind": [], "unsigned": 0, "past_planned": 0}
    calendar = compliance_calendars([school], school_year, as_of)[school.pk]
    drills = list(year_log(school, school_year).prefetch_related("buildings"))
    held = [d for d in drills if d.status == d.Status.COMPLETED and not d.is_superseded]
    return {
        "school": school,
        "school_year": school_year,
        "calendar": calendar,
        "drills": drills,
        "as_of": as_of,
        "tz": school.district.tz,
        "held_by_kind": held_by_kind(held),
        "unsigned": sum(1 for d in held if d.signed_at is None),
        "past_planned": sum(1 for d in drills if d.past_planned_time),
    }


def held_by_kind(held) -> list[dict]:
    """The drills held (current entries), per kind, in words that agree with their number: "1 drill",
    "4 drills (1 not signed yet)"."""
    kinds: dict[str, list] = {}
    for drill in held:
        kinds.setdefault(drill.kind_name, []).append(drill)
    rows = []
    for name, drills in sorted(kinds.items()):
        count, unsigned = len(drills), sum(1 for d in drills if d.signed_at is None)
        text = ngettext("%(count)s drill", "%(count)s drills", count) % {"count": count}
        if unsigned:
            text += " " + ngettext("(%(n)s not signed yet)", "(%(n)s not signed yet)", unsigned) % {"n": unsigned}
        rows.append({"kind": name, "count": count, "unsigned": unsigned, "text": text})
    return rows


def drill_log_context(document) -> dict:
    from portal.dates import as_of_for

    school = document.school
    school_year = document.school_year or SchoolYear.current_for(school.district)
    as_of = as_of_for(school_year, school.district)
    return {
        "document": document,
        "district": school.district,
        "generated_at": timezone.now(),
        **drill_section_context(school, school_year, as_of),
    }


# --- The drills section of the compliance reports (compliance.documents.ReportSection) -----------------


def report_section_context(schools, school_year, as_of) -> dict:
    """Every school's part of the drills section, in a fixed number of queries: the compliance calendar
    (its requirements, statuses and why) and how many drills were completed and are planned this year.
    The full log stays in the drill-log document (one school's year can run to pages)."""
    from django.db.models import Count, Q

    from portal.dates import local_day_bounds

    from .evaluators import compliance_calendars
    from .models import Drill

    schools = list(schools)
    if school_year is None or not schools:
        return {}
    calendars = compliance_calendars(schools, school_year, as_of)
    start, end = local_day_bounds(school_year.starts_on, school_year.ends_on, school_year.district.tz)
    counts = {row["school_id"]: row for row in (
        Drill.objects.filter(school__in=schools, corrected_by__isnull=True).starting_between(start, end)
        .values("school_id")
        .annotate(completed=Count("id", filter=Q(status=Drill.Status.COMPLETED)),
                  unsigned=Count("id", filter=Q(status=Drill.Status.COMPLETED, signed_at__isnull=True)),
                  planned=Count("id", filter=Q(status=Drill.Status.PLANNED)))
        .order_by())}
    district_name = school_year.district.name  # district rules' source, read once (not per school)
    return {school.pk: {
        "school": school,
        "district_name": district_name,
        "school_year": school_year,
        "as_of": as_of,
        "calendar": calendars[school.pk],
        "completed": counts.get(school.pk, {}).get("completed", 0),
        "planned": counts.get(school.pk, {}).get("planned", 0),
        "unsigned": counts.get(school.pk, {}).get("unsigned", 0),
    } for school in schools}


def evidence_links(schools, school_year) -> dict:
    """The records behind each school's drills status (no query): its compliance calendar and its log."""
    from django.urls import reverse

    year = f"?year={school_year.pk}" if school_year is not None else ""
    return {school.pk: [
        (_("Drill compliance calendar"), reverse("drills:compliance-school", args=[school.pk]) + year),
        (_("Drill log"), reverse("drills:drill-list") + f"?school={school.pk}"),
    ] for school in schools}

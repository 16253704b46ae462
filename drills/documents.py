"""The drill-log PDF (a ``compliance.documents`` kind): one school's year of drills and its compliance.

``templates/drills/documents/drill_log.html`` renders it; its body is ``_drill_section.html``, the drill
section the district-wide compliance PDF includes with the same context keys.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

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
        return {"school": school, "school_year": None, "calendar": None, "drills": [], "as_of": as_of}
    calendar = compliance_calendars([school], school_year, as_of)[school.pk]
    drills = list(year_log(school, school_year).prefetch_related("buildings"))
    return {
        "school": school,
        "school_year": school_year,
        "calendar": calendar,
        "drills": drills,
        "as_of": as_of,
        "tz": school.district.tz,
    }


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

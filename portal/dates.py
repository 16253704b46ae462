"""Dates as a district lives them: its local days, the school year a page shows, the as-of date of a year.

Every date rule is computed in the district's time zone (``District.local_today()``, never ``date.today()``).
"""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import SchoolYear


def local_midnight(day: dt.date, tz=None) -> dt.datetime:
    """Midnight at the start of ``day`` in ``tz`` (default: the page's clock, the person's district)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz or timezone.get_current_timezone())


def local_day_bounds(first: dt.date, last: dt.date, tz=None) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` covering the local days ``first`` to ``last`` inclusive, for datetime filters."""
    return local_midnight(first, tz), local_midnight(last + dt.timedelta(days=1), tz)


def as_of_for(school_year, district) -> dt.date:
    """Statuses of the current year are as of today; those of a past year as of its last day."""
    today = district.local_today()
    if school_year is None:
        return today
    return min(today, school_year.ends_on)


def pick_school_year(request, *, district_ids=None) -> tuple[list, object]:
    """The school years the person may see (newest first) and the one the page shows.

    ``?year=<id>`` picks one (a year outside the person's scope is a 404); otherwise the year that contains
    its district's today, else the newest.
    """
    years = SchoolYear.objects.for_user(request.user, "view").select_related("district").order_by("-starts_on")
    if district_ids is not None:
        years = years.filter(district_id__in=district_ids)
    years = list(years)
    wanted = request.GET.get("year")
    if wanted:
        for year in years:
            if str(year.pk) == wanted:
                return years, year
        raise Http404(_("No such school year."))
    for year in years:
        if year.starts_on <= year.district.local_today() <= year.ends_on:
            return years, year
    return years, (years[0] if years else None)

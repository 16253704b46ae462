"""The scope table of schools' URLs (the organisation: schools, buildings, years, memberships); see
tests/scope_table.py. The builders of these records are shared there, since every app's pages use them."""

import datetime as dt

from tests.scope_table import (
    DISTRICT_ADMIN,
    MEMBERS,
    PARTNERS,
    SCHOOL_EDITORS,
    make_agency,
    make_building,
    make_calendar_day,
    make_membership,
    make_school,
    make_school_year,
    make_term,
    obj,
    page,
    unique,
)


def make_future_school_year(world, school):
    """A year not begun yet: the only kind that can be deleted (SchoolYear.delete_problems)."""
    from schools.models import SchoolYear

    start = dt.date(2100 + unique() % 90, 7, 1)
    return SchoolYear.objects.create(district=school.district, name=f"{start.year}-{start.year % 100 + 1}",
                                     starts_on=start, ends_on=start.replace(year=start.year + 1) - dt.timedelta(days=1),
                                     first_instructional_day=start + dt.timedelta(days=60),
                                     last_instructional_day=start + dt.timedelta(days=340))


# schools' rows let every role read the organisation, partner responders included (schools/integrations.py).
READERS = MEMBERS | PARTNERS

URLS = {
    "schools:school-list": page(),
    "schools:school-create": page(ok=DISTRICT_ADMIN),
    "schools:school-detail": obj(make_school, ok=READERS),
    "schools:school-update": obj(make_school, ok=DISTRICT_ADMIN, others=403),
    "schools:building-list": page(),
    "schools:building-create": page(ok=SCHOOL_EDITORS),
    "schools:building-detail": obj(make_building, ok=READERS),
    "schools:building-update": obj(make_building, ok=SCHOOL_EDITORS, others=403),
    "schools:building-delete": obj(make_building, ok=DISTRICT_ADMIN, others=403),
    "schools:agency-list": page(),
    "schools:agency-create": page(ok=DISTRICT_ADMIN),
    "schools:agency-detail": obj(make_agency, ok=READERS),
    "schools:agency-update": obj(make_agency, ok=DISTRICT_ADMIN, others=403),
    "schools:schoolyear-list": page(),
    "schools:schoolyear-create": page(ok=DISTRICT_ADMIN),
    "schools:schoolyear-detail": obj(make_school_year, ok=READERS),
    "schools:schoolyear-update": obj(make_school_year, ok=DISTRICT_ADMIN, others=403),
    "schools:schoolyear-delete": obj(make_future_school_year, ok=DISTRICT_ADMIN, others=403),
    "schools:term-list": page(),
    "schools:term-create": page(ok=DISTRICT_ADMIN),
    "schools:term-detail": obj(make_term, ok=READERS),
    "schools:term-update": obj(make_term, ok=DISTRICT_ADMIN, others=403),
    "schools:term-delete": obj(make_term, ok=DISTRICT_ADMIN, others=403),
    "schools:calendarday-list": page(),
    "schools:calendarday-create": page(ok=DISTRICT_ADMIN),
    "schools:calendarday-detail": obj(make_calendar_day, ok=READERS),
    "schools:calendarday-update": obj(make_calendar_day, ok=DISTRICT_ADMIN, others=403),
    "schools:calendarday-delete": obj(make_calendar_day, ok=DISTRICT_ADMIN, others=403),
    "schools:membership-list": page(),
    "schools:membership-create": page(ok=DISTRICT_ADMIN),
    "schools:membership-detail": obj(make_membership, ok=DISTRICT_ADMIN),
    "schools:membership-update": obj(make_membership, ok=DISTRICT_ADMIN),
    "schools:nces-import": page(ok=DISTRICT_ADMIN),
}

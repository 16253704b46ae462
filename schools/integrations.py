"""What the organisation app adds to the shared registries: its rows of the permission matrix, its pages in
the navigation and the first demo steps (the district, buildings, school years, the police agency).

The user, audit and notification models were created in this app's first migrations and stay here, so
their matrix rows are declared here too; the pages that use them are in accounts/ and portal/.
"""

from django.utils.translation import gettext_lazy as _

from portal.permissions import ALL_ROLES, DISTRICT_ADMIN, SCHOOL_ADMIN
from portal.registry import DemoStep, Integration, NavLink
from schools import demo

EVERYONE = ALL_ROLES
ADMIN = {DISTRICT_ADMIN}

INTEGRATION = Integration(
    app_label="schools",
    verbs=("export",),
    matrix={
        "schools.district": {"view": EVERYONE, "change": ADMIN},
        "schools.school": {"view": EVERYONE, "add": ADMIN, "change": ADMIN},
        "schools.building": {"view": EVERYONE, "add": {DISTRICT_ADMIN, SCHOOL_ADMIN},
                             "change": {DISTRICT_ADMIN, SCHOOL_ADMIN}, "delete": ADMIN},
        "schools.agency": {"view": EVERYONE, "add": ADMIN, "change": ADMIN},
        "schools.schoolyear": {"view": EVERYONE, "add": ADMIN, "change": ADMIN, "delete": ADMIN},
        "schools.term": {"view": EVERYONE, "add": ADMIN, "change": ADMIN, "delete": ADMIN},
        "schools.calendarday": {"view": EVERYONE, "add": ADMIN, "change": ADMIN, "delete": ADMIN},
        "schools.membership": {"view": ADMIN, "add": ADMIN, "change": ADMIN},
        "schools.user": {"view": ADMIN, "add": ADMIN, "change": ADMIN},
        "schools.auditevent": {"view": ADMIN, "export": ADMIN},
        "schools.notification": {"view": ADMIN, "change": ADMIN},
    },
    navigation=[
        NavLink("District", _("Schools"), "schools:school-list", "schools.school", order=10),
        NavLink("District", _("Buildings"), "schools:building-list", "schools.building", order=20),
        NavLink("District", _("Agencies"), "schools:agency-list", "schools.agency", order=30),
        NavLink("District", _("School years"), "schools:schoolyear-list", "schools.schoolyear", order=40),
        NavLink("District", _("Terms"), "schools:term-list", "schools.term", order=50),
        NavLink("District", _("Holidays and closures"), "schools:calendarday-list", "schools.calendarday",
                order=60),
        NavLink("Administration", _("Memberships"), "schools:membership-list", "schools.membership", order=20),
        NavLink("Administration", _("Import schools from NCES"), "schools:nces-import", "schools.school",
                action="add", order=30),
    ],
    demo_steps=[
        DemoStep("district and schools (NCES)", demo.import_district, order=10),
        DemoStep("buildings", demo.add_buildings, order=20),
        DemoStep("school years and calendars", demo.add_school_years, order=30),
        DemoStep("police agency", demo.add_agency, order=40),
    ],
)

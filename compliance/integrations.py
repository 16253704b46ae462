"""What compliance adds to the shared registries: its document rows in the matrix, the dashboard and the
documents in the navigation, the dashboard panel of the home page, the school profile and the compliance
report documents, and the scheduled reports."""

from django.utils.translation import gettext_lazy as _

from compliance import documents, owed, reports, views
from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN
from portal.registry import Integration, NavLink

# Those who run or oversee a school's program read, request and download its documents
# (district leaders: "read-only dashboards, downloads compliance PDFs"). Retry is a new request.
READERS = {DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN}

INTEGRATION = Integration(
    app_label="compliance",
    verbs=("download",),
    matrix={
        "compliance.generateddocument": {"view": READERS, "add": READERS, "download": READERS},
        # Scheduled district reports: set up by the district admin, sent to chosen district leaders.
        "compliance.reportschedule": {"view": {DISTRICT_ADMIN}, "add": {DISTRICT_ADMIN},
                                      "change": {DISTRICT_ADMIN}, "delete": {DISTRICT_ADMIN}},
    },
    navigation=[
        NavLink("Home", _("Ten actions dashboard"), "compliance:dashboard", order=10),
        NavLink("Home", _("Documents"), "compliance:document-list", "compliance.generateddocument", order=30),
        NavLink("District", _("Scheduled reports"), "compliance:reportschedule-list", "compliance.reportschedule",
                order=90),
    ],
    home_panels=[views.home_context],
    # Requirements at risk for the school admin, schools at risk for the district admin, on My tasks.
    owed_tasks=owed.SOURCES,
    documents=[documents.SCHOOL_PROFILE, reports.DISTRICT_REPORT, reports.SCHOOL_REPORT],
)

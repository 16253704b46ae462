"""What compliance adds to the shared registries: its document rows in the matrix, the dashboard and the
documents in the navigation, the dashboard panel of the home page and the school profile document."""

from django.utils.translation import gettext_lazy as _

from compliance import documents, views
from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN
from portal.registry import Integration, NavLink

# Those who run or oversee a school's program read, request and download its documents
# (district leaders: "read-only dashboards, downloads compliance PDFs"). Retry is a new request.
READERS = {DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN}

INTEGRATION = Integration(
    app_label="compliance",
    verbs=("download",),
    matrix={"compliance.generateddocument": {"view": READERS, "add": READERS, "download": READERS}},
    navigation=[
        NavLink("Home", _("Ten actions dashboard"), "compliance:dashboard", order=10),
        NavLink("Home", _("Documents"), "compliance:document-list", "compliance.generateddocument", order=30),
    ],
    home_panels=[views.home_context],
    documents=[documents.SCHOOL_PROFILE],
)

"""The test app's one registration module, as an action app writes it (docs/adding-an-action-app.md)."""

from django.urls import reverse

from portal.permissions import DISTRICT_ADMIN, SCHOOL_ADMIN
from portal.registry import FollowUpSource, Integration
from tests.testapp.models import FakeFollowUp

INTEGRATION = Integration(
    app_label="testapp",
    # School staff read the rows they own through FakeFollowUp.extra_scope, not through the matrix.
    matrix={"testapp.fakefollowup": {"view": {DISTRICT_ADMIN, SCHOOL_ADMIN}, "change": {DISTRICT_ADMIN, SCHOOL_ADMIN},
                                     "add": {SCHOOL_ADMIN}}},
    followups=[FollowUpSource(FakeFollowUp, label="Fake follow-up",
                              link=lambda row: reverse("schools:school-detail", args=[row.school_id]))],
)

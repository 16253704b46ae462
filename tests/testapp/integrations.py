"""The test app's one registration module, as an action app writes it (docs/adding-an-action-app.md)."""

from django.urls import reverse

from portal.permissions import ALL_ROLES, DISTRICT_ADMIN, SCHOOL_ADMIN, TIP_TRIAGE
from portal.registry import DemoStep, FollowUpSource, Integration, NavLink
from tests.testapp import demo
from tests.testapp.models import FakeFollowUp

WALK_READERS = ALL_ROLES - {TIP_TRIAGE}
WALK_EDITORS = {DISTRICT_ADMIN, SCHOOL_ADMIN}

INTEGRATION = Integration(
    app_label="testapp",
    verbs=("sign",),
    matrix={
        # School staff read the rows they own through FakeFollowUp.extra_scope, not through the matrix.
        "testapp.fakefollowup": {"view": WALK_EDITORS, "change": WALK_EDITORS, "add": {SCHOOL_ADMIN}},
        "testapp.walkthrough": {"view": WALK_READERS, "add": WALK_EDITORS, "change": WALK_EDITORS,
                                "sign": {SCHOOL_ADMIN}},
    },
    navigation=[NavLink("Actions", "Walk-throughs", "testapp:walkthrough-list", "testapp.walkthrough", order=200)],
    followups=[FollowUpSource(FakeFollowUp, label="Fake follow-up",
                              link=lambda row: reverse("schools:school-detail", args=[row.school_id]))],
    demo_steps=[DemoStep("walk-throughs", demo.add_demo_walkthrough, order=200)],
)

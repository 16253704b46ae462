"""What people and sign-in add to the shared registries: the people pages in the navigation and the demo
personas (one account per role, enrolled in a second factor)."""

from django.utils.translation import gettext_lazy as _

from accounts import demo
from accounts.two_factor import enrol_demo_two_factor
from portal.registry import DemoStep, Integration, NavLink

INTEGRATION = Integration(
    app_label="accounts",
    navigation=[
        NavLink("Administration", _("People"), "accounts:user-list", "schools.user", order=10),
        NavLink("Administration", _("Invite someone"), "accounts:user-invite", "schools.user", action="add",
                order=11),
        NavLink("Administration", _("Import staff"), "accounts:user-import", "schools.user", action="add",
                order=12),
        NavLink("Administration", _("Locked accounts"), "accounts:lockouts", "schools.user", action="change",
                order=85),
    ],
    demo_steps=[
        DemoStep("personas", demo.add_personas, order=50),
        # Last of all: the personas the action apps add (a partner responder, the district threat team) too.
        DemoStep("personas' second factor", enrol_demo_two_factor, order=10_000),
    ],
)

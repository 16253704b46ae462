"""What the platform's own pages add to the navigation: home, My tasks, undelivered emails, the audit log."""

from django.utils.translation import gettext_lazy as _

from portal.registry import Integration, NavLink

INTEGRATION = Integration(
    app_label="portal",
    navigation=[
        NavLink("Home", _("Home"), "home", order=0),
        NavLink("Home", _("My tasks"), "portal:my-tasks", order=20),
        NavLink("Administration", _("Undelivered emails"), "portal:notification-failed", "schools.notification",
                order=80),
        NavLink("Administration", _("Audit log"), "portal:auditevent-list", "schools.auditevent", order=90),
    ],
)

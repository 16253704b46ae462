from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site: verified superusers only (schools/security.py)."""

    default = False  # named in INSTALLED_APPS; SchoolsConfig stays this module's default
    default_site = "schools.security.PortalAdminSite"


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools and people")

    def ready(self):
        from . import navigation, security

        security.connect_signals()
        # An invited person chooses their password before they ever sign in (views_people.InviteAcceptView).
        security.allow_before_two_factor("schools:invite-accept", "schools:invite-accepted")

        navigation.add("Home", _("Home"), "home", order=0)
        navigation.add("Home", _("My tasks"), "schools:my-tasks", order=20)
        navigation.add("District", _("Schools"), "schools:school-list", "schools.school", order=10)
        navigation.add("District", _("Buildings"), "schools:building-list", "schools.building", order=20)
        navigation.add("District", _("Agencies"), "schools:agency-list", "schools.agency", order=30)
        navigation.add("District", _("School years"), "schools:schoolyear-list", "schools.schoolyear", order=40)
        navigation.add("District", _("Terms"), "schools:term-list", "schools.term", order=50)
        navigation.add("District", _("Holidays and closures"), "schools:calendarday-list", "schools.calendarday",
                       order=60)
        navigation.add("Administration", _("People"), "schools:user-list", "schools.user", order=10)
        navigation.add("Administration", _("Invite someone"), "schools:user-invite", "schools.user",
                       action="add", order=11)
        navigation.add("Administration", _("Import staff"), "schools:user-import", "schools.user",
                       action="add", order=12)
        navigation.add("Administration", _("Memberships"), "schools:membership-list", "schools.membership",
                       order=20)
        navigation.add("Administration", _("Import schools from NCES"), "schools:nces-import", "schools.school",
                       action="add", order=30)
        navigation.add("Administration", _("Locked accounts"), "account:lockouts", "schools.user",
                       action="change", order=85)
        navigation.add("Administration", _("Audit log"), "schools:auditevent-list", "schools.auditevent",
                       order=90)
        navigation.add("Administration", _("Undelivered emails"), "schools:notification-failed",
                       "schools.notification", order=80)

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's site: verified superusers only (accounts/security.py)."""

    default = False  # named in INSTALLED_APPS; AccountsConfig stays this module's default
    default_site = "accounts.security.PortalAdminSite"


class AccountsConfig(AppConfig):
    """People and sign-in: invitations, staff import, two factors, sessions, lockouts and their pages.

    The user model stays ``schools.User`` (AUTH_USER_MODEL since the first migration)."""

    name = "accounts"
    verbose_name = _("People and sign-in")

    def ready(self):
        from accounts import checks, security  # noqa: F401  (checks registers the deployment checks)

        security.connect_signals()
        # An invited person chooses their password before they ever sign in (views_people.InviteAcceptView).
        security.allow_before_two_factor("accounts:invite-accept", "accounts:invite-accepted")

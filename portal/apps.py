from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The platform machinery: permission matrix, scope, scoped CRUD, audit, outbox, uploads, follow-ups,
    navigation, signed records and the registry every app declares itself in."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import registry

        # Every installed app's integrations.py, applied in INSTALLED_APPS order (matrix rows first).
        registry.discover()

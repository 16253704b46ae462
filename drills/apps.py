from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    """Drills (action 9). Everything it adds to the shared registries is declared in integrations.py."""

    name = "drills"
    verbose_name = _("Drills")

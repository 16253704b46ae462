from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """Coordination with first responders (action 5):
    partners, plans reviewed and signed by responders, site information.

    Everything it adds to the shared registries is declared in integrations.py.
    """

    name = "coordination"
    verbose_name = _("Coordination with first responders")

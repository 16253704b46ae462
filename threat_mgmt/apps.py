from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreatMgmtConfig(AppConfig):
    """Behavioral threat assessment and management (action 6):
    confidential cases from referral to closure.

    Everything it adds to the shared registries is declared in integrations.py.
    """

    name = "threat_mgmt"
    verbose_name = _("Threat assessment")

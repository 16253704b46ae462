from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Anonymous reporting (action 4):
    the public tip line, tip codes and two-way chat, triage and escalation.

    Everything it adds to the shared registries is declared in integrations.py.
    """

    name = "reporting"
    verbose_name = _("Anonymous reporting: the tip line")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    """The organisation every app shares: districts, schools, buildings, agencies, school years and their
    calendars, memberships, the NCES import (and, from the first migrations, the user and audit models)."""

    name = "schools"
    verbose_name = _("Schools and people")

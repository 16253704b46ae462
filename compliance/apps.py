from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from schools import navigation, permissions
        from schools.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN
        from schools.views import HOME_PROVIDERS

        from . import documents, views

        # Those who run or oversee a school's program read, request and download its documents
        # (district leaders: "read-only dashboards, downloads compliance PDFs"). Retry is a new request.
        readers = {DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN}
        permissions.register("compliance.generateddocument", view=readers, add=readers, download=readers)
        documents.register(documents.SCHOOL_PROFILE)

        HOME_PROVIDERS.append(views.home_context)
        navigation.add("Home", _("Ten actions dashboard"), "compliance:dashboard", order=10)
        navigation.add("Home", _("Documents"), "compliance:document-list", "compliance.generateddocument",
                       order=30)

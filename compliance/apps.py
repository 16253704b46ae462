from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        from compliance import documents, registry
        from portal import registry as portal_registry

        # The parts of every app's integrations.py that belong to compliance: the essential action it
        # implements (evaluator and who reads its reasons), its document kinds and report sections.
        for integration in portal_registry.integrations():
            if integration.action is not None:
                registry.register_action(integration.action, app_label=integration.app_label)
            for kind in integration.documents:
                documents.register(kind)
            for section in integration.report_sections:
                documents.register_section(section)

        from django.db.models.signals import post_delete

        from compliance import schedules
        from compliance.models import ReportSchedule

        post_delete.connect(schedules.schedule_deleted, sender=ReportSchedule,
                            dispatch_uid="compliance.schedule_deleted")

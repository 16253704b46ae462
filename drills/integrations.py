"""Where drills plugs into the shared registries: the action-9 evaluator (dashboard), My tasks (improvement
items), the generated documents (the drill-log PDF) and the daily digest (reminders). Called from
``DrillsConfig.ready``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def register_all():
    from compliance import documents, registry
    from schools import followups, notifications, permissions

    from . import evaluators, reminders
    from .documents import drill_log_context, drill_log_title
    from .models import ImprovementItem

    # Drill statuses are not confidential: every role that reads drills may read why.
    registry.register_evaluator(9, evaluators.evaluate, reason_roles=permissions.roles_for("drills.drill", "view"))
    followups.register(
        ImprovementItem,
        label=_("Drill improvement item"),
        school_path="after_action__drill__school",
        select_related=("after_action",),
        link=lambda item: reverse("drills:drill-after-action", args=[item.after_action.drill_id]),
    )
    documents.register(
        documents.DocumentKind(
            key="drill_log",
            label=_("Drill log"),
            template="drills/documents/drill_log.html",
            title=drill_log_title,
            context=drill_log_context,
            action="add",
        )
    )
    notifications.register_digest_provider(reminders.digest_lines)

"""Everything drills adds to the shared registries, in one place: its rows of the permission matrix (and
the verbs they use), its pages in the navigation, the action-9 evaluator and who reads its reasons, the
improvement items on My tasks, the drill-log PDF, the digest reminders and the demo drills.

``portal.registry`` reads ``INTEGRATION`` when Django is ready; nothing else in the tree names drills.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.documents import DocumentKind, ReportSection
from drills import demo, evaluators, owed, reminders
from drills.documents import drill_log_context, drill_log_title, evidence_links, report_section_context
from drills.models import CalendarFeedToken, ImprovementItem
from portal.permissions import (
    COUNSELOR,
    DISTRICT_ADMIN,
    DISTRICT_LEADER,
    SCHOOL_ADMIN,
    SCHOOL_STAFF,
    SRO,
    THREAT_TEAM,
)
from portal.registry import ActionDeclaration, DemoStep, FollowUpSource, Integration, NavLink

# Tip triage has nothing in drills; the SRO reads and countersigns, nothing else.
VIEWERS = {DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, SCHOOL_STAFF, COUNSELOR, THREAT_TEAM, SRO}
MANAGERS = {SCHOOL_ADMIN, DISTRICT_ADMIN}
READERS_OF_EXPORTS = {DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN}


def _improvement_item_link(item):
    return reverse("drills:drill-after-action", args=[item.after_action.drill_id])


INTEGRATION = Integration(
    app_label="drills",
    verbs=("sign", "countersign", "export", "download"),
    matrix={
        "drills.drill": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS, "delete": {DISTRICT_ADMIN},
                         "sign": MANAGERS, "countersign": {SRO}, "export": READERS_OF_EXPORTS,
                         "download": READERS_OF_EXPORTS},
        "drills.afteractionreport": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS},
        "drills.improvementitem": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS},
        "drills.drillkind": {"view": VIEWERS, "add": {DISTRICT_ADMIN}, "change": {DISTRICT_ADMIN}},
        "drills.drillrequirement": {"view": VIEWERS, "add": {DISTRICT_ADMIN}, "change": {DISTRICT_ADMIN},
                                    "delete": {DISTRICT_ADMIN}},
        "drills.drillsettings": {"view": {DISTRICT_ADMIN}, "change": {DISTRICT_ADMIN}},
    },
    navigation=[
        NavLink("Actions", _("Drills"), "drills:drill-list", "drills.drill", order=90),
        NavLink("Actions", _("Drill compliance"), "drills:compliance", "drills.drill", order=91),
        NavLink("District", _("Drill requirements"), "drills:drillrequirement-list", "drills.drillrequirement",
                order=70),
        NavLink("District", _("Drill kinds"), "drills:drillkind-list", "drills.drillkind", order=71),
        NavLink("District", _("Drill settings"), "drills:settings", "drills.drillsettings", action="change",
                order=72),
        NavLink("Home", _("Drill calendar feed"), "drills:calendar-feed", "drills.drill", order=80),
    ],
    # Drill statuses are not confidential: every role that reads drills may read why.
    action=ActionDeclaration(9, evaluators.evaluate, reason_roles=VIEWERS),
    followups=[
        FollowUpSource(ImprovementItem, label=_("Drill improvement item"), link=_improvement_item_link,
                       school_path="after_action__drill__school", select_related=("after_action",)),
    ],
    owed_tasks=owed.SOURCES,
    documents=[
        DocumentKind(key="drill_log", label=_("Drill log"), template="drills/documents/drill_log.html",
                     title=drill_log_title, context=drill_log_context, action="add"),
    ],
    # The drills section of the district and school compliance reports, and the evidence links of the
    # school's page (compliance/reports.py, compliance/views.py).
    report_sections=[
        ReportSection(key="drills", action=9, template="drills/documents/_report_section.html",
                      context=report_section_context, evidence=evidence_links),
    ],
    digest=[reminders.digest_lines],
    demo_steps=[DemoStep("drills", demo.add_demo_drills, order=100)],
    # A person's calendar feed address dies with their access and stays dead if they come back.
    on_access_ended=[CalendarFeedToken.revoke_all],
)

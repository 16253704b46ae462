"""Everything threat_mgmt adds to the shared registries, in one place (see drills/integrations.py).

The one action app allowed to import others: ``reporting`` (a case opened from a tip: the tip page shows
the link, registered below). ``mental_health`` (a referral from a safety plan: an intervention of kind
"mental health referral" would create it) and ``social_media`` (a case opened from a reported concern,
like ``views.case_from_tip``) do not exist yet: their links go here, next to the tip's, when they land.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.documents import ReportSection
from portal.owed_tasks import OwedTaskSource
from portal.permissions import DISTRICT_ADMIN, SCHOOL_ADMIN, THREAT_TEAM
from portal.registry import ActionDeclaration, DemoStep, FollowUpSource, Integration, NavLink
from portal.scope import can_anywhere
from reporting.links import register_tip_links

from . import demo, documents, evaluators, reminders
from .models import Case, Intervention

# Cases and their records: the threat_team role alone by the matrix (a school's team, the district threat
# team); the roster adds its other members through the models' extra_scope (see threat_mgmt/models.py).
CASE_WORKERS = {THREAT_TEAM}
# Teams (who is on them, which disciplines are missing) are run by the principal and the district as well.
TEAM_KEEPERS = {DISTRICT_ADMIN, SCHOOL_ADMIN, THREAT_TEAM}
# Counts, never cases: the equity dashboard and the evaluator's reasons (confidential: who works the cases
# and the district admin who answers for the program).
ANALYSTS = {DISTRICT_ADMIN, THREAT_TEAM}

CHILD = {"view": CASE_WORKERS, "add": CASE_WORKERS, "change": CASE_WORKERS}


def _intervention_link(item):
    return reverse("threat_mgmt:case-detail", args=[item.case_id]) + "#plan"


def tip_links(request, tip):
    """On the staff tip page: the cases opened from it the person may see, or the way to open one (one query)."""
    cases = list(Case.objects.for_user(request.user, "view").filter(tip=tip).order_by("pk").values_list("pk",
                                                                                                        flat=True))
    if cases:
        return [(_("Threat assessment case %(n)s") % {"n": pk}, reverse("threat_mgmt:case-detail", args=[pk]))
                for pk in cases]
    if can_anywhere(request.user, "threat_mgmt.case", "add"):
        return [(_("Open a threat assessment case"), reverse("threat_mgmt:case-from-tip", args=[tip.pk]))]
    return []


register_tip_links(tip_links)

INTEGRATION = Integration(
    app_label="threat_mgmt",
    verbs=("sign", "export", "download", "analyze", "destroy"),
    matrix={
        "threat_mgmt.threatsettings": {"view": ANALYSTS, "change": {DISTRICT_ADMIN}, "analyze": ANALYSTS,
                                       "destroy": CASE_WORKERS},
        "threat_mgmt.team": {"view": TEAM_KEEPERS, "add": TEAM_KEEPERS, "change": TEAM_KEEPERS},
        "threat_mgmt.teammember": {"view": TEAM_KEEPERS, "add": TEAM_KEEPERS, "change": TEAM_KEEPERS,
                                   "delete": TEAM_KEEPERS},
        "threat_mgmt.case": {**CHILD, "export": CASE_WORKERS},
        "threat_mgmt.steprecord": CHILD,
        "threat_mgmt.interview": CHILD,
        "threat_mgmt.themenote": CHILD,
        "threat_mgmt.intervention": CHILD,
        "threat_mgmt.checkin": CHILD,
        "threat_mgmt.privatenote": CHILD,
        "threat_mgmt.disclosure": CHILD,
        "threat_mgmt.caseclosure": {**CHILD, "sign": CASE_WORKERS},
        "threat_mgmt.casefile": {"view": CASE_WORKERS, "add": CASE_WORKERS, "download": CASE_WORKERS},
        "threat_mgmt.destructionrecord": {"view": ANALYSTS},
    },
    navigation=[
        NavLink("Actions", _("Threat assessment cases"), "threat_mgmt:case-list", "threat_mgmt.case", order=60),
        NavLink("Actions", _("Threat assessment teams"), "threat_mgmt:team-list", "threat_mgmt.team", order=61),
        NavLink("Actions", _("FERPA disclosure ledger"), "threat_mgmt:disclosure-list", "threat_mgmt.disclosure",
                order=62),
        NavLink("Actions", _("Threat assessment equity"), "threat_mgmt:equity", "threat_mgmt.threatsettings",
                action="analyze", order=63),
        NavLink("Actions", _("Threat record retention"), "threat_mgmt:retention", "threat_mgmt.threatsettings",
                action="destroy", order=64),
        NavLink("District", _("Threat assessment settings"), "threat_mgmt:settings", "threat_mgmt.threatsettings",
                action="change", order=80),
    ],
    # Confidential: who works threat cases and the district admin; never school staff or SROs.
    action=ActionDeclaration(6, evaluators.evaluate, reason_roles=ANALYSTS),
    followups=[FollowUpSource(Intervention, label=_("Threat assessment intervention"), link=_intervention_link,
                              school_path="case__school", select_related=("case",))],
    owed_tasks=[
        OwedTaskSource("threat_mgmt.checkins_due", _("Monitoring check-ins due"), evaluators.checkins_due),
        OwedTaskSource("threat_mgmt.steps_missing", _("Threat assessment steps to record"),
                       evaluators.steps_missing),
    ],
    report_sections=[ReportSection("threat_mgmt", 6, "threat_mgmt/documents/_report_section.html",
                                   documents.report_context, confidential=True)],
    digest=[reminders.digest_lines],
    demo_steps=[DemoStep("threat_mgmt", demo.add_demo_threat, order=160)],
)

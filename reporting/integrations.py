"""Everything reporting adds to the shared registries, in one place (see drills/integrations.py): its rows of
the permission matrix, its pages in the navigation, the action-4 evaluator and who reads its reasons, the
unacknowledged tips on My tasks, digest lines, its section of the compliance report and its demo step.
"""

from django.utils.translation import gettext_lazy as _

from compliance.documents import ReportSection
from portal.owed_tasks import OwedTaskSource
from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, THREAT_TEAM, TIP_TRIAGE
from portal.registry import ActionDeclaration, DemoStep, Integration, NavLink
from reporting import demo, documents, metrics, owed

# Who reads tips. Tip triage (district-wide) works every tip; the threat assessment team works the tips of
# its school (a district-wide team: all of them); the principal of the tip's school reads them too, because
# a tip about their school is theirs to act on (assignment goes to their team). District admins and leaders
# run the tip line (settings, chain, categories, metrics) but do not read the tips themselves: a tip's text
# is confidential and read only by the people who work it. Staff, counselors, SROs and responders: nothing.
TIP_READERS = {TIP_TRIAGE, THREAT_TEAM, SCHOOL_ADMIN}
TIP_WORKERS = {TIP_TRIAGE, THREAT_TEAM}
LINE_MANAGERS = {DISTRICT_ADMIN, TIP_TRIAGE}
METRICS_READERS = {DISTRICT_ADMIN, DISTRICT_LEADER, TIP_TRIAGE}

INTEGRATION = Integration(
    app_label="reporting",
    verbs=("acknowledge", "metrics"),
    matrix={
        # The principal reads and writes internal notes; acknowledging, replying, status and assignment are
        # the triage team's (one voice to the tipster).
        "reporting.tip": {"view": TIP_READERS, "change": TIP_WORKERS, "acknowledge": TIP_READERS,
                          "metrics": METRICS_READERS},
        "reporting.tipmessage": {"view": TIP_READERS, "add": TIP_WORKERS},
        "reporting.tipnote": {"view": TIP_READERS, "add": TIP_READERS},
        "reporting.tipattachment": {"view": TIP_READERS},
        "reporting.tipevent": {"view": TIP_READERS},
        "reporting.tipcategory": {"view": LINE_MANAGERS | TIP_READERS, "add": LINE_MANAGERS,
                                  "change": LINE_MANAGERS},
        "reporting.tiplinesettings": {"view": LINE_MANAGERS, "change": LINE_MANAGERS},
        "reporting.oncallcontact": {"view": LINE_MANAGERS, "add": LINE_MANAGERS, "change": LINE_MANAGERS,
                                    "delete": LINE_MANAGERS},
        "reporting.escalationpage": {"view": LINE_MANAGERS},
    },
    navigation=[
        NavLink("Actions", _("Tips"), "reporting:tip-list", "reporting.tip", order=40),
        NavLink("Actions", _("Tip line metrics"), "reporting:metrics", "reporting.tip", action="metrics", order=41),
        NavLink("District", _("Tip line settings"), "reporting:settings", "reporting.tiplinesettings", order=40),
        NavLink("District", _("On-call chain"), "reporting:contact-list", "reporting.oncallcontact", order=41),
        NavLink("District", _("Tip categories"), "reporting:category-list", "reporting.tipcategory", order=42),
    ],
    # Whether the tip line meets action 4 says nothing about any tip: the people who run the line and the
    # people who work tips read why (not staff, counselors or SROs, to whom tips are not shown).
    action=ActionDeclaration(4, metrics.evaluate, reason_roles=METRICS_READERS | TIP_READERS),
    owed_tasks=[OwedTaskSource("reporting.unacknowledged", _("Tips to acknowledge"), owed.unacknowledged)],
    digest=[owed.digest_lines],
    report_sections=[
        ReportSection(key="reporting", action=4, template="reporting/documents/_report_section.html",
                      context=documents.report_section_context),
    ],
    demo_steps=[DemoStep("reporting", demo.add_demo_tips, order=110)],
)

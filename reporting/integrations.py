"""Everything reporting adds to the shared registries, in one place (see drills/integrations.py): its rows of
the permission matrix, its pages in the navigation, the action-4 evaluator and who reads its reasons, the
unacknowledged tips on My tasks, digest lines, its section of the compliance report and its demo step.
"""

from portal.permissions import DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, THREAT_TEAM, TIP_TRIAGE
from portal.registry import Integration

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
)

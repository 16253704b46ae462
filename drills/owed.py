"""What drills tells My tasks is owed (``Integration.owed_tasks``, see portal/owed_tasks.py): results to
record for a planned drill whose time has passed, logs waiting for a signature, signed logs waiting for
the SRO's countersignature. One query each, through ``for_user`` with the action the work needs, so a
person sees exactly the drills they may act on.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from portal.owed_tasks import OwedTask, OwedTaskSource

from .models import Drill

# Work older than this is not "waiting" any more: it is a compliance gap the dashboard shows.
LOOK_BACK = dt.timedelta(days=365)
# Enough for any one person's queue; My tasks says how many more there are beyond what it shows.
LIMIT = 200


def _drills(user, action):
    since = timezone.now() - LOOK_BACK
    return (Drill.objects.for_user(user, action).current()
            .select_related("school__district", "kind")
            .filter(planned_start__gte=since))


def _when(drill) -> dt.date:
    return drill.local_date(drill.school.district.tz)


def results_due(user, memberships, today):
    """Planned drills whose planned time has passed: record what happened, or cancel them."""
    rows = (_drills(user, "change").filter(status=Drill.Status.PLANNED, planned_start__lt=timezone.now())
            .order_by("planned_start")[:LIMIT])
    return [OwedTask(title=_("Record the results of the %(kind)s planned for %(day)s") % {
                         "kind": drill.kind.name.lower(), "day": _when(drill)},
                     url=reverse("drills:drill-record", args=[drill.pk]), school=drill.school,
                     due_on=_when(drill), detail=_("or cancel it if it did not take place"))
            for drill in rows]


def sign_off_due(user, memberships, today):
    """Completed drills not signed yet: the log counts for the record once the school admin signs it."""
    rows = (_drills(user, "sign").filter(status=Drill.Status.COMPLETED, signed_at__isnull=True)
            .order_by("actual_start")[:LIMIT])
    return [OwedTask(title=_("Sign the log of the %(kind)s of %(day)s") % {
                         "kind": drill.kind.name.lower(), "day": _when(drill)},
                     url=reverse("drills:drill-sign", args=[drill.pk]), school=drill.school)
            for drill in rows]


def countersignature_due(user, memberships, today):
    """Signed logs the school's resource officer has not countersigned."""
    rows = (_drills(user, "countersign").filter(signed_at__isnull=False, countersigned_at__isnull=True)
            .order_by("signed_at")[:LIMIT])
    return [OwedTask(title=_("Countersign the log of the %(kind)s of %(day)s") % {
                         "kind": drill.kind.name.lower(), "day": _when(drill)},
                     url=reverse("drills:drill-countersign", args=[drill.pk]), school=drill.school)
            for drill in rows]


SOURCES = [
    OwedTaskSource("drills.results_due", _l("Drill results to record"), results_due),
    OwedTaskSource("drills.sign_off_due", _l("Drill logs to sign"), sign_off_due),
    OwedTaskSource("drills.countersignature_due", _l("Drill logs to countersign"), countersignature_due),
]

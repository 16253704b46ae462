"""Work the tip line says is owed (My tasks, "Waiting for you") and the digest lines.

Unacknowledged tips are owed by the people who may acknowledge them; a tip the team has not touched for
a week is owed by the person it is assigned to. Each collector runs a fixed number of queries.
"""

import datetime as dt

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import ngettext

from portal.owed_tasks import OwedTask
from portal.reminders import Reminder, digest_lines_from
from reporting.models import Tip


def unacknowledged(user, memberships, today: dt.date):
    """One task: the tips the person may acknowledge that nobody has (life-safety counted apart). One query."""
    from django.db.models import Q
    from django.urls import reverse

    counts = (Tip.objects.for_user(user, "acknowledge").filter(acknowledged_at__isnull=True)
              .exclude(status=Tip.Status.CLOSED)
              .aggregate(n=Count("pk"), urgent=Count("pk", filter=Q(life_safety=True)), oldest=Min("created_at")))
    if not counts["n"]:
        return []
    detail = (ngettext("%(n)d of them is life-safety.", "%(n)d of them are life-safety.", counts["urgent"])
              % {"n": counts["urgent"]}) if counts["urgent"] else ""
    oldest = timezone.localtime(counts["oldest"]).date()
    return [OwedTask(title=ngettext("%(n)d tip to acknowledge", "%(n)d tips to acknowledge", counts["n"])
                     % {"n": counts["n"]},
                     url=reverse("reporting:tip-list") + "?status=new", due_on=oldest, detail=detail)]


def digest_lines(district, local_today: dt.date) -> dict:
    """A daily line for each person assigned open tips: how many (one query)."""
    from django.urls import reverse

    rows = (Tip.objects.filter(district=district, assigned_to__isnull=False, is_test=False)
            .exclude(status=Tip.Status.CLOSED).values("assigned_to_id").annotate(n=Count("pk")))
    link = reverse("reporting:tip-list")
    reminders = [Reminder(recipient_id=row["assigned_to_id"], kind="tips_assigned", subject=f"district:{district.pk}",
                          milestone_date=local_today,
                          text=ngettext("%(n)d open tip is assigned to you.", "%(n)d open tips are assigned to you.",
                                        row["n"]) % {"n": row["n"]}, link=link)
                 for row in rows]
    return digest_lines_from(reminders)



"""Drill reminders, delivered as lines of the daily digest (``portal.notifications``) at the district's hour.

- a drill planned in the next 7 days -> the school's admins, once per planned date (a rescheduled drill
  is reminded again for its new date);
- a requirement at risk (its window closes within 14 days and is short) -> the school's admins, once per
  window;
- an overdue improvement item -> its owner, once per due date; and the school's admins once it is
  7 days overdue;
- a signed log not yet countersigned -> the school's SROs, once.

Each reminder is a key in the ``SentReminder`` ledger (recipient, kind, subject, milestone date). The
provider claims nothing: it returns every candidate line with its key, and ``portal.notifications``
claims the keys in the transaction that writes the person's digest, after winning that digest's own key.
So two passes at once, or a rerun, never send a line twice, and a line's key is held only by the pass
whose digest carries it (a person whose digest is already written keeps the line for tomorrow). Lines
say which school and when, never what the record holds.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.registry import Status
from portal.dates import local_day_bounds, local_midnight
from portal.notifications import DigestLine
from portal.reminders import Reminder, day, digest_lines_from, holders_by_school, url_for
from schools.models import Membership, SchoolYear

from .models import Drill, ImprovementItem

UPCOMING_DAYS = 7
ESCALATE_AFTER_DAYS = 7
COUNTERSIGN_WITHIN_DAYS = 30


# --------------------------------------------------------------------------------------------
# Candidates, in a fixed number of queries per district
# --------------------------------------------------------------------------------------------


def school_admins(district, today) -> dict[int, list[int]]:
    """{school_id: [user ids]} of the district's school admins active today."""
    return holders_by_school(district, today, Membership.Role.SCHOOL_ADMIN)


def upcoming_drills(district, today, admins) -> list[Reminder]:
    tz = district.tz
    start, end = local_day_bounds(today, today + dt.timedelta(days=UPCOMING_DAYS), tz)
    drills = (
        Drill.objects.planned()
        .filter(school__district=district, school__is_active=True, planned_start__gte=start, planned_start__lt=end)
        .order_by()
        .values_list("pk", "school_id", "school__name", "planned_start")
    )
    reminders, link_to = [], url_for("drills:drill-detail")
    for pk, school_id, school_name, planned_start in drills:
        local = timezone.localtime(planned_start, tz)
        text = _("A drill is planned at %(school)s on %(day)s at %(time)s.") % {
            "school": school_name,
            "day": day(local.date()),
            "time": local.strftime("%H:%M"),
        }
        link = link_to(pk)
        reminders += [
            Reminder(user_id, "drills.upcoming", f"drills.drill:{pk}", local.date(), text, link)
            for user_id in admins.get(school_id, ())
        ]
    return reminders


def at_risk_requirements(district, today, admins) -> list[Reminder]:
    from .evaluators import compliance_calendars

    year = SchoolYear.objects.filter(district=district).containing(today).first()
    if year is None:
        return []
    schools = district.schools.filter(is_active=True, pk__in=list(admins))
    reminders, link_to = [], url_for("drills:compliance-school")
    for school_id, calendar in compliance_calendars(schools, year, today).items():
        for row in calendar.rows:
            if row.status != Status.AT_RISK:
                continue
            closing = min(w.window.end for w in row.windows if w.status == Status.AT_RISK)
            text = _("A drill requirement at %(school)s is at risk: its window closes on %(day)s.") % {
                "school": calendar.school.name,
                "day": day(closing),
            }
            link = link_to(school_id) + f"?year={year.pk}"
            subject = f"drills.requirement:{row.requirement.pk}:school:{school_id}"
            reminders += [
                Reminder(user_id, "drills.at_risk", subject, closing, text, link)
                for user_id in admins.get(school_id, ())
            ]
    return reminders


def overdue_items(district, today, admins) -> list[Reminder]:
    items = (
        ImprovementItem.objects.overdue(today)
        .filter(after_action__drill__school__district=district, owner__is_active=True)
        .values_list(
            "pk",
            "owner_id",
            "due_on",
            "after_action__drill_id",
            "after_action__drill__school_id",
            "after_action__drill__school__name",
        )
    )
    reminders, my_tasks, link_to = [], reverse("portal:my-tasks"), url_for("drills:drill-after-action")
    for pk, owner_id, due_on, drill_id, school_id, school_name in items:
        subject = f"drills.improvementitem:{pk}"
        reminders.append(
            Reminder(
                owner_id,
                "drills.followup_overdue",
                subject,
                due_on,
                _("A drill follow-up of yours at %(school)s was due on %(day)s.")
                % {"school": school_name, "day": day(due_on)},
                my_tasks,
            )
        )
        if (today - due_on).days >= ESCALATE_AFTER_DAYS:
            text = _("A drill follow-up at %(school)s is more than %(n)s days overdue (due %(day)s).") % {
                "school": school_name,
                "n": ESCALATE_AFTER_DAYS,
                "day": day(due_on),
            }
            link = link_to(drill_id)
            reminders += [
                Reminder(user_id, "drills.followup_overdue_admin", subject, due_on, text, link)
                for user_id in admins.get(school_id, ())
                if user_id != owner_id
            ]
    return reminders


def awaiting_countersignature(district, today) -> list[Reminder]:
    """Logs signed in the last weeks and not countersigned -> the school's SROs, once per drill."""
    since = local_midnight(today - dt.timedelta(days=COUNTERSIGN_WITHIN_DAYS), district.tz)
    drills = (
        Drill.objects.filter(
            school__district=district, signed_at__gte=since, countersigned_at__isnull=True, corrected_by__isnull=True
        )
        .order_by()
        .values_list("pk", "school_id", "school__name", "signed_at")
    )
    officers = holders_by_school(district, today, Membership.Role.SRO)
    reminders, link_to = [], url_for("drills:drill-detail")
    for pk, school_id, school_name, signed_at in drills:
        signed_on = timezone.localtime(signed_at, district.tz).date()
        text = _("A drill log at %(school)s, signed on %(day)s, awaits your countersignature.") % {
            "school": school_name,
            "day": day(signed_on),
        }
        link = link_to(pk)
        reminders += [
            Reminder(user_id, "drills.countersign", f"drills.drill:{pk}", signed_on, text, link)
            for user_id in officers.get(school_id, ())
        ]
    return reminders


def candidates(district, today) -> list[Reminder]:
    admins = school_admins(district, today)
    return (
        upcoming_drills(district, today, admins)
        + at_risk_requirements(district, today, admins)
        + overdue_items(district, today, admins)
        + awaiting_countersignature(district, today)
    )


def digest_lines(district, today) -> dict[int, list[DigestLine]]:
    """The digest provider: {user_id: [DigestLine with its ledger key]}; the digest writer claims the keys."""
    return digest_lines_from(candidates(district, today))

"""Workflows of the drills app: each one saves, audits and (where someone must hear of it) notifies, in one
transaction. Views call these; they never write drills themselves. Signing and countersigning are the shared
workflows of ``portal.signed`` (``sign_record``, ``countersign_record``), which its pages call."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.dates import local_day_bounds
from portal.signed import save_correction
from schools.models import AuditEvent

from .models import AfterActionReport, CalendarFeedToken, Drill


def drill_record_results(*, form, by) -> Drill:
    """Save the results form: the drill is completed from now on (and counts toward its requirements)."""
    drill = form.instance
    drill.status = Drill.Status.COMPLETED
    with transaction.atomic():
        drill = form.save()
        audit.record(AuditEvent.Action.UPDATE, actor=by, obj=drill, fields=[*form.changed_data, "status"])
    return drill


def drill_cancel(*, drill: Drill, reason: str, by) -> None:
    with transaction.atomic():
        drill.cancel(reason=reason)
        audit.record(AuditEvent.Action.UPDATE, actor=by, obj=drill, fields=["status", "cancel_reason"])


def drill_correct(*, form, by, request=None) -> Drill:
    """Save a correction form (built on ``original.correction_draft()``) as the new entry replacing it.

    The checks, the save and the audit row are the shared ones (``portal.signed.save_correction``): only a
    signed entry is corrected, and only the latest entry of a chain.
    """
    form.instance.created_by = by
    return save_correction(form=form, by=by, request=request)


def after_action_save(*, drill: Drill, form, by) -> AfterActionReport:
    """Write or update the drill's after-action report (locked once the drill is signed)."""
    if drill.is_locked and form.instance.pk:
        raise ValidationError(_("The drill is signed: its after-action report is locked."))
    report = form.instance
    report.drill = drill
    if report.pk is None:
        report.written_by = by
    report.updated_at = timezone.now()
    with transaction.atomic():
        report = form.save()
        audit.record(
            AuditEvent.Action.UPDATE if form.instance.pk else AuditEvent.Action.CREATE,
            actor=by,
            obj=report,
            fields=form.changed_data,
        )
    return report


def improvement_item_add(*, report: AfterActionReport, form, by):
    """Add an improvement item; its owner hears of it (a link only) unless they added it themselves."""
    from portal.notifications import notification_create

    item = form.instance
    item.after_action = report
    with transaction.atomic():
        item = form.save()
        audit.record(
            AuditEvent.Action.CREATE,
            actor=by,
            obj=item,
            fields=["title", "owner", "due_on"],
            district_id=report.drill.school.district_id,
        )
        if item.owner_id != by.pk:
            notification_create(
                recipient=item.owner,
                kind="drills.item_assigned",
                district=report.drill.school.district,
                subject=_("A drill follow-up was assigned to you"),
                template="drills/item_assigned",
                context={"school_name": report.drill.school.name, "due_on": item.due_on},
                link=reverse("portal:my-tasks"),
            )
    return item


# --------------------------------------------------------------------------------------------
# The iCal feed
# --------------------------------------------------------------------------------------------

FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 400
FEED_EVENT_MINUTES = 30


def feed_owner(secret: str):
    """The live token behind a feed secret and its person, if that person may still read drills.

    Returns ``(token, user)`` for a usable address; ``(token, None)`` for a live address whose person is
    deactivated or holds no active membership (the address is then revoked for good: re-enabling the
    account or a new role does not bring an old address back); ``(None, None)`` for an unknown address.
    """
    token = (
        CalendarFeedToken.objects.live()
        .select_related("user")
        .filter(token_hash=CalendarFeedToken.hash(secret))
        .first()
    )
    if token is None:
        return None, None
    if not token.user.is_active or not token.user.active_memberships():
        CalendarFeedToken.revoke_all(token.user)
        return token, None
    return token, token.user


def feed_refusal_district_id(token):
    """The district a refused fetch belongs to: that of the owner's latest membership (for the audit row)."""
    from schools.models import Membership

    latest = (Membership.objects.filter(user_id=token.user_id).select_related("district", "school")
              .order_by("-starts_on", "-pk").first())
    return latest.home_district.pk if latest else None


def feed_drills(user, *, now=None):
    """Planned drills the person may see today (through their active memberships), near past to a year on."""
    now = now or timezone.now()
    return (
        Drill.objects.for_user(user, "view")
        .planned()
        .filter(
            planned_start__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
            planned_start__lt=now + dt.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("kind", "school")
        .prefetch_related("buildings")
        .order_by("planned_start")
    )


def feed_calendar(drills, *, host: str, base_url: str = "") -> bytes:
    """An iCalendar of the drills: kind, school, buildings, time and a link back to the drill's page.

    Nothing more (drill times are security-sensitive, plan notes stay in the portal, behind sign-in).
    ``base_url`` ("https://portal.example") makes the link absolute.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//School Safety Portal//Drills//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Planned drills"))
    stamp = timezone.now()
    for drill in drills:
        event = Event()
        event.add("uid", f"drill-{drill.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", drill.planned_start)
        event.add("dtend", drill.planned_start + dt.timedelta(minutes=FEED_EVENT_MINUTES))
        event.add(
            "summary",
            _("%(kind)s drill, %(school)s") % {"kind": drill.kind.name, "school": drill.school.name},
        )
        buildings = sorted(b.name for b in drill.buildings.all())
        event.add("location", ", ".join([drill.school.name, *buildings]) if buildings
                  else _("%(school)s (whole campus)") % {"school": drill.school.name})
        link = base_url + reverse("drills:drill-detail", args=[drill.pk])
        event.add("description", _("%(kind)s drill planned at %(school)s. Details and results: %(link)s")
                  % {"kind": drill.kind.name, "school": drill.school.name, "link": link})
        event.add("url", link)
        calendar.add_component(event)
    return calendar.to_ical()


# --------------------------------------------------------------------------------------------
# The year's log (CSV export and the drill-log PDF)
# --------------------------------------------------------------------------------------------

LOG_HEADER = [
    "Entry",
    "Date",
    "Kind",
    "Status",
    "Superseded by",
    "Corrects",
    "Planned for",
    "Started",
    "Ended",
    "Seconds to evacuate or secure",
    "People taking part",
    "Observing agency",
    "Announced",
    "Families told in advance",
    "People given accommodations",
    "Accommodations used",
    "No attacker role-play",
    "Issues found",
    "Signed by",
    "Signed at",
    "Countersigned by",
    "Countersigned at",
    "Countersignature note",
]


def year_log(school, year):
    """Every entry of the school's log in the year (superseded ones too, marked), oldest first."""
    tz = school.district.tz
    start, end = local_day_bounds(year.starts_on, year.ends_on, tz)
    return (
        Drill.objects.filter(school=school)
        .starting_between(start, end)
        .select_related("kind", "observing_agency", "signed_by", "countersigned_by", "corrected_by")
        .order_by("planned_start", "pk")
    )


def log_row(d: Drill, tz):
    def local(value):
        return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""

    superseded_by = d.corrected_by.pk if d.is_superseded else ""
    return [
        d.pk,
        d.local_date(tz),
        d.kind.name,
        d.get_status_display(),
        superseded_by,
        d.corrects_id or "",
        local(d.planned_start),
        local(d.actual_start),
        local(d.actual_end),
        d.evacuation_or_lockdown_seconds,
        d.participant_count,
        d.observing_agency.name if d.observing_agency else "",
        d.announced,
        d.families_notified_in_advance,
        d.accommodations_count,
        d.accommodations_notes,
        d.no_attacker_roleplay_confirmed,
        d.issues_found,
        d.signed_by.display_name if d.signed_by else "",
        local(d.signed_at),
        d.countersigned_by.display_name if d.countersigned_by else "",
        local(d.countersigned_at),
        d.countersign_note,
    ]

"""The tip line's workflows: a tip received, acknowledged, answered, moved on, escalated, erased.

Every write is in one transaction; what leaves the system (emails, webhook calls) is written to an outbox
first and published after commit (``portal.broker.publish``), and the minute sweep (``escalation_sweep``)
does whatever a missing broker or worker left undone. Every function takes ``now=`` for the tests.
"""

import contextlib
import datetime as dt
import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, broker
from portal.notifications import WebhookError, absolute_url, notification_create, webhook_post
from reporting.models import (
    EscalationPage,
    OnCallContact,
    Tip,
    TipAttachment,
    TipEvent,
    TipLineSettings,
    TipMessage,
    TipNote,
    new_passphrase,
    new_tip_code,
)
from schools.models import AuditEvent

logger = logging.getLogger(__name__)

WEBHOOK_MAX_ATTEMPTS = 5
WEBHOOK_LEASE_SECONDS = 60
SWEEP_BATCH = 100


def _event(tip, kind, detail="", *, actor=None, now=None):
    return TipEvent.objects.create(tip=tip, kind=kind, detail=str(detail)[:300], actor=actor,
                                   at=now or timezone.now())


# --------------------------------------------------------------------------------------------
# Receiving a tip
# --------------------------------------------------------------------------------------------


def tip_submit(*, district, category, school=None, what_happened, when_happened="", where_happened="",
               people_involved="", contact_name="", contact_email="", contact_phone="", language="en",
               files=(), is_test=False, now=None) -> tuple[Tip, str]:
    """Store a tip (and its files) and return it with its passphrase, which is stored only hashed.

    The tip is committed before anything else happens; a life-safety tip's first escalation is published
    after commit and, if the broker is down, the sweep sends it within a minute.
    """
    now = now or timezone.now()
    passphrase = new_passphrase()
    for attempt in range(3):
        try:
            tip = _store_tip(district=district, category=category, school=school, what_happened=what_happened,
                             when_happened=when_happened, where_happened=where_happened,
                             people_involved=people_involved, contact_name=contact_name,
                             contact_email=contact_email, contact_phone=contact_phone, language=language,
                             files=files, is_test=is_test, passphrase=passphrase, now=now)
        except IntegrityError as exc:
            # Two tips drew the same code (50 random bits: practically never): draw again.
            if attempt == 2 or "code" not in str(exc):
                raise
            continue
        return tip, passphrase
    raise AssertionError("unreachable")


def _store_tip(*, district, category, school, what_happened, when_happened, where_happened, people_involved,
               contact_name, contact_email, contact_phone, language, files, is_test, passphrase, now) -> Tip:
    """One transaction: the tip, its files, and (life safety) its escalation published after commit. The
    tip's "received" line of the activity log is its own ``created_at`` (one insert less per tip). Without
    files the tip is one INSERT, atomic by itself: no BEGIN/COMMIT round trips (``on_commit`` then runs once
    the INSERT has committed, or at the end of the caller's transaction)."""
    with transaction.atomic() if files else contextlib.nullcontext():
        tip = Tip(district=district, school=school, category=category, what_happened=what_happened,
                  when_happened=when_happened, where_happened=where_happened, people_involved=people_involved,
                  contact_name=contact_name, contact_email=contact_email, contact_phone=contact_phone,
                  language=language, code=new_tip_code(), life_safety=category.life_safety, is_test=is_test,
                  created_at=now, next_escalation_at=now if category.life_safety else None)
        tip.set_passphrase(passphrase)
        tip.save(force_insert=True)
        for upload in files:
            TipAttachment.objects.create(tip=tip, file=upload, original_name=str(upload.name)[:200], created_at=now)
        if tip.life_safety:
            transaction.on_commit(partial(enqueue_escalation, tip.pk))
    return tip


def enqueue_escalation(tip_id: int) -> bool:
    return broker.publish("reporting.tasks.tip_escalate", (tip_id,), what=f"the escalation of tip {tip_id}")


def enqueue_page(page_id: int) -> bool:
    return broker.publish("reporting.tasks.page_deliver", (page_id,), what=f"escalation notice {page_id}")


# --------------------------------------------------------------------------------------------
# Escalation
# --------------------------------------------------------------------------------------------


def chain_levels(district) -> dict[int, list[OnCallContact]]:
    levels: dict[int, list[OnCallContact]] = {}
    for contact in OnCallContact.objects.filter(district=district, active=True).select_related("person"):
        levels.setdefault(contact.level, []).append(contact)
    return dict(sorted(levels.items()))


def tip_escalate(tip_id: int, *, now=None) -> int:
    """Notify the next step of the chain if the tip's escalation is due; returns the notices written.

    Step 1 is level 1, step 2 the next level, and so on; after the last level every contact of the chain
    is notified again at each step, until someone acknowledges. One transaction with the tip's row
    locked, so the task and the sweep never notify the same step twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        tip = (Tip.objects.select_for_update(of=("self",)).select_related("district")
               .filter(pk=tip_id).first())
        if tip is None or tip.next_escalation_at is None or tip.next_escalation_at > now:
            return 0
        if tip.acknowledged_at is not None or tip.status == Tip.Status.CLOSED:
            Tip.objects.filter(pk=tip.pk).update(next_escalation_at=None)
            return 0
        line = TipLineSettings.for_district(tip.district)
        levels = chain_levels(tip.district)
        step = tip.escalation_level + 1
        ordered = list(levels)
        if not ordered:
            contacts, level_label = [], None
        elif step <= len(ordered):
            level_label = ordered[step - 1]
            contacts = levels[level_label]
        else:
            level_label = None
            contacts = [c for group in levels.values() for c in group]
        pages = []
        for contact in contacts:
            channels = ([EscalationPage.Channel.EMAIL] if contact.person_id else []) + (
                [EscalationPage.Channel.WEBHOOK] if contact.webhook_url else [])
            for channel in channels:
                page, created = EscalationPage.objects.get_or_create(
                    tip=tip, contact=contact, level=step, channel=channel,
                    defaults={"created_at": now, "next_attempt_at": now})
                if not created:
                    continue
                pages.append(page)
                if channel == EscalationPage.Channel.EMAIL:
                    # Handed to the outbox, which sends, retries and reports it.
                    _email_contact(tip, contact, step, now)
                    page.status, page.sent_at = EscalationPage.Status.SENT, now
                    page.save(update_fields=["status", "sent_at"])
        Tip.objects.filter(pk=tip.pk).update(
            escalation_level=step, next_escalation_at=now + dt.timedelta(minutes=line.escalation_minutes))
        if contacts:
            what = (_("Level %(level)s notified") % {"level": level_label} if level_label is not None
                    else _("Whole chain notified again (nobody has acknowledged)"))
        else:
            what = _("No on-call contact to notify: set up the chain")
        _event(tip, "escalated", what, now=now)
        for page in pages:
            if page.channel == EscalationPage.Channel.WEBHOOK:
                transaction.on_commit(partial(enqueue_page, page.pk))
    return len(pages)


def _tip_link(tip) -> str:
    return reverse("reporting:tip-detail", args=[tip.pk])


def _email_contact(tip, contact, step, now):
    if tip.is_test:
        subject = _("TEST of the tip line's on-call chain: please acknowledge")
    else:
        subject = _("Life-safety tip: acknowledge it now")
    notification_create(recipient=contact.person, kind="tip_escalation", subject=subject, template="notice",
                        context={"headline": _("A life-safety tip needs someone to acknowledge it (notice %(step)s)."
                                               ) % {"step": step}},
                        link=_tip_link(tip), district=tip.district, now=now)


def page_deliver(page_id: int, *, now=None) -> bool:
    """Claim one webhook notice and call the gateway; True when this call delivered it."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=WEBHOOK_LEASE_SECONDS)
    claimable = (Q(status=EscalationPage.Status.PENDING) |
                 Q(status=EscalationPage.Status.SENDING, lease_until__lt=now)) & Q(next_attempt_at__lte=now)
    if EscalationPage.objects.filter(claimable, pk=page_id,
                                     channel=EscalationPage.Channel.WEBHOOK).update(
            status=EscalationPage.Status.SENDING, lease_until=lease) != 1:
        return False
    page = EscalationPage.objects.select_related("tip__district", "contact").get(pk=page_id)
    ours = EscalationPage.objects.filter(pk=page_id, status=EscalationPage.Status.SENDING, lease_until=lease)
    contact = page.contact
    line = TipLineSettings.for_district(page.tip.district)
    try:
        if contact is None or not contact.webhook_url:
            raise WebhookError(_("The contact has no webhook address any more."))
        webhook_post(contact.webhook_url, secret=line.webhook_secret, now=now, payload={
            "event": "tip.test" if page.tip.is_test else "tip.life_safety",
            "link": absolute_url(_tip_link(page.tip)), "notice": page.level, "sent_at": now.isoformat(),
            "text": str(_("Life-safety tip: open the link and acknowledge it.")),
        })
    except WebhookError as exc:
        attempts = page.attempts + 1
        failed = attempts >= WEBHOOK_MAX_ATTEMPTS
        logger.warning("Escalation notice %s webhook failed (attempt %s): %s", page_id, attempts, exc)
        ours.update(status=EscalationPage.Status.FAILED if failed else EscalationPage.Status.PENDING,
                    attempts=attempts, lease_until=None, last_error=str(exc)[:300],
                    next_attempt_at=now + dt.timedelta(seconds=30 * 2 ** (attempts - 1)))
        return False
    ours.update(status=EscalationPage.Status.SENT, attempts=page.attempts + 1, lease_until=None, sent_at=now)
    return True


def escalation_sweep(*, now=None) -> int:
    """Every minute: escalations that are due (the task was lost, or the next level's time came) and
    webhook notices still to send. Returns the notices written or delivered."""
    now = now or timezone.now()
    done = 0
    due = list(Tip.objects.filter(next_escalation_at__lte=now).order_by("next_escalation_at")
               .values_list("pk", flat=True)[:SWEEP_BATCH])
    for tip_id in due:
        try:
            done += tip_escalate(tip_id, now=now)
        except Exception:
            logger.exception("Escalation of tip %s failed", tip_id)
    claimable = (Q(status=EscalationPage.Status.PENDING) |
                 Q(status=EscalationPage.Status.SENDING, lease_until__lt=now)) & Q(next_attempt_at__lte=now)
    pages = list(EscalationPage.objects.filter(claimable, channel=EscalationPage.Channel.WEBHOOK)
                 .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    for page_id in pages:
        done += page_deliver(page_id, now=now)
    return done


def chain_test(*, district, by, now=None) -> Tip:
    """Send a marked test tip through the chain (a life-safety category, is_test); acknowledging it
    records the test as successful on the settings page."""
    from reporting.models import TipCategory

    category = (TipCategory.objects.filter(district=district, life_safety=True).order_by("-active", "order")
                .first())
    if category is None:
        raise ValueError(_("The district has no life-safety category to test with."))
    tip, _passphrase = tip_submit(
        district=district, category=category, is_test=True, now=now,
        what_happened=str(_("TEST: this is a test of the on-call chain, sent by %(name)s. Acknowledge it; "
                            "nothing else needs doing.") % {"name": by.get_short_name()}))
    _event(tip, "test", _("Test tip sent through the chain by %(name)s") % {"name": by.get_short_name()},
           actor=by, now=now)
    audit.record(AuditEvent.Action.CREATE, actor=by, obj=tip, note="chain test", district_id=district.pk)
    return tip


# --------------------------------------------------------------------------------------------
# Staff work on a tip
# --------------------------------------------------------------------------------------------


def tip_acknowledge(tip, *, by, now=None) -> bool:
    """The first acknowledgement stops the escalation; a test tip's marks the chain as tested."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Tip.objects.filter(pk=tip.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by, next_escalation_at=None)
        if not changed:
            return False
        Tip.objects.filter(pk=tip.pk, status=Tip.Status.NEW).update(status=Tip.Status.ACKNOWLEDGED)
        _event(tip, "acknowledged", _("Acknowledged"), actor=by, now=now)
        if tip.is_test:
            TipLineSettings.objects.filter(district_id=tip.district_id).update(last_test_at=now)
        audit.record(AuditEvent.Action.UPDATE, actor=by, obj=tip, fields=["acknowledged_at"],
                     district_id=tip.district_id)
    tip.refresh_from_db()
    return True


def tip_reply(tip, *, by, body, now=None) -> TipMessage:
    """A message to the tipster (they see it with their code); replying acknowledges the tip."""
    now = now or timezone.now()
    with transaction.atomic():
        if tip.acknowledged_at is None:
            tip_acknowledge(tip, by=by, now=now)
        message = TipMessage.objects.create(tip=tip, sender=TipMessage.Sender.TEAM, author=by, body=body,
                                            created_at=now)
        Tip.objects.filter(pk=tip.pk).update(staff_replied_at=now)
        _event(tip, "replied", _("Message sent to the tipster"), actor=by, now=now)
        audit.record(AuditEvent.Action.CREATE, actor=by, obj=message, district_id=tip.district_id)
    return message


def tip_note(tip, *, by, body, now=None) -> TipNote:
    now = now or timezone.now()
    with transaction.atomic():
        note = TipNote.objects.create(tip=tip, author=by, body=body, created_at=now)
        _event(tip, "note", _("Internal note added"), actor=by, now=now)
        audit.record(AuditEvent.Action.CREATE, actor=by, obj=note, district_id=tip.district_id)
    return note


def tip_update(tip, *, by, status, outcome="", assigned_to=None, now=None) -> list[str]:
    """Status, outcome and assignment from the triage form; returns the names of the fields changed."""
    now = now or timezone.now()
    changed = []
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if status != tip.status:
            _event(tip, "status", _("Status: %(old)s → %(new)s") % {
                "old": tip.get_status_display(), "new": Tip.Status(status).label}, actor=by, now=now)
            tip.status = status
            changed.append("status")
            if status != Tip.Status.NEW and tip.acknowledged_at is None:
                tip.acknowledged_at, tip.acknowledged_by, tip.next_escalation_at = now, by, None
                changed.append("acknowledged_at")
        outcome = outcome if status == Tip.Status.CLOSED else ""
        if outcome != tip.outcome:
            tip.outcome = outcome
            changed.append("outcome")
            if outcome:
                _event(tip, "outcome", _("Outcome: %(outcome)s") % {"outcome": Tip.Outcome(outcome).label},
                       actor=by, now=now)
        tip.closed_at = (tip.closed_at or now) if status == Tip.Status.CLOSED else None
        if status == Tip.Status.CLOSED:
            tip.next_escalation_at = None
        if (assigned_to.pk if assigned_to else None) != tip.assigned_to_id:
            tip.assigned_to = assigned_to
            changed.append("assigned_to")
            _event(tip, "assigned", _("Assigned to %(name)s") % {"name": assigned_to.get_short_name()}
                   if assigned_to else _("Assignment removed"), actor=by, now=now)
            if assigned_to is not None and assigned_to.pk != by.pk:
                notification_create(recipient=assigned_to, kind="tip_assigned", subject=_("A tip was assigned to you"),
                                    template="notice", context={"headline": _("A tip was assigned to you.")},
                                    link=_tip_link(tip), district=tip.district, now=now)
        tip.save()
        if changed:
            audit.record(AuditEvent.Action.UPDATE, actor=by, obj=tip, fields=changed, district_id=tip.district_id)
    return changed


# --------------------------------------------------------------------------------------------
# The tipster's side
# --------------------------------------------------------------------------------------------


def tipster_add(tip, *, body, files=(), now=None) -> TipMessage:
    """More information from the tipster (a message, files); whoever works the tip hears of it."""
    now = now or timezone.now()
    with transaction.atomic():
        message = TipMessage.objects.create(tip=tip, sender=TipMessage.Sender.TIPSTER, body=body, created_at=now)
        for upload in files:
            TipAttachment.objects.create(tip=tip, file=upload, original_name=str(upload.name)[:200], created_at=now)
        Tip.objects.filter(pk=tip.pk).update(tipster_replied_at=now)
        _event(tip, "tipster", _("The tipster added information"), now=now)
        recipient = tip.assigned_to or tip.acknowledged_by
        if recipient is not None:
            notification_create(recipient=recipient, kind="tip_tipster_reply",
                                subject=_("The tipster added information to a tip"), template="notice",
                                context={"headline": _("The tipster added information to a tip you work on.")},
                                link=_tip_link(tip), district=tip.district, now=now)
    return message


# --------------------------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------------------------


def retention_purge(*, now=None) -> int:
    """Erase closed tips older than their district's period: text, contact details, messages, notes and
    files go; the row stays with its category, dates, status and outcome, so the yearly counts hold.
    One audit entry per district. Returns the tips erased."""
    now = now or timezone.now()
    erased = 0
    for line in TipLineSettings.objects.select_related("district"):
        cutoff = now - dt.timedelta(days=365 * line.retention_years)
        with transaction.atomic():
            ids = list(Tip.objects.filter(district=line.district, status=Tip.Status.CLOSED, closed_at__lt=cutoff,
                                          anonymized_at__isnull=True).values_list("pk", flat=True)[:1000])
            if not ids:
                continue
            for attachment in TipAttachment.objects.filter(tip_id__in=ids):
                attachment.file.delete(save=False)
            TipAttachment.objects.filter(tip_id__in=ids).delete()
            TipMessage.objects.filter(tip_id__in=ids).delete()
            TipNote.objects.filter(tip_id__in=ids).delete()
            TipEvent.objects.filter(tip_id__in=ids).exclude(kind__in=["received", "acknowledged"]).delete()
            Tip.objects.filter(pk__in=ids).update(
                what_happened="", when_happened="", where_happened="", people_involved="", contact_name="",
                contact_email="", contact_phone="", passphrase_hash="", anonymized_at=now)
            audit.record(AuditEvent.Action.DELETE, object_type="reporting.tip", district_id=line.district_id,
                         actor_label="retention", fields=["what_happened", "messages", "notes", "attachments"],
                         note=f"{len(ids)} closed tips erased after {line.retention_years} years")
            erased += len(ids)
    return erased

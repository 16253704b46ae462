"""Workflows of threat assessment cases that cross records or have side effects, each in one transaction
and audited: opening a case (from a tip too), recording a step, scheduling check-ins, closing (the signed
closure closes the case), the case file PDF, the legal hold and the retention schedule's destruction."""

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, broker
from portal.signed import sign_record
from schools.models import AuditEvent, SentReminder

from .models import Case, CaseClosure, CaseFile, CheckIn, DestructionRecord, StepRecord, ThreatSettings

logger = logging.getLogger(__name__)


def step_record(*, case: Case, step: str, done_on, notes: str, by, request=None) -> StepRecord:
    """Record (or re-date) one step of the model on a case."""
    with transaction.atomic():
        record, created = StepRecord.objects.update_or_create(
            case=case, step=step, defaults={"done_on": done_on, "notes": notes, "recorded_by": by})
        audit.record(AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, actor=by, obj=record,
                     fields=["step", "done_on", "notes"], request=request)
    return record


def checkins_schedule(*, case: Case, first_on: dt.date, every_days: int, count: int, by, request=None) -> list:
    """Add ``count`` check-ins every ``every_days`` from ``first_on`` (days already scheduled are skipped)."""
    days = [first_on + dt.timedelta(days=every_days * i) for i in range(count)]
    with transaction.atomic():
        taken = set(case.checkins.filter(due_on__in=days).values_list("due_on", flat=True))
        rows = CheckIn.objects.bulk_create([CheckIn(case=case, due_on=d) for d in days if d not in taken])
        if case.status == Case.Status.OPEN:
            Case.objects.filter(pk=case.pk).update(status=Case.Status.MONITORING)
        audit.record(AuditEvent.Action.CREATE, actor=by, obj=case, fields=["checkins"], request=request,
                     note=f"{len(rows)} check-ins scheduled")
    return rows


def closure_sign(closure: CaseClosure, *, by, request=None) -> None:
    """Sign the closure (refused while a required step is missing) and close the case with it."""
    with transaction.atomic():
        sign_record(closure, by=by, request=request)
        Case.objects.filter(pk=closure.case_id).update(status=Case.Status.CLOSED, closed_on=closure.closed_on)
        audit.record(AuditEvent.Action.UPDATE, actor=by, obj=closure.case, fields=["status", "closed_on"],
                     note="closed", request=request)


def legal_hold_set(*, case: Case, hold: bool, reason: str, by, request=None) -> None:
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(legal_hold=hold, legal_hold_reason=reason if hold else "")
        audit.record(AuditEvent.Action.UPDATE, actor=by, obj=case, fields=["legal_hold", "legal_hold_reason"],
                     note="legal hold on" if hold else "legal hold lifted", request=request)


def reminder_subject(case_id: int) -> str:
    """The reminder ledger's subject of every digest line about a case (destruction removes them)."""
    return f"threat_mgmt.case:{case_id}"


REQUEUE_AFTER = dt.timedelta(minutes=2)


def case_file_request(*, case: Case, by, request=None) -> CaseFile:
    """Queue the case file PDF (rendered by the worker after commit); audited as an export."""
    # A request whose message was lost (the broker down) is published again with the new one.
    stale = list(CaseFile.objects.filter(case=case, status=CaseFile.Status.QUEUED,
                                         requested_at__lt=timezone.now() - REQUEUE_AFTER).values_list("pk", flat=True))
    for pk in stale:
        transaction.on_commit(partial(broker.publish, "threat_mgmt.case_file_render", (pk,),
                                      what=f"the render of case file {pk}"))
    with transaction.atomic():
        case_file = CaseFile.objects.create(case=case, requested_by=by)
        audit.record(AuditEvent.Action.EXPORT, actor=by, obj=case, fields=["case_file"], note="case file requested",
                     request=request)
        transaction.on_commit(partial(broker.publish, "threat_mgmt.case_file_render", (case_file.pk,),
                                      what=f"the render of case file {case_file.pk}"))
    return case_file


def case_file_render(*, case_file_id: int) -> CaseFile | None:
    """Claim and render one queued case file; None when someone else has it (or it is gone)."""
    from compliance import pdf

    from .documents import case_file_context

    claimed = CaseFile.objects.filter(pk=case_file_id, status=CaseFile.Status.QUEUED).update(
        status=CaseFile.Status.RENDERING)
    if not claimed:
        return None
    case_file = CaseFile.objects.select_related("case__school__district").get(pk=case_file_id)
    try:
        with timezone.override(case_file.case.school.district.tz):
            content = pdf.render_pdf("threat_mgmt/documents/case_file.html", case_file_context(case_file))
        name = f"case-{case_file.case_id}-{case_file.pk}.pdf"
        case_file.file.save(name, ContentFile(content), save=False)
        CaseFile.objects.filter(pk=case_file_id).update(status=CaseFile.Status.READY, file=case_file.file.name,
                                                        finished_at=timezone.now())
    except Exception:
        logger.exception("Case file %s could not be rendered", case_file_id)
        CaseFile.objects.filter(pk=case_file_id).update(
            status=CaseFile.Status.FAILED, finished_at=timezone.now(),
            error=_("The case file could not be prepared. Ask for it again."))
    case_file.refresh_from_db()
    return case_file


# --------------------------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------------------------


def due_for_destruction(cases, settings_row: ThreatSettings, today: dt.date):
    """The closed cases, not under legal hold, whose retention period ended by ``today``."""
    years = settings_row.retention_years
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:
        cutoff = today.replace(year=today.year - years, day=28)
    return cases.filter(status=Case.Status.CLOSED, legal_hold=False, closed_on__lte=cutoff)


def case_destroy(*, case: Case, by, request=None) -> DestructionRecord:
    """Destroy a case past its retention period with every copy of it, and record what was destroyed.

    Removes the case, its steps, interviews, themes, interventions, check-ins, private notes, disclosures,
    its signed closure, its generated case files (rows and files) and the reminder-ledger rows naming it;
    the audit log keeps only ids and field names (never content) and stays. Refused under legal hold or
    before the retention period ends.
    """
    district = case.school.district
    settings_row = ThreatSettings.for_district(district)
    today = district.local_today()
    if case.legal_hold:
        raise ValidationError(_("This case is under legal hold and cannot be destroyed."))
    if not due_for_destruction(Case.objects.filter(pk=case.pk), settings_row, today).exists():
        raise ValidationError(_("This case's retention period has not ended."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        documents = [f.file for f in CaseFile.objects.filter(case=case) if f.file]
        removed = {
            "steps": case.step_records.count(), "interviews": case.interviews.count(),
            "themes": case.themes.count(), "interventions": case.interventions.count(),
            "checkins": case.checkins.count(), "private_notes": case.private_notes.count(),
            "disclosures": case.disclosures.count(), "case_files": len(documents),
            "closure": CaseClosure.objects.filter(case=case).count(),
        }
        removed["reminders"] = SentReminder.objects.filter(subject=reminder_subject(case.pk)).delete()[0]
        for stored in documents:
            transaction.on_commit(lambda f=stored: f.delete(save=False))
        CaseFile.objects.filter(case=case).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the one door of the closure's lock, for this transaction
                cursor.execute("SET LOCAL threat_mgmt.destroying = 'on'")
        models.QuerySet.delete(CaseClosure.objects.filter(case=case))
        record = DestructionRecord.objects.create(
            district=district, school=case.school, case_number=case.pk, referred_on=case.referred_on,
            closed_on=case.closed_on, rule=settings_row.rule_text()[:300], removed=removed,
            destroyed_at=timezone.now(), destroyed_by=by)
        case_pk = case.pk
        case.extra_members.all().delete()
        models.Model.delete(case)
        audit.record(AuditEvent.Action.DELETE, actor=by, object_type="threat_mgmt.case", object_id=str(case_pk),
                     district_id=district.pk, note="destroyed under the retention schedule", request=request)
    return record

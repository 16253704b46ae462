"""Workflows of generated documents: request, render (in the worker), retry, and the stuck-render sweep.

The row is written first and the render enqueued after commit; if Redis is down the row stays queued
and ``document_sweep`` enqueues it again later. A render claims its row with a conditional UPDATE
(queued -> rendering), so a duplicate message, a retry and the sweep never render one document twice.

A worker that dies mid-render: the render task is ``acks_late`` with ``reject_on_worker_lost``, so its
message goes back to the queue; the redelivered message finds the row "rendering" (claimed by the dead
worker) and does nothing: the claim never takes a row from another attempt, whose worker may be alive
(on another host, still within its time limit). ``document_sweep`` takes the row back once it has been
"rendering" for ``STUCK_AFTER`` (past the hard time limit, so no live attempt can still hold it): queued
and rendered again while it has had fewer than ``MAX_RENDER_ATTEMPTS`` attempts (a scheduled report has
nobody watching it), failed after that, and the person retries it. A message whose worker died *before*
the claim is rendered normally on redelivery. Either way the one row is rendered again: never a second
document, never one left "rendering".
"""

import datetime as dt
import logging
import os
import socket
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import audit, broker, permissions
from portal.scope import active_memberships_for
from schools.models import AuditEvent, School

from . import documents
from .models import GeneratedDocument

logger = logging.getLogger(__name__)

Status = GeneratedDocument.Status

# The render task's limits (seconds). A render still "rendering" well past the hard limit was killed
# with its worker: the sweep marks it failed so the person can retry.
# A 100-school district report takes about 30 s of CPU (scripts/bench_report.py); the limits leave room
# for a district five times larger on a busy worker.
RENDER_SOFT_TIME_LIMIT = 300
RENDER_TIME_LIMIT = 330
STUCK_AFTER = dt.timedelta(seconds=RENDER_TIME_LIMIT + 60)
# A render stuck past STUCK_AFTER is queued again by the sweep while it has had fewer attempts than this.
MAX_RENDER_ATTEMPTS = 2
# A document still queued this long after it was queued lost its message (Redis down): enqueue it again.
REQUEUE_AFTER = dt.timedelta(minutes=2)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def may_request(user, kind: documents.DocumentKind, *, school=None, district=None) -> bool:
    """Whether the person holds, today, a role allowed the kind's action at that school (or district-wide)."""
    roles = permissions.roles_for("compliance.generateddocument", kind.action)
    for m in active_memberships_for(user):
        if m.role not in roles:
            continue
        if school is not None and (m.school_id == school.pk or m.district_id == school.district_id):
            return True
        if school is None and district is not None and m.district_id == district.pk:
            return True
    return False


def enqueue_render(document_id: int) -> None:
    """Enqueue the render after commit; a broker failure is logged (the sweep enqueues it later).

    Through ``portal.broker.publish``: after one broker failure this process publishes nothing for
    ``ENQUEUE_PAUSE_SECONDS``, so a PDF request while Redis hangs costs the socket timeout once, not each
    time. By name: compliance/tasks.py imports this module.
    """
    transaction.on_commit(partial(broker.publish, "compliance.document_render", (document_id,),
                                  what=f"the render of document {document_id}"))


def document_language(language: str | None = None) -> str:
    """One of settings.LANGUAGES: the one asked for, else the active one (the requester's), else English."""
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, translation.get_language()):
        if not candidate:
            continue
        try:
            code = translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
        if code in known:
            return code
    return "en"


def document_request(*, kind: str, school=None, district, school_year=None, by, language: str | None = None,
                     schedule=None) -> GeneratedDocument:
    """Record a request for a document and enqueue its render (in ``language``, default the active one)."""
    spec = documents.get(kind)
    errors = {}
    if spec.needs_school and school is None:
        errors["school"] = _("Choose the school this document is about.")
    if school is not None and school.district_id != district.pk:
        errors["school"] = _("The school belongs to another district.")
    if school_year is not None and school_year.district_id != district.pk:
        errors["school_year"] = _("The school year belongs to another district.")
    if errors:
        raise ValidationError(errors)
    if not may_request(by, spec, school=school, district=district):
        raise PermissionDenied(_("Your role does not allow requesting this document here."))
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            kind=spec.key, district=district, school=school, school_year=school_year,
            title=_title(spec, school, school_year, document_language(language)), requested_by=by,
            language=document_language(language), schedule=schedule,
        )
        audit.record(AuditEvent.Action.CREATE, actor=by, obj=document,
                     fields=["kind", "school", "school_year"])
        enqueue_render(document.pk)
    return document


def _title(spec, school, school_year, language) -> str:
    with translation.override(language):
        return str(spec.title(school, school_year))[:200]


def document_retry(*, document: GeneratedDocument, by) -> bool:
    """Queue a failed document again; False if it was not failed (already retried, or rendering)."""
    with transaction.atomic():
        updated = GeneratedDocument.objects.filter(pk=document.pk, status=Status.FAILED).update(
            status=Status.QUEUED, progress=0, error="", queued_at=timezone.now(), started_at=None,
            finished_at=None)
        if updated:
            audit.record(AuditEvent.Action.UPDATE, actor=by, obj=document, fields=["status"], note="retry")
            enqueue_render(document.pk)
    return bool(updated)


def _progress(document_id, value):
    GeneratedDocument.objects.filter(pk=document_id, status=Status.RENDERING).update(progress=value)


def _fail(document_id, message):
    GeneratedDocument.objects.filter(pk=document_id, status=Status.RENDERING).update(
        status=Status.FAILED, error=message[:500], finished_at=timezone.now())


def file_name_for(document: GeneratedDocument) -> str:
    return f"{slugify(document.title)[:80] or 'document'}-{document.pk}.pdf"


def document_render(*, document_id: int, worker: str = "") -> GeneratedDocument | None:
    """Claim and render one queued document; returns it, or None when someone else has it (or it is gone)."""
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RENDERING, started_at=timezone.now(), progress=5, attempts=F("attempts") + 1,
        rendered_by=worker[:100], error="")
    if not claimed:
        logger.info("Document %s is not queued (already taken, done or deleted); nothing to do", document_id)
        return None
    document = GeneratedDocument.objects.select_related("school__district", "district", "school_year").get(
        pk=document_id)
    from . import pdf  # WeasyPrint is loaded by the worker only, not by every web process

    try:
        spec = documents.get(document.kind)
        with timezone.override(document.district.tz), translation.override(document.language or "en"):
            context = spec.context(document)
            _progress(document_id, 40)
            content = pdf.render_pdf(spec.template, context)
        _progress(document_id, 80)
        document.file.save(file_name_for(document), ContentFile(content), save=False)
        with transaction.atomic():
            done = GeneratedDocument.objects.filter(pk=document_id, status=Status.RENDERING).update(
                status=Status.READY, progress=100, file=document.file.name, finished_at=timezone.now(),
                reason_actions=context.get("reason_actions", []))
            if done:
                notify_ready(document)
        if not done:  # the sweep gave up on it meanwhile: keep its verdict, drop the late file
            document.file.delete(save=False)
    except SoftTimeLimitExceeded:
        logger.warning("Render of document %s hit its time limit", document_id)
        _fail(document_id, _("Rendering took too long and was stopped. Try again; if it fails again, "
                             "tell your district administrator."))
    except Exception:
        logger.exception("Render of document %s failed", document_id)
        _fail(document_id, _("The document could not be rendered. Try again; if it fails again, "
                             "tell your district administrator."))
    document.refresh_from_db()
    return document


def notify_ready(document: GeneratedDocument) -> None:
    """Email the requester a link (never the file) through the outbox, in the document's language.

    Written in the transaction that marks the document ready; an error writing it is logged and never
    undoes the document (a failed send is the outbox's to retry, on the "Undelivered emails" page).
    """
    from portal import notifications

    try:
        with transaction.atomic(), translation.override(document.language or "en"):
            notifications.notification_create(
                recipient=document.requested_by, kind="compliance.document_ready",
                subject=_("Ready: %(title)s") % {"title": document.title}, template="notice",
                context={"headline": _("The document you asked for is ready: %(title)s.") % {"title": document.title}},
                link=reverse("compliance:document-detail", args=[document.pk]), district=document.district)
    except Exception:
        logger.exception("Could not write the ready email of document %s; the document is kept", document.pk)


def document_sweep(*, now=None) -> dict:
    """Fail renders stuck past their time limit; enqueue again documents whose message was lost."""
    now = now or timezone.now()
    stuck = GeneratedDocument.objects.filter(status=Status.RENDERING, started_at__lt=now - STUCK_AFTER)
    # Killed mid-render (the worker died or was restarted): once more from the queue, then failed.
    retried = list(stuck.filter(attempts__lt=MAX_RENDER_ATTEMPTS).values_list("pk", flat=True)[:500])
    if retried:
        GeneratedDocument.objects.filter(pk__in=retried, status=Status.RENDERING).update(
            status=Status.QUEUED, progress=0, queued_at=now, started_at=None, rendered_by="")
    failed = stuck.update(
        status=Status.FAILED, finished_at=now,
        error=_("Rendering stopped without finishing (the worker may have restarted). Try again."))
    for pk in retried:
        enqueue_render(pk)
    stale = list(GeneratedDocument.objects.filter(status=Status.QUEUED, queued_at__lt=now - REQUEUE_AFTER)
                 .values_list("pk", flat=True)[:500])
    if stale:  # counted from now, so a long backlog is not enqueued again at every sweep
        GeneratedDocument.objects.filter(pk__in=stale, status=Status.QUEUED).update(queued_at=now)
    for pk in stale:
        enqueue_render(pk)
    if failed or stale or retried:
        logger.info("Document sweep: %s stuck renders queued again, %s failed, %s queued documents enqueued again",
                    len(retried), failed, len(stale))
    return {"failed": failed, "requeued": len(stale), "retried": len(retried)}


def schools_for_request(user, kind: documents.DocumentKind):
    """Schools where the person may request this kind of document."""
    from portal.crud import permissions_school_filter

    return School.objects.filter(permissions_school_filter(user, GeneratedDocument, kind.action),
                                 is_active=True)

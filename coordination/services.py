"""Coordination workflows: drafts, submission for review, reviews and approval, verification, responder grants.

Each one writes in one transaction with its audit rows (``<thing>_<verb>(*, ..., by)``).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.notifications import notification_create
from schools.models import AuditEvent, Membership, User

from .models import (
    CoordinationSettings,
    PlanAttachment,
    PlanChangeRequest,
    PlanReview,
    PlanSection,
    PlanSectionKind,
    PlanVersion,
    ReviewComment,
    ReviewKind,
    months_later,
    review_kind_of,
)

UPDATE = AuditEvent.Action.UPDATE
CREATE = AuditEvent.Action.CREATE
CHANGE_REQUEST_DAYS = 30


def kind_label(kind: str) -> str:
    return str(ReviewKind(kind).label) if kind in ReviewKind.values else kind


# --- Drafts -------------------------------------------------------------------------------------


def version_draft(*, plan, by) -> PlanVersion:
    """The plan's open draft, or a new one copying the latest version's sections and attachments (every
    section of the district's list, empty where the latest version had none)."""
    with transaction.atomic():
        draft = PlanVersion.objects.filter(plan=plan, signed_at__isnull=True).order_by("-number").first()
        if draft is not None:
            return draft
        latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        number = (PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
        draft = PlanVersion.objects.create(plan=plan, number=number, created_by=by)
        bodies = {s.kind_id: s.body for s in PlanSection.objects.filter(version=latest)} if latest else {}
        kinds = PlanSectionKind.ensure_defaults(plan.district)
        PlanSection.objects.bulk_create([PlanSection(version=draft, kind=k, body=bodies.get(k.pk, "")) for k in kinds])
        if latest is not None:
            PlanAttachment.objects.bulk_create([
                PlanAttachment(version=draft, title=a.title, file=a.file.name)
                for a in PlanAttachment.objects.filter(version=latest)])
        audit.record(CREATE, actor=by, obj=draft, note=f"draft from version {latest.number}" if latest else "first")
    return draft


# --- Submission ---------------------------------------------------------------------------------


def reviewer_memberships(school, today: dt.date):
    """The people who may review a school's plan: its SROs and partner responders active today."""
    from django.db.models import Q

    return (Membership.objects.filter(school=school, role__in=[Membership.Role.SRO, Membership.Role.RESPONDER],
                                      pending=False, starts_on__lte=today, user__is_active=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .select_related("user", "agency").order_by("agency__name", "user__display_name"))


def submission_problems(version, reviewers) -> list[str]:
    """Why the version cannot be submitted with these reviewers (memberships), in words."""
    problems = [str(p) for p in version.sign_off_problems()]
    if version.plan.school_id is None:
        return problems
    required = CoordinationSettings.required_kinds_for(version.plan.district)
    named = {review_kind_of(m.agency.kind) for m in reviewers if m.agency_id}
    for kind in required:
        if kind not in named:
            problems.append(_("Name a %(kind)s reviewer: the district requires %(kinds)s to sign every plan.")
                            % {"kind": kind_label(kind), "kinds": ", ".join(kind_label(k) for k in required)})
    return problems


def version_submit(*, version, reviewers, by, request=None) -> None:
    """Submit (sign: freeze) the version and ask each named reviewer for their review."""
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().get(pk=version.pk)
        problems = submission_problems(version, reviewers)
        if problems:
            raise ValidationError(problems)
        version.required_kinds = CoordinationSettings.required_kinds_for(version.plan.district)
        version.save(update_fields=["required_kinds"])
        seen = set()
        for membership in reviewers:
            if membership.user_id in seen:
                continue
            seen.add(membership.user_id)
            PlanReview.objects.create(version=version, reviewer=membership.user, agency=membership.agency,
                                      kind=review_kind_of(membership.agency.kind))
            notification_create(
                recipient=membership.user, kind="coordination_review", district=version.plan.district,
                template="coordination/review_requested",
                subject=_("A coordination plan is waiting for your review"),
                context={"school_name": version.plan.school.name if version.plan.school_id else ""},
                link=reverse("coordination:planversion-detail", args=[version.pk]))
        version.sign_off(by=by)
        audit.record(UPDATE, actor=by, request=request, obj=version, fields=["signed_at", "signed_by"],
                     note=f"submitted for review to {len(seen)} reviewers")


# --- Reviews ------------------------------------------------------------------------------------


def _change_request(*, review, title, by, comment=None) -> PlanChangeRequest:
    plan = review.version.plan
    today = plan.district.local_today()
    return PlanChangeRequest.objects.create(
        plan=plan, review=review, comment=comment, title=title[:200], owner=plan.owner,
        due_on=today + dt.timedelta(days=CHANGE_REQUEST_DAYS))


def review_comment_add(*, review, section, text, requests_change, by, request=None) -> ReviewComment:
    if review.signed_at is not None:
        raise ValidationError(_("You signed off this review; it cannot take more comments."))
    with transaction.atomic():
        comment = ReviewComment.objects.create(review=review, section=section, text=text,
                                               requests_change=requests_change)
        if requests_change:
            _change_request(review=review, comment=comment, by=by,
                            title=_("%(section)s: %(text)s") % {"section": section.kind.title, "text": text})
        audit.record(CREATE, actor=by, request=request, obj=comment,
                     fields=["text", "requests_change"])
    return comment


def review_request_changes(*, review, note, by, request=None) -> None:
    """The reviewer asks for changes: the review says so and the plan's owner gets a follow-up."""
    if review.signed_at is not None:
        raise ValidationError(_("You already signed off this review."))
    with transaction.atomic():
        PlanReview.objects.filter(pk=review.pk).update(decision=PlanReview.Decision.CHANGES, note=note,
                                                       decided_at=timezone.now())
        review.decision, review.note = PlanReview.Decision.CHANGES, note
        _change_request(review=review, by=by,
                        title=_("%(kind)s asks for changes: %(note)s") % {"kind": kind_label(review.kind),
                                                                          "note": note})
        audit.record(UPDATE, actor=by, request=request, obj=review, fields=["decision", "note"],
                     note="changes requested")


def review_sign(*, review, note, by, request=None) -> bool:
    """The reviewer signs off (locks the review); the version is approved (countersigned) once every required
    partner kind has a signed review. Returns whether the version is now approved."""
    with transaction.atomic():
        review = PlanReview.objects.select_for_update().get(pk=review.pk)
        if review.signed_at is not None:
            raise ValidationError(str(review.signed_messages.already_signed))
        PlanReview.objects.filter(pk=review.pk).update(decision=PlanReview.Decision.SIGNED, note=note,
                                                       decided_at=timezone.now())
        review.refresh_from_db()
        review.sign_off(by=by)
        audit.record(UPDATE, actor=by, request=request, obj=review, fields=["decision", "note", "signed_at"],
                     note="signed off")
        version = PlanVersion.objects.select_for_update().get(pk=review.version_id)
        signed_kinds = set(PlanReview.objects.filter(version=version, signed_at__isnull=False)
                           .values_list("kind", flat=True))
        if version.countersigned_at is None and set(version.required_kinds) <= signed_kinds:
            version.countersign(by=by, note=_("Every required partner signed."))
            audit.record(UPDATE, actor=by, request=request, obj=version, fields=["countersigned_at"],
                         note="approved: every required partner signed")
            return True
    return False


def re_review_due_on(version) -> dt.date | None:
    return months_later(version.approved_on) if version.approved_on else None


# --- Verification ---------------------------------------------------------------------------------


def contact_verify(*, contact, by, request=None) -> None:
    from .models import PartnerContact

    today = contact.agency.district.local_today()
    with transaction.atomic():
        PartnerContact.objects.filter(pk=contact.pk).update(verified_on=today, verified_by=by)
        contact.verified_on, contact.verified_by = today, by
        audit.record(UPDATE, actor=by, request=request, obj=contact, fields=["verified_on", "verified_by"])


# --- Responder access -------------------------------------------------------------------------------


def responder_grant(*, contact, schools, ends_on, by, district) -> User:
    """Grant a partner contact a responder role at ``schools`` until ``ends_on``, through the accounts
    services: a new person is invited (inactive until the district enables the account); a person who
    already has an account is offered the role and accepts it after signing in."""
    from accounts import people

    schools = list(schools)
    existing = User.objects.filter(email__iexact=contact.email).first()
    with transaction.atomic():
        if existing is None:
            user = people.user_invite(by=by, district=district, email=contact.email, display_name=contact.name,
                                      title=contact.role, phone=contact.phone, role=Membership.Role.RESPONDER,
                                      school=schools[0], agency=contact.agency, ends_on=ends_on)
            rest = schools[1:]
            for school in rest:
                membership = Membership.objects.create(
                    user=user, role=Membership.Role.RESPONDER, school=school, agency=contact.agency,
                    starts_on=district.local_today(), ends_on=ends_on, created_by=by)
                audit.record(AuditEvent.Action.PERMISSION_CHANGE, actor=by, obj=membership,
                             fields=people.MEMBERSHIP_FIELDS + ["ends_on"], note="responder grant")
            return user
        for school in schools:
            people.role_offer(user=existing, by=by, district=district, role=Membership.Role.RESPONDER,
                              school=school, agency=contact.agency, ends_on=ends_on, note="responder grant")
        return existing

"""Coordination pages: the partner directory, plans and their versions, reviews, site information, joint
exercises, responder access. Every read by a partner responder is audited."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import audit, scope
from portal.crud import Column, ScopedCRUDView, get_scoped_or_404, refuse, require_action, require_any
from portal.forms import parse_id
from portal.scope import active_memberships_for
from portal.uploads import serve_file
from schools.models import AuditEvent, Membership, School

from . import services
from .filters import (
    CoordinationPlanFilter,
    FloorPlanFilter,
    JointExerciseFilter,
    MyReviewFilter,
    PartnerContactFilter,
    PlanSectionKindFilter,
    ResponderAccessFilter,
    SiteFactFilter,
    SiteVerificationFilter,
)
from .forms import (
    AttachmentForm,
    CommentForm,
    CoordinationPlanForm,
    DecisionForm,
    FloorPlanForm,
    GrantForm,
    ImprovementForm,
    JointExerciseForm,
    PartnerContactForm,
    PlanSectionKindForm,
    SettingsForm,
    SignOffForm,
    SiteFactForm,
    SiteVerificationForm,
    SubmitForm,
    VersionEditForm,
)
from .models import (
    CoordinationPlan,
    CoordinationSettings,
    ExerciseImprovement,
    FloorPlan,
    JointExercise,
    PartnerContact,
    PlanAttachment,
    PlanReview,
    PlanSection,
    PlanSectionKind,
    PlanVersion,
    ReviewComment,
    SiteFact,
    SiteVerification,
    is_responder,
    months_ago,
)
from .text import diff_versions, render_markdown

VIEW = AuditEvent.Action.VIEW


def _posted(request):
    """The submitted data of a POST (an empty POST is a submission too: it shows the required fields)."""
    return request.POST if request.method == "POST" else None


def audit_responder_read(request, obj=None, *, model=None, note=""):
    """A partner responder's every read is audited (the record, or the list they opened)."""
    if not is_responder(request.user):
        return
    if obj is not None:
        audit.record(VIEW, request=request, obj=obj, note=note)
    else:
        audit.record(VIEW, request=request, object_type=model._meta.label_lower, note=note or "list")


class CoordinationCRUD(ScopedCRUDView):
    """The app's CRUD pages: a responder's reads are audited, lists and records alike."""

    @property
    def audit_reads(self):
        return is_responder(self.request.user)

    def do_list(self, request):
        response = super().do_list(request)
        audit_responder_read(request, model=self.model)
        return response


# --------------------------------------------------------------------------------------------
# Partner directory
# --------------------------------------------------------------------------------------------


class PartnerContactCRUD(CoordinationCRUD):
    model = PartnerContact
    form_class = PartnerContactForm
    filterset_class = PartnerContactFilter
    url_base = "contact"
    list_columns = ["name", "agency", "role", "phone", "after_hours_phone",
                    Column("verified_on", _l("Verified"), template="coordination/_verified.html")]
    detail_fields = ["agency", "name", "role", "phone", "after_hours_phone", "email", "verified_on", "verified_by"]
    add_label = _l("Add a partner contact")
    empty_message = _l("No partner contacts yet. Add the fire, EMS and police people your schools call, "
                       "with their after-hours numbers.")
    allow_delete = True

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("agency", "verified_by")

    def template_names(self, role):
        return [f"coordination/partnercontact_{role}.html", f"portal/object_{role}.html"]

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        obj = extra.get("object")
        if obj is not None and self.role == "detail":
            user = self.request.user
            ctx["served"] = obj.schools.filter(pk__in=School.objects.for_user(user, "view")).order_by("name")
            ctx["can_verify"] = scope.can(user, obj, "verify")
            ctx["can_grant"] = scope.can_anywhere(user, "schools.membership", "add") and bool(obj.email)
        return ctx


@login_required
@require_POST
def contact_verify(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(request, PartnerContact, pk)
    require_action(request, contact, "verify")
    services.contact_verify(contact=contact, by=request.user, request=request)
    messages.success(request, _("%(name)s marked verified today.") % {"name": contact.name})
    return HttpResponseRedirect(reverse("coordination:contact-detail", args=[contact.pk]))


# --------------------------------------------------------------------------------------------
# Sections of the district's plans, and the district setting
# --------------------------------------------------------------------------------------------


class PlanSectionKindCRUD(CoordinationCRUD):
    model = PlanSectionKind
    form_class = PlanSectionKindForm
    filterset_class = PlanSectionKindFilter
    url_base = "section"
    list_columns = ["title", "order", "district"]
    add_label = _l("Add a plan section")
    empty_message = _l("The ten default sections are added when the first plan is drafted; add your own here.")


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    """The district admin chooses which partner kinds must sign every plan (law enforcement and fire by
    default)."""
    require_any(request, CoordinationSettings, "change")
    districts = {m.district for m in active_memberships_for(request.user)
                 if m.district_id and m.role == Membership.Role.DISTRICT_ADMIN}
    district = sorted(districts, key=lambda d: d.pk)[0]
    current = CoordinationSettings.required_kinds_for(district)
    form = SettingsForm(_posted(request), initial={"required_review_kinds": current})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            CoordinationSettings.objects.update_or_create(
                district=district, defaults={"required_review_kinds": form.cleaned_data["required_review_kinds"]})
            audit.record(AuditEvent.Action.UPDATE, request=request, object_type="coordination.coordinationsettings",
                         object_id=str(district.pk), district_id=district.pk, fields=["required_review_kinds"])
        messages.success(request, _("Saved: new submissions need these partners' signatures."))
        return HttpResponseRedirect(request.path)
    return render(request, "coordination/settings.html", {"form": form, "district": district},
                  status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# Plans and versions
# --------------------------------------------------------------------------------------------


class CoordinationPlanCRUD(CoordinationCRUD):
    model = CoordinationPlan
    form_class = CoordinationPlanForm
    filterset_class = CoordinationPlanFilter
    url_base = "plan"
    list_columns = ["title", Column("school", _l("School"), template="coordination/_plan_school.html"), "owner"]
    add_label = _l("Start a coordination plan")
    empty_message = _l("No coordination plans yet. Start your school's plan, then submit it to your police and "
                       "fire partners for review.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school", "owner", "district")

    def new_instance(self):
        return CoordinationPlan(owner=self.request.user)

    def template_names(self, role):
        return [f"coordination/coordinationplan_{role}.html", f"portal/object_{role}.html"]

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        plan = extra.get("object")
        if plan is not None and self.role == "detail":
            user = self.request.user
            versions = list(PlanVersion.objects.for_user(user, "view").filter(plan=plan).order_by("-number"))
            ctx["versions"] = versions
            ctx["approved"] = next((v for v in versions if v.countersigned_at), None)
            ctx["draft"] = next((v for v in versions if not v.signed_at), None)
            ctx["can_draft"] = scope.can(user, plan, "change")
            if ctx["approved"]:
                ctx["re_review_on"] = services.re_review_due_on(ctx["approved"])
        return ctx


@login_required
@require_POST
def plan_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or open) the plan's draft: a copy of its latest version, every section editable."""
    plan = get_scoped_or_404(request, CoordinationPlan, pk)
    require_action(request, plan, "change")
    draft = services.version_draft(plan=plan, by=request.user)
    return HttpResponseRedirect(reverse("coordination:planversion-edit", args=[draft.pk]))


def _version_context(request, version):
    user = request.user
    sections = list(PlanSection.objects.for_user(user, "view").filter(version=version).select_related("kind"))
    reviews = list(PlanReview.objects.for_user(user, "view").filter(version=version)
                   .select_related("reviewer", "agency").order_by("kind"))
    comments = list(ReviewComment.objects.for_user(user, "view").filter(review__version=version)
                    .select_related("review__reviewer", "section__kind"))
    by_section = {}
    for comment in comments:
        by_section.setdefault(comment.section_id, []).append(comment)
    return {
        "version": version,
        "plan": version.plan,
        "sections": [(s, render_markdown(s.body), by_section.get(s.pk, [])) for s in sections],
        "attachments": list(PlanAttachment.objects.for_user(user, "view").filter(version=version)),
        "reviews": reviews,
        "my_review": next((r for r in reviews if r.reviewer_id == user.pk), None),
        "others": list(PlanVersion.objects.for_user(user, "view").filter(plan=version.plan)
                       .exclude(pk=version.pk).order_by("-number")),
        "can_edit": not version.is_locked and scope.can(user, version, "change"),
        "can_submit": not version.is_locked and scope.can(user, version, "submit"),
        "re_review_on": services.re_review_due_on(version),
    }


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_scoped_or_404(request, PlanVersion, pk)
    audit_responder_read(request, version)
    return render(request, "coordination/planversion_detail.html", _version_context(request, version))


def _load_draft(request, pk, action="change"):
    version = get_scoped_or_404(request, PlanVersion, pk)
    require_action(request, version, action)
    if version.is_locked:
        refuse(request, version, "frozen", version.signed_messages.locked_page)
    return version


@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's sections (a submitted version is frozen: 403, and a new draft is the way)."""
    version = _load_draft(request, pk)
    sections = list(PlanSection.objects.filter(version=version).select_related("kind"))
    form = VersionEditForm(_posted(request), sections=sections, initial={"change_note": version.change_note})
    if request.method == "POST" and form.is_valid():
        bodies = form.bodies()
        with transaction.atomic():
            locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
            if locked.is_locked:
                refuse(request, version, "frozen", version.signed_messages.locked_page)
            for section in sections:
                if section.body != bodies[section.pk]:
                    section.body = bodies[section.pk]
                    section.save(update_fields=["body"])
            locked.change_note = form.cleaned_data["change_note"]
            locked.save(update_fields=["change_note"])
            audit.record(AuditEvent.Action.UPDATE, request=request, obj=version, fields=["sections", "change_note"])
        messages.success(request, _("Draft saved."))
        return HttpResponseRedirect(reverse("coordination:planversion-detail", args=[version.pk]))
    return render(request, "coordination/planversion_edit.html", {"version": version, "form": form,
                                                                   "plan": version.plan},
                  status=400 if form.errors else 200)


@login_required
def version_attach(request: HttpRequest, pk: int) -> HttpResponse:
    version = _load_draft(request, pk)
    form = AttachmentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            attachment = form.save(commit=False)
            attachment.version = version
            attachment.save()
            audit.record(AuditEvent.Action.CREATE, request=request, obj=attachment, fields=["title", "file"])
        messages.success(request, _("Attachment added."))
        return HttpResponseRedirect(reverse("coordination:planversion-detail", args=[version.pk]))
    return render(request, "coordination/planversion_attach.html", {"version": version, "form": form,
                                                                     "plan": version.plan},
                  status=400 if form.errors else 200)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_scoped_or_404(request, PlanAttachment, pk)
    return serve_file(request, attachment.file, attachment.title, attachment)


@login_required
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The school admin submits the draft (it is frozen) and names the reviewing partners."""
    version = _load_draft(request, pk, "submit")
    plan = version.plan
    today = plan.district.local_today()
    memberships = list(services.reviewer_memberships(plan.school, today)) if plan.school_id else []
    required = CoordinationSettings.required_kinds_for(plan.district)
    form = SubmitForm(_posted(request), memberships=memberships)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.version_submit(version=version, reviewers=form.chosen(), by=request.user, request=request)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Submitted: the version is frozen and the reviewers were asked."))
            return HttpResponseRedirect(reverse("coordination:planversion-detail", args=[version.pk]))
    return render(request, "coordination/planversion_submit.html", {
        "version": version, "plan": plan, "form": form, "problems": problems,
        "required": [services.kind_label(k) for k in required], "memberships": memberships,
    }, status=400 if (form.errors or problems) else 200)


@login_required
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions of one plan, section by section: ``?against=<id>`` (default: the previous version)."""
    version = get_scoped_or_404(request, PlanVersion, pk)
    others = PlanVersion.objects.for_user(request.user, "view").filter(plan_id=version.plan_id)
    against_id = parse_id(request.GET.get("against", ""))
    if request.GET.get("against") and against_id is None:
        raise Http404(_("No such version."))
    if against_id:
        against = others.filter(pk=against_id).first()
        if against is None:
            raise Http404(_("No such version."))
    else:
        against = others.filter(number__lt=version.number).order_by("-number").first()
    audit_responder_read(request, version, note="compare")
    diff = []
    if against is not None:
        older, newer = sorted([against, version], key=lambda v: v.number)
        sections = PlanSection.objects.filter(version__in=[older, newer]).select_related("kind")
        diff = diff_versions([s for s in sections if s.version_id == older.pk],
                             [s for s in sections if s.version_id == newer.pk])
    else:
        older = newer = None
    return render(request, "coordination/planversion_compare.html", {
        "version": version, "plan": version.plan, "against": against, "older": older, "newer": newer,
        "diff": diff, "choices": others.exclude(pk=version.pk).order_by("-number"),
    })


# --------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------


@login_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The named reviewer's page: comment per section, request changes, or sign off with a note."""
    review = get_scoped_or_404(request, PlanReview, pk)
    version = review.version
    if review.reviewer_id != request.user.pk:
        refuse(request, review, "not the named reviewer", _("Only the named reviewer reviews this plan."))
    require_action(request, review, "change")
    audit_responder_read(request, review)
    sections = list(PlanSection.objects.filter(version=version).select_related("kind"))
    open_ = review.signed_at is None and version.countersigned_at is None
    comment_form = CommentForm(sections=sections)
    changes_form = DecisionForm()
    sign_form = SignOffForm()
    status = 200
    if request.method == "POST":
        if not open_:
            refuse(request, review, "review closed", _("This review is closed."))
        which = request.POST.get("form")
        try:
            if which == "comment":
                comment_form = CommentForm(request.POST, sections=sections)
                if comment_form.is_valid():
                    services.review_comment_add(review=review, section=comment_form.chosen_section(),
                                                text=comment_form.cleaned_data["text"],
                                                requests_change=comment_form.cleaned_data["requests_change"],
                                                by=request.user, request=request)
                    messages.success(request, _("Comment added."))
                    return HttpResponseRedirect(request.path)
            elif which == "changes":
                changes_form = DecisionForm(request.POST)
                if changes_form.is_valid():
                    services.review_request_changes(review=review, note=changes_form.cleaned_data["note"],
                                                    by=request.user, request=request)
                    messages.success(request, _("Changes requested: the plan's owner has it on My tasks."))
                    return HttpResponseRedirect(request.path)
            else:
                sign_form = SignOffForm(request.POST)
                if sign_form.is_valid():
                    approved = services.review_sign(review=review, note=sign_form.cleaned_data["note"],
                                                    by=request.user, request=request)
                    messages.success(request, _("Signed off. Every required partner has signed: the plan is "
                                                "approved.") if approved else _("Signed off."))
                    return HttpResponseRedirect(reverse("coordination:planversion-detail", args=[version.pk]))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        status = 400
    comments = list(ReviewComment.objects.filter(review=review).select_related("section__kind"))
    return render(request, "coordination/planreview.html", {
        "review": review, "version": version, "plan": version.plan, "open": open_,
        "sections": [(s, render_markdown(s.body)) for s in sections], "comments": comments,
        "comment_form": comment_form, "changes_form": changes_form, "sign_form": sign_form,
    }, status=status)


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    """Plans waiting for my review (and those I reviewed), newest first."""
    reviews = (PlanReview.objects.for_user(request.user, "view").filter(reviewer=request.user)
               .select_related("version__plan__school", "agency").order_by("signed_at", "-version__signed_at"))
    filterset = MyReviewFilter(request.GET, queryset=reviews, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    audit_responder_read(request, model=PlanReview)
    return render(request, "coordination/my_reviews.html", {"page": page, "filterset": filterset})


# --------------------------------------------------------------------------------------------
# Site information
# --------------------------------------------------------------------------------------------


class FloorPlanCRUD(CoordinationCRUD):
    model = FloorPlan
    form_class = FloorPlanForm
    filterset_class = FloorPlanFilter
    list_columns = ["title", "building", "uploaded_at"]
    detail_fields = ["building", "title", "uploaded_at"]
    add_label = _l("Upload a floor plan")
    empty_message = _l("No floor plans yet. Upload each floor of each building as a PDF or an image.")
    allow_delete = True

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("building__school")

    def template_names(self, role):
        return [f"coordination/floorplan_{role}.html", f"portal/object_{role}.html"]


@login_required
def floorplan_download(request: HttpRequest, pk: int) -> HttpResponse:
    floor_plan = get_scoped_or_404(request, FloorPlan, pk)
    return serve_file(request, floor_plan.file, f"{floor_plan.building.name} {floor_plan.title}", floor_plan)


class SiteFactCRUD(CoordinationCRUD):
    model = SiteFact
    form_class = SiteFactForm
    filterset_class = SiteFactFilter
    list_columns = ["label", "kind", "building", "door_number", "location"]
    add_label = _l("Add a site fact")
    empty_message = _l("No site facts yet. Add the entrances with their door numbers, the key box, the utility "
                       "shut-offs, AEDs and the reunification site.")
    allow_delete = True

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("building__school")

    def template_names(self, role):
        return [f"coordination/sitefact_{role}.html", f"portal/object_{role}.html"]


def geojson_for(facts) -> dict:
    """RFC 7946: a FeatureCollection of Points in WGS 84 (longitude first); facts without coordinates are
    left out (a GeoJSON Feature with a null geometry is valid, but a map cannot place it)."""
    features = []
    for fact in facts:
        if fact.latitude is None or fact.longitude is None:
            continue
        features.append({
            "type": "Feature",
            "id": fact.pk,
            "geometry": {"type": "Point", "coordinates": [float(fact.longitude), float(fact.latitude)]},
            "properties": {"kind": fact.kind, "kind_label": str(fact.get_kind_display()), "label": fact.label,
                           "door_number": fact.door_number, "location": fact.location,
                           "building": fact.building.name, "school": fact.building.school.name},
        })
    return {"type": "FeatureCollection", "features": features}


@login_required
def sitefact_geojson(request: HttpRequest, school_id: int) -> HttpResponse:
    """One school's site facts as GeoJSON (scoped, audited as an export)."""
    school = get_scoped_or_404(request, School, school_id)
    if not scope.can_anywhere(request.user, "coordination.sitefact", "export"):
        refuse(request, school, "site facts export")
    facts = SiteFact.objects.for_user(request.user, "export").filter(building__school=school)
    facts = list(facts.select_related("building__school").order_by("building__name", "kind", "label"))
    audit.record(AuditEvent.Action.EXPORT, request=request, obj=school, object_type="coordination.sitefact",
                 object_id=str(school.pk), note=f"geojson {len(facts)} facts")
    response = HttpResponse(json.dumps(geojson_for(facts), ensure_ascii=False),
                            content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="site-facts-{school.pk}.geojson"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SiteVerificationCRUD(CoordinationCRUD):
    model = SiteVerification
    form_class = SiteVerificationForm
    filterset_class = SiteVerificationFilter
    url_base = "siteverification"
    list_columns = ["verified_on", "school", "partner_agency", "partner_name", "verified_by"]
    add_label = _l("Record a site walk with a partner")
    empty_message = _l("No site walk recorded. Walk the site information with a fire or police partner once a "
                       "year and record it here.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school", "partner_agency", "verified_by")

    @classmethod
    def get_urls(cls):
        # An attestation is not edited: list, record, read.
        return [u for u in super().get_urls() if not u.name.endswith("-update")]


# --------------------------------------------------------------------------------------------
# Joint exercises
# --------------------------------------------------------------------------------------------


class JointExerciseCRUD(CoordinationCRUD):
    model = JointExercise
    form_class = JointExerciseForm
    filterset_class = JointExerciseFilter
    url_base = "exercise"
    list_columns = ["held_on", "school", "kind", "scenario"]
    detail_fields = ["school", "held_on", "kind", "scenario", "what_was_tested", "after_action"]
    add_label = _l("Record a joint exercise")
    empty_message = _l("No joint exercises yet. Record each tabletop or functional exercise held with your "
                       "partners, then its improvements.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school")

    def template_names(self, role):
        return [f"coordination/jointexercise_{role}.html", f"portal/object_{role}.html"]

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        exercise = extra.get("object")
        if exercise is not None and self.role == "detail":
            ctx["agencies"] = list(exercise.agencies.all())
            ctx["items"] = list(ExerciseImprovement.objects.filter(exercise=exercise).select_related("owner"))
            ctx["item_form"] = (ImprovementForm(school=exercise.school)
                                if scope.can(self.request.user, exercise, "change") else None)
            ctx["today"] = exercise.school.district.local_today()
        return ctx


@login_required
@require_POST
def exercise_improvement_add(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_scoped_or_404(request, JointExercise, pk)
    require_action(request, exercise, "change")
    form = ImprovementForm(request.POST, school=exercise.school)
    if form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.exercise = exercise
            item.save()
            audit.record(AuditEvent.Action.CREATE, request=request, obj=item, fields=["title", "owner", "due_on"])
        messages.success(request, _("Improvement added; it is on its owner's My tasks."))
        return HttpResponseRedirect(reverse("coordination:exercise-detail", args=[exercise.pk]))
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
    return HttpResponseRedirect(reverse("coordination:exercise-detail", args=[exercise.pk]))


# --------------------------------------------------------------------------------------------
# Responder access
# --------------------------------------------------------------------------------------------


@login_required
def responder_access(request: HttpRequest) -> HttpResponse:
    """Who holds responder access, where and until when (active and ended), for the district admin."""
    require_any(request, Membership, "view")
    rows = (Membership.objects.for_user(request.user, "view").filter(role=Membership.Role.RESPONDER)
            .select_related("user", "school", "agency").order_by("-ends_on", "user__display_name"))
    filterset = ResponderAccessFilter(request.GET, queryset=rows, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    districts = {m.home_district for m in active_memberships_for(request.user)}
    today = sorted(districts, key=lambda d: d.pk)[0].local_today() if districts else None
    return render(request, "coordination/responder_access.html", {"page": page, "today": today,
                                                                   "filterset": filterset})


@login_required
def responder_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant a partner contact responder access to chosen schools until a date at most a year away."""
    contact = get_scoped_or_404(request, PartnerContact, pk)
    require_any(request, Membership, "add")
    district = contact.agency.district
    if not any(m.district_id == district.pk and m.role == Membership.Role.DISTRICT_ADMIN
               for m in active_memberships_for(request.user)):
        refuse(request, contact, "responder grant")
    form = GrantForm(_posted(request), district=district, contact=contact)
    if request.method == "POST" and form.is_valid():
        services.responder_grant(contact=contact, schools=form.cleaned_data["schools"],
                                 ends_on=form.cleaned_data["ends_on"], by=request.user, district=district)
        messages.success(request, _("Access granted until %(day)s; %(name)s was emailed an invitation.")
                         % {"day": form.cleaned_data["ends_on"], "name": contact.name})
        return HttpResponseRedirect(reverse("coordination:responder-access"))
    return render(request, "coordination/responder_grant.html", {"contact": contact, "form": form},
                  status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# A school's coordination at a glance (the responder's start page too)
# --------------------------------------------------------------------------------------------


@login_required
def school_overview(request: HttpRequest, school_id: int) -> HttpResponse:
    """One school: its approved plan, contacts serving it, site facts and floor plans, last site walk."""
    school = get_scoped_or_404(request, School, school_id)
    user = request.user
    if not scope.can_anywhere(user, "coordination.coordinationplan", "view"):
        refuse(request, school, "coordination overview")
    today = school.district.local_today()
    plan = CoordinationPlan.objects.for_user(user, "view").filter(school=school).first()
    approved = (PlanVersion.objects.for_user(user, "view").filter(plan=plan, countersigned_at__isnull=False)
                .order_by("-number").first()) if plan else None
    contacts = list(PartnerContact.objects.for_user(user, "view").filter(
        Q(pk__in=PartnerContact.schools.through.objects.filter(school=school).values("partnercontact_id")))
        .select_related("agency"))
    facts = list(SiteFact.objects.for_user(user, "view").filter(building__school=school)
                 .select_related("building"))
    floor_plans = list(FloorPlan.objects.for_user(user, "view").filter(building__school=school)
                       .select_related("building"))
    walk = SiteVerification.objects.for_user(user, "view").filter(school=school).select_related(
        "partner_agency").first()
    audit_responder_read(request, school, note="coordination overview")
    return render(request, "coordination/school_overview.html", {
        "school": school, "plan": plan, "approved": approved, "contacts": contacts, "facts": facts,
        "floor_plans": floor_plans, "walk": walk, "cutoff": months_ago(today),
        "can_export": scope.can_anywhere(user, "coordination.sitefact", "export"),
        "can_request_packet": _may_request_packet(user, school),
    })


def _may_request_packet(user, school) -> bool:
    from compliance import documents, services

    return services.may_request(user, documents.get("responder_packet"), school=school)


@login_required
def coordination_home(request: HttpRequest) -> HttpResponse:
    """The schools whose coordination the person reads, each with a link to its overview."""
    if not scope.can_anywhere(request.user, "coordination.coordinationplan", "view"):
        require_any(request, CoordinationPlan, "view")
    schools = School.objects.for_user(request.user, "view").filter(
        pk__in=_coordination_school_ids(request.user)).order_by("name")
    page = Paginator(schools, 25).get_page(request.GET.get("page"))
    audit_responder_read(request, model=School, note="coordination schools")
    return render(request, "coordination/home.html", {"page": page})


def _coordination_school_ids(user):
    from portal.permissions import roles_for

    roles = roles_for("coordination.coordinationplan", "view")
    memberships = [m for m in active_memberships_for(user) if m.role in roles]
    return School.objects.filter(Q(pk__in=[m.school_id for m in memberships if m.school_id])
                                 | Q(district_id__in=[m.district_id for m in memberships if m.district_id])
                                 ).values("pk")

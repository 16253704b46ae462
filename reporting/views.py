"""Staff pages of the tip line: the queue, a tip's page (acknowledge, reply, notes, triage, linked records,
activity), the categories, the on-call chain, the settings (with the chain test) and the metrics.

Every read of a tip is audited; every tip page goes through ``get_scoped_or_404`` and ``require_action``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import audit, scope
from portal.crud import Column, ScopedCRUDView, get_scoped_or_404, require_action, require_any
from portal.scope import active_memberships_for
from portal.uploads import serve_file
from reporting import metrics, services
from reporting.filters import TipFilter
from reporting.forms import CategoryForm, NoteForm, OnCallContactForm, ReplyForm, TipLineSettingsForm, TriageForm
from reporting.links import links_for_tip
from reporting.models import (
    EscalationPage,
    OnCallContact,
    Tip,
    TipAttachment,
    TipCategory,
    TipEvent,
    TipLineSettings,
    TipMessage,
    TipNote,
)
from schools.models import AuditEvent


def managed_district(user, model_label="reporting.tiplinesettings", action="change"):
    """The district whose tip line the person runs (the first, if several), or None."""
    roles = scope.permissions.roles_for(model_label, action)
    for m in active_memberships_for(user):
        if m.role in roles and m.district_id:
            return m.district
    return None


# --------------------------------------------------------------------------------------------
# The queue
# --------------------------------------------------------------------------------------------


class TipCRUD(ScopedCRUDView):
    """The queue: life-safety first, then what nobody acknowledged, newest first. Tips arrive through the
    public form only, so there is no create or edit page; a tip's page is ``tip_detail``."""

    model = Tip
    filterset_class = TipFilter
    list_columns = [Column("code", _l("Tip code")), Column("life_safety", _l("Urgency"),
                                                           template="reporting/_urgency.html"),
                    "category", "school", Column("status", _l("Status"), template="reporting/_tip_status.html"),
                    Column("created_at", _l("Received"))]
    url_base = "tip"
    empty_message = _l("No tips yet. Share the public tip line's address with students and families "
                       "(Settings shows it), and set up the on-call chain.")
    no_match_message = _l("No tip matches these filters. Clear them to see the whole queue.")

    @classmethod
    def get_urls(cls):
        return [path("tips/", cls.as_view(role="list"), name="tip-list")]

    def get_queryset(self, action="view"):
        return super().get_queryset(action).by_urgency()

    def do_list(self, request):
        """The queue shows tips' codes, categories and schools: a read of tips, audited like a tip's page."""
        response = super().do_list(request)
        audit.record(AuditEvent.Action.VIEW, request=request, object_type="reporting.tip",
                     note=f"queue {request.GET.urlencode()}"[:300])
        return response

    def column_value(self, obj, name):
        if name == "school":
            return obj.school.name if obj.school_id else _("Not sure")
        if name == "created_at":
            return timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M")
        return super().column_value(obj, name)


@login_required
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tip = get_scoped_or_404(request, Tip, pk)
    tip = Tip.objects.select_related("district", "school", "category", "assigned_to", "acknowledged_by").get(pk=tip.pk)
    audit.record(AuditEvent.Action.VIEW, request=request, obj=tip, district_id=tip.district_id)
    return _tip_page(request, tip)


def _tip_page(request, tip, *, reply_form=None, note_form=None, triage_form=None, status=200):
    user = request.user
    can_work = scope.can(user, tip, "change")
    can_note = scope.can_anywhere(user, "reporting.tipnote", "add")
    context = {
        "tip": tip, "object": tip,
        "conversation": TipMessage.objects.filter(tip=tip).select_related("author"),
        "notes": TipNote.objects.filter(tip=tip).select_related("author"),
        "events": TipEvent.objects.filter(tip=tip).select_related("actor"),
        "attachments": TipAttachment.objects.filter(tip=tip),
        "pages": EscalationPage.objects.filter(tip=tip).select_related("contact"),
        "links": links_for_tip(request, tip),
        "can_work": can_work, "can_note": can_note,
        "can_acknowledge": tip.acknowledged_at is None and scope.can(user, tip, "acknowledge"),
        "reply_form": reply_form or ReplyForm(),
        "note_form": note_form or NoteForm(),
        "triage_form": triage_form or TriageForm(tip=tip, initial={
            "status": tip.status, "outcome": tip.outcome, "assigned_to": tip.assigned_to_id}),
        "list_url": reverse("reporting:tip-list"),
    }
    return render(request, "reporting/tip_detail.html", context, status=status)


def _load_for(request, pk, action):
    tip = get_scoped_or_404(request, Tip, pk)
    require_action(request, tip, action)
    return Tip.objects.select_related("district", "school", "category", "assigned_to").get(pk=tip.pk)


@login_required
@require_POST
def tip_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _load_for(request, pk, "acknowledge")
    if services.tip_acknowledge(tip, by=request.user):
        messages.success(request, _("Acknowledged: the on-call chain stops here."))
    else:
        messages.info(request, _("Someone had already acknowledged this tip."))
    return HttpResponseRedirect(reverse("reporting:tip-detail", args=[tip.pk]))


@login_required
@require_POST
def tip_reply(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _load_for(request, pk, "change")
    require_any(request, TipMessage, "add")
    form = ReplyForm(request.POST)
    if tip.anonymized_at is not None:
        raise PermissionDenied(_("This tip was erased under the retention rule."))
    if not form.is_valid():
        return _tip_page(request, tip, reply_form=form, status=400)
    services.tip_reply(tip, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Message sent: the tipster sees it with their tip code."))
    return HttpResponseRedirect(reverse("reporting:tip-detail", args=[tip.pk]))


@login_required
@require_POST
def tip_note(request: HttpRequest, pk: int) -> HttpResponse:
    tip = get_scoped_or_404(request, Tip, pk)
    require_any(request, TipNote, "add")
    tip = Tip.objects.select_related("district", "school", "category", "assigned_to").get(pk=tip.pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _tip_page(request, tip, note_form=form, status=400)
    services.tip_note(tip, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Internal note added."))
    return HttpResponseRedirect(reverse("reporting:tip-detail", args=[tip.pk]))


@login_required
@require_POST
def tip_triage(request: HttpRequest, pk: int) -> HttpResponse:
    tip = _load_for(request, pk, "change")
    form = TriageForm(request.POST, tip=tip)
    if not form.is_valid():
        return _tip_page(request, tip, triage_form=form, status=400)
    data = form.cleaned_data
    changed = services.tip_update(tip, by=request.user, status=data["status"], outcome=data["outcome"],
                                  assigned_to=data["assigned_to"])
    messages.success(request, _("Saved.") if changed else _("Nothing changed."))
    return HttpResponseRedirect(reverse("reporting:tip-detail", args=[tip.pk]))


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_scoped_or_404(request, TipAttachment, pk)
    return serve_file(request, attachment.file, attachment.original_name, attachment)


# --------------------------------------------------------------------------------------------
# Running the tip line: categories, the chain, settings, metrics
# --------------------------------------------------------------------------------------------


class CategoryCRUD(ScopedCRUDView):
    model = TipCategory
    form_class = CategoryForm
    list_columns = ["name", "name_es", "life_safety", "order", "active"]
    url_base = "category"
    url_plural = "categories"
    ordering = ["order", "name"]
    add_label = _l("Add a category")
    empty_message = _l("No categories yet. Open the tip line's settings once: the default list is added.")

    def new_instance(self):
        return TipCategory(district=managed_district(self.request.user, "reporting.tipcategory", "add"))


class ContactCRUD(ScopedCRUDView):
    model = OnCallContact
    form_class = OnCallContactForm
    list_columns = ["label", "level", "person", Column("webhook_url", _l("Webhook")), "active"]
    url_base = "contact"
    ordering = ["level", "label"]
    allow_delete = True
    add_label = _l("Add an on-call contact")
    empty_message = _l("Nobody is on call yet. Add at least two contacts: level 1 is notified at once, "
                       "level 2 when nobody acknowledges in time.")

    def new_instance(self):
        return OnCallContact(district=managed_district(self.request.user, "reporting.oncallcontact", "add"))

    def column_value(self, obj, name):
        if name == "webhook_url":
            return _("yes") if obj.webhook_url else _("no")
        return super().column_value(obj, name)


@login_required
def tip_line_settings(request: HttpRequest) -> HttpResponse:
    require_any(request, TipLineSettings, "view")
    district = managed_district(request.user, action="view")
    if district is None:
        raise PermissionDenied(_("Your role does not allow this."))
    line = TipLineSettings.for_district(district)
    can_change = scope.can(request.user, line, "change")
    form = TipLineSettingsForm(request.POST or None, instance=line)
    if request.method == "POST":
        require_action(request, line, "change")
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.record(AuditEvent.Action.UPDATE, request=request, obj=line, fields=form.changed_data)
            messages.success(request, _("Tip line settings saved."))
            return HttpResponseRedirect(reverse("reporting:settings"))
    contacts = OnCallContact.objects.filter(district=district, active=True).select_related("person")
    return render(request, "reporting/settings.html", {
        "line": line, "form": form, "can_change": can_change, "contacts": contacts, "district": district,
        "public_url_en": request.build_absolute_uri(reverse("tips:form", args=["en", district.pk])),
        "public_url_es": request.build_absolute_uri(reverse("tips:form", args=["es", district.pk])),
        "summary_url": reverse("tips:summary", args=["en", district.pk]),
        "state": metrics.line_states([district.pk], district.local_today())[district.pk],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def chain_test(request: HttpRequest) -> HttpResponse:
    require_any(request, TipLineSettings, "change")
    district = managed_district(request.user)
    if district is None:
        raise PermissionDenied(_("Your role does not allow this."))
    line = TipLineSettings.for_district(district)
    require_action(request, line, "change")
    try:
        services.chain_test(district=district, by=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Test tip sent through the chain. When someone acknowledges it, the test "
                                    "counts as successful."))
    return HttpResponseRedirect(reverse("reporting:settings"))


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    require_any(request, Tip, "metrics")
    district = managed_district(request.user, "reporting.tip", "metrics")
    if district is None:
        raise PermissionDenied(_("Your role does not allow this."))
    today = district.local_today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = year if 2000 <= year <= today.year else today.year
    data = metrics.yearly_summary(district, year, public=False)
    audit.record(AuditEvent.Action.VIEW, request=request, object_type="reporting.metrics",
                 district_id=district.pk, note=str(year))
    return render(request, "reporting/metrics.html", {
        "district": district, "year": year, "m": data, "years": list(range(today.year, today.year - 5, -1)),
        "summary_url": reverse("tips:summary", args=["en", district.pk]) + f"?year={year}"})

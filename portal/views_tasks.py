"""My tasks: a person's open follow-ups (a school admin's: their schools' too), and marking one done."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from portal import audit, followups, owed_tasks
from portal.crud import get_scoped_or_404
from portal.uploads import DOCUMENTS, IMAGE_TYPES, SafeFileField
from portal.views import no_membership
from schools.models import AuditEvent

OWED_SHOWN = 50


class TaskFilterForm(forms.Form):
    show = forms.ChoiceField(required=False, label=_l("Show"), choices=[
        ("all", _l("Mine and my schools'")), ("mine", _l("Only mine")), ("schools", _l("Only my schools'"))])
    kind = forms.ChoiceField(required=False, label=_l("Kind"))
    overdue = forms.BooleanField(required=False, label=_l("Overdue only"))

    def __init__(self, *args, is_school_admin, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(p.key, p.label) for p in followups.providers()]
        self.fields["kind"].choices = [("", _l("Every kind")), *kinds]
        if not is_school_admin:
            del self.fields["show"]


class DoneForm(forms.Form):
    """The evidence that closes a task: a note, a file (a photo, a signed PDF), or both."""

    evidence_note = forms.CharField(
        label=_l("What was done"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("A sentence or two kept as evidence: what was done, by whom, where the proof is."))
    evidence_file = SafeFileField(label=_l("Evidence file"), required=False, kinds=frozenset(IMAGE_TYPES) | DOCUMENTS)

    def clean(self):
        cleaned = super().clean()
        cleaned["evidence_note"] = (cleaned.get("evidence_note") or "").strip()
        if not cleaned["evidence_note"] and not cleaned.get("evidence_file") and not self.errors:
            self.add_error("evidence_note", _("Say briefly what was done, or attach the evidence."))
        return cleaned


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    memberships = request.portal_memberships
    if not memberships:
        return no_membership(request)
    is_school_admin = bool(followups.admin_school_ids(memberships))
    form = TaskFilterForm(request.GET or None, is_school_admin=is_school_admin)
    data = form.cleaned_data if form.is_valid() else {}
    tasks = followups.tasks_for(request.user, memberships, show=data.get("show") or "all",
                                kind=data.get("kind") or None)
    if data.get("overdue"):
        tasks = [t for t in tasks if t.is_overdue]
    page = Paginator(tasks, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    owed = owed_tasks.tasks_for(request.user, memberships, today)
    if data.get("overdue"):
        owed = [t for t in owed if t.overdue]
    if data.get("kind"):
        owed = []  # the kind filter picks one kind of follow-up
    return render(request, "portal/my_tasks.html", {
        "page": page, "form": form, "is_school_admin": is_school_admin,
        "overdue_count": sum(1 for t in tasks if t.is_overdue) + sum(1 for t in owed if t.overdue),
        # Owed work is a short list by nature (what is waiting now): shown whole above the follow-ups.
        "owed": owed[:OWED_SHOWN], "owed_more": max(0, len(owed) - OWED_SHOWN),
    })


def _load(request, key, pk):
    provider = followups.get(key)
    if provider is None:
        raise Http404(_("No such kind of task."))
    row = get_scoped_or_404(request, provider.model, pk)
    return provider, row


@login_required
def task_done(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """GET: the form; POST: mark the task done with an evidence note (its owner or a school admin there)."""
    provider, row = _load(request, key, pk)
    if not followups.may_complete(request.user, request.portal_memberships, provider, row):
        audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, obj=row, note="mark done")
        raise PermissionDenied(_("Only the person the task is assigned to, or a school administrator of the "
                                 "school, can mark it done."))
    if row.is_done:
        messages.info(request, _("This task was already marked done."))
        return HttpResponseRedirect(reverse("portal:my-tasks"))
    form = DoneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Locked, so two people closing the same task at once leave one "done by".
            row = provider.model.objects.select_for_update().get(pk=row.pk)
            if not row.is_done:
                evidence = form.cleaned_data["evidence_file"]
                row.mark_done(by=request.user, note=form.cleaned_data["evidence_note"])
                fields = ["done_at", "done_by", "evidence_note"]
                if evidence:
                    row.evidence_file.save(evidence.name, evidence, save=False)
                    row.save(update_fields=["evidence_file"])
                    fields.append("evidence_file")
                audit.record(AuditEvent.Action.UPDATE, request=request, obj=row, fields=fields)
        messages.success(request, _("Marked done: %(title)s") % {"title": row.title})
        return HttpResponseRedirect(reverse("portal:my-tasks"))
    return render(request, "portal/task_done.html", {
        "form": form, "task": row, "provider": provider, "school": provider.school_of(row),
        "link": provider.link(row),
    }, status=400 if form.errors else 200)

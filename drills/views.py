"""Pages of the drills app.

CRUD (list, plan, detail, edit, delete) goes through ``portal.crud.ScopedCRUDView``; the actions that are
not CRUD (record results, sign off, countersign, correct, cancel, after-action report, compliance calendar,
exports, the iCal feed) are small function views. Every record is loaded through ``for_user``: outside
the person's scope it is a 404, visible but not allowed a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from compliance.registry import Status
from portal import audit, scope
from portal.crud import (
    Column,
    ScopedCRUDView,
    get_scoped_or_404,
    permissions_school_filter,
    refuse,
    require_action,
    require_any,
)
from portal.dates import as_of_for, pick_school_year
from portal.signed import (
    ActionWords,
    Notice,
    SignedPages,
    correct_view,
    countersign_view,
    refuse_if_locked,
    sign_view,
)
from schools.models import AuditEvent, Membership, School

from . import evaluators, services
from .filters import DrillFilter, DrillRequirementFilter
from .forms import (
    AfterActionForm,
    CancelForm,
    DrillCorrectionForm,
    DrillKindForm,
    DrillPlanForm,
    DrillRequirementForm,
    DrillResultsForm,
    DrillSettingsForm,
    ImprovementItemForm,
)
from .models import AfterActionReport, CalendarFeedToken, Drill, DrillKind, DrillRequirement, DrillSettings


def _admin_district(user):
    """The district a district admin manages (the first, if several)."""
    for m in user.active_memberships():
        if m.role == Membership.Role.DISTRICT_ADMIN and m.district_id:
            return m.district
    return None


# --------------------------------------------------------------------------------------------
# Drills: list, plan, detail, edit, delete
# --------------------------------------------------------------------------------------------


class DrillCRUD(ScopedCRUDView):
    model = Drill
    filterset_class = DrillFilter
    list_columns = [
        Column("when", _l("When (school's local time)"), template="drills/_cell_when.html"),
        "kind",
        "school",
        Column("state", _l("State"), template="drills/_drill_state.html"),
    ]
    allow_delete = True
    ordering = ["-planned_start", "-id"]
    add_label = _l("Plan a drill")
    add_first_label = _l("Plan the first drill")
    no_match_message = _l("No drill matches these filters.")
    empty_message = _l(
        "No drills yet. Plan the year's drills here: the compliance calendar says which are due."
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school__district", "kind", "corrected_by")

    def get_form(self, data=None, files=None, instance=None, action="change"):
        completed = instance is not None and instance.status == Drill.Status.COMPLETED
        form_class = DrillResultsForm if completed else DrillPlanForm
        initial = {}
        selected = getattr(self.request, "selected_school", None)
        if instance is not None and instance.pk is None and selected is not None:
            initial["school"] = selected.pk
        return form_class(data=data, files=files, instance=instance, user=self.request.user, initial=initial,
                          scope_action=action)

    def new_instance(self):
        return Drill(created_by=self.request.user)

    def do_detail(self, request, pk):
        drill = self.get_object(pk, "view")
        return render(
            request, "drills/drill_detail.html", self.base_context(**detail_context(request, drill))
        )

    def do_delete(self, request, pk):
        drill = self.get_object(pk, "view")
        if drill.status == Drill.Status.COMPLETED:
            require_action(request, drill, "delete")
            refuse(
                request,
                drill,
                "delete completed",
                _("A logged drill is evidence and is not deleted; record a correction instead."),
            )
        return super().do_delete(request, pk)


def detail_context(request, drill) -> dict:
    user = request.user
    can = {
        action: scope.can(user, drill, action) for action in ("change", "sign", "countersign", "add")
    }
    superseded, locked = drill.is_superseded, drill.is_locked
    report = AfterActionReport.objects.filter(drill=drill).first()
    return {
        "object": drill,
        "drill": drill,
        "report": report,
        "can_change": can["change"] and not locked and not superseded,
        "can_record": can["change"] and not locked and not superseded,
        "can_cancel": can["change"] and drill.status == Drill.Status.PLANNED,
        "can_sign": can["sign"] and not locked and not superseded and drill.status == Drill.Status.COMPLETED,
        "can_countersign": can["countersign"] and locked and drill.countersigned_at is None,
        "can_correct": can["add"] and locked and not superseded,
        "can_delete": scope.can(user, drill, "delete")
        and drill.status != Drill.Status.COMPLETED
        and not locked,
        "sign_problems": drill.sign_off_problems() if can["sign"] and not locked else [],
        "tz": drill.school.district.tz,
        # A held drill whose log is not signed: does it count yet? (the district's rule, DrillSettings)
        "counts_unsigned": DrillSettings.unsigned_count_for(drill.school.district_id)
        if drill.status == Drill.Status.COMPLETED and not locked and not superseded else None,
    }


def _load_drill(request, pk, action):
    drill = get_scoped_or_404(request, Drill, pk)
    require_action(request, drill, action)
    return drill


@login_required
def drill_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what happened (the drill becomes completed and counts toward its requirements)."""
    drill = _load_drill(request, pk, "change")
    refuse_if_locked(request, drill)
    if drill.actual_start is None:
        drill.actual_start = drill.planned_start if drill.planned_start <= timezone.now() else None
    form = DrillResultsForm(request.POST or None, instance=drill, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.drill_record_results(form=form, by=request.user)
        messages.success(
            request, _("Results recorded. Write the after-action report, then sign the log off.")
        )
        return HttpResponseRedirect(reverse("drills:drill-detail", args=[drill.pk]))
    return render(
        request,
        "drills/drill_record.html",
        {"form": form, "drill": drill},
        status=400 if form.errors else 200,
    )


# Sign off, countersign and correct are the shared pages of portal.signed, in a drill's words.
_BACK = _l("Back to the drill")
DRILL_PAGES = SignedPages(
    model=Drill,
    list_url="drills:drill-list",
    list_label=_l("Drills"),
    detail_url="drills:drill-detail",
    update_url="drills:drill-update",
    describe=lambda drill: {"record": drill.kind.name, "kind": drill.kind.name, "school": drill.school.name},
    sign=ActionWords(
        title=_l("Sign off the drill log"),
        crumb=_l("Sign off"),
        heading=_l("Sign off: %(kind)s at %(school)s"),
        intro=_l(
            "Signing says the results are true and complete. The log is then locked: nobody can change or "
            "delete it, and a mistake is fixed by recording a correction."
        ),
        submit=_l("Sign and lock the log"),
        done=_l("Signed. The log is locked; a mistake is fixed by recording a correction."),
        cannot=_l("This log cannot be signed yet:"),
        back=_BACK,
    ),
    countersign=ActionWords(
        title=_l("Countersign"),
        crumb=_l("Countersign"),
        heading=_l("Countersign: %(kind)s at %(school)s"),
        intro=_l(
            "Your countersignature says you have read the signed log. It is added once and cannot be changed."
        ),
        submit=_l("Countersign"),
        done=_l("Countersigned."),
        cannot=_l("This log cannot be countersigned:"),
        back=_BACK,
    ),
)


def _sign_notices(drill) -> list[Notice]:
    """Before signing: a reminder to write the after-action report, which the sign-off locks too."""
    if AfterActionReport.objects.filter(drill=drill).exists():
        return []
    return [
        Notice(
            _(
                "No after-action report has been written. Once the log is signed, the report is locked too: "
                "write it first if you can."
            ),
            link_url=reverse("drills:drill-after-action", args=[drill.pk]),
            link_text=_("Write the report"),
        )
    ]


def drill_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what signing means and what still stops it; POST: sign (locks the log)."""
    return sign_view(request, pk, pages=DRILL_PAGES, notices=_sign_notices)


def drill_countersign(request: HttpRequest, pk: int) -> HttpResponse:
    """The SRO of the school countersigns a signed log, with a note (the SRO's only write in drills)."""
    return countersign_view(request, pk, pages=DRILL_PAGES)


def drill_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction: a new entry naming the signed one it replaces; only the correction counts."""
    return correct_view(
        request, pk, pages=DRILL_PAGES, form_class=DrillCorrectionForm, save=services.drill_correct
    )


@login_required
@require_POST
def drill_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _load_drill(request, pk, "change")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the drill is cancelled."))
    else:
        try:
            services.drill_cancel(drill=drill, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Cancelled. Plan another drill if one is still due."))
    return HttpResponseRedirect(reverse("drills:drill-detail", args=[drill.pk]))


# --------------------------------------------------------------------------------------------
# After-action report and improvement items
# --------------------------------------------------------------------------------------------


@login_required
def drill_after_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The report (what happened, went well, to improve) and its improvement items with owners and dates."""
    drill = get_scoped_or_404(request, Drill, pk)
    report = AfterActionReport.objects.filter(drill=drill).first()
    can_write = scope.can(request.user, drill, "change") and not drill.is_locked
    can_add_items = report is not None and scope.can(request.user, drill, "change")
    report_form = AfterActionForm(instance=report or AfterActionReport()) if can_write else None
    item_form = ImprovementItemForm(school=drill.school) if can_add_items else None
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "item":
            if not can_add_items:
                refuse(request, drill, "add improvement item", _("Your role does not allow this."))
            item_form = ImprovementItemForm(request.POST, school=drill.school)
            if item_form.is_valid():
                services.improvement_item_add(report=report, form=item_form, by=request.user)
                messages.success(request, _("Improvement item added; it is on its owner's My tasks."))
                return HttpResponseRedirect(request.path)
        else:
            if not can_write:
                refuse(
                    request, drill, "after-action report", _("The report is locked or not yours to write.")
                )
            report_form = AfterActionForm(request.POST, instance=report or AfterActionReport())
            if report_form.is_valid():
                services.after_action_save(drill=drill, form=report_form, by=request.user)
                messages.success(request, _("After-action report saved."))
                return HttpResponseRedirect(request.path)
        status = 400
    items = report.items.select_related("owner").order_by("done_at", "due_on") if report else []
    return render(
        request,
        "drills/after_action.html",
        {
            "drill": drill,
            "report": report,
            "report_form": report_form,
            "item_form": item_form,
            "items": items,
            "today": drill.school.district.local_today(),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------
# Compliance calendar
# --------------------------------------------------------------------------------------------


def _drill_schools(request, action="view"):
    """Schools where the person may ``action`` drills."""
    return School.objects.filter(permissions_school_filter(request.user, Drill, action))


@login_required
def compliance_overview(request: HttpRequest) -> HttpResponse:
    """Every school the person may see, with its worst requirement and what to schedule next."""
    if not scope.can_anywhere(request.user, "drills.drill", "view"):
        audit.record(
            AuditEvent.Action.DENIED_FORBIDDEN, request=request, object_type="drills.drill", note="view"
        )
        raise PermissionDenied(_("Your role does not allow this."))
    years, year = pick_school_year(request)
    status_filter = request.GET.get("status", "")
    rows = []
    if year is not None:
        schools = (
            _drill_schools(request).filter(district_id=year.district_id, is_active=True).order_by("name")
        )
        selected = getattr(request, "selected_school", None)
        if selected is not None:
            schools = schools.filter(pk=selected.pk)
        calendars = evaluators.compliance_calendars(schools, year, as_of_for(year, year.district))
        rows = sorted(
            calendars.values(), key=lambda c: (-evaluators.SEVERITY.get(c.status, 0), c.school.name)
        )
        if status_filter:
            rows = [c for c in rows if c.status == status_filter]
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "drills/compliance_overview.html",
        {
            "years": years,
            "school_year": year,
            "page": page,
            "status_filter": status_filter,
            "statuses": [(s.value, s.label) for s in Status if s != Status.NOT_TRACKED],
            "as_of": as_of_for(year, year.district) if year else None,
        },
    )


@login_required
def compliance_school(request: HttpRequest, school_id: int) -> HttpResponse:
    """One school's compliance calendar for a year: every requirement, its windows, counts and next step."""
    school = get_scoped_or_404(request, School, school_id)
    if not _drill_schools(request).filter(pk=school.pk).exists():
        refuse(request, school, "drills view", _("Your role does not allow this."))
    years, year = pick_school_year(request, district_ids=[school.district_id])
    calendar = None
    if year is not None:
        calendar = evaluators.compliance_calendars([school], year, as_of_for(year, school.district))[
            school.pk
        ]
    user = request.user
    return render(
        request,
        "drills/compliance_school.html",
        {
            "school": school,
            "years": years,
            "school_year": year,
            "calendar": calendar,
            "can_plan": _drill_schools(request, "add").filter(pk=school.pk).exists(),
            "can_export": _drill_schools(request, "export").filter(pk=school.pk).exists(),
            "can_request_pdf": scope.can_anywhere(user, "compliance.generateddocument", "add")
            and _drill_schools(request, "download").filter(pk=school.pk).exists(),
        },
    )


@login_required
def drill_export(request: HttpRequest, school_id: int) -> HttpResponse:
    """The year's drill log of one school as CSV (formula-safe), audited."""
    from portal.csv_export import csv_response

    school = get_scoped_or_404(request, School, school_id)
    if not _drill_schools(request, "export").filter(pk=school.pk).exists():
        refuse(request, school, "drills export", _("Your role does not allow this."))
    years, year = pick_school_year(request, district_ids=[school.district_id])
    if year is None or not evaluators.year_in_range(year):  # (a year ending near 9999 has no log to export)
        raise Http404(_("No school year to export."))
    drills = services.year_log(school, year)
    audit.record(
        AuditEvent.Action.EXPORT,
        request=request,
        obj=school,
        object_type="drills.drill",
        object_id=str(school.pk),
        note=f"drill log {year.name}",
    )
    filename = f"drill-log-{school.name}-{year.name}.csv"
    return csv_response(
        filename, services.LOG_HEADER, (services.log_row(d, school.district.tz) for d in drills)
    )


# --------------------------------------------------------------------------------------------
# Requirements and kinds
# --------------------------------------------------------------------------------------------


class DrillRequirementCRUD(ScopedCRUDView):
    """The state's rules (read only, from the shipped rule sets) and the district's own additions."""

    model = DrillRequirement
    form_class = DrillRequirementForm
    filterset_class = DrillRequirementFilter
    allow_delete = True
    url_base = "drillrequirement"
    ordering = ["district", "state", "title", "code", "effective_from"]
    empty_message = _l(
        "No requirements for your state are shipped yet. Add your district's own requirements."
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("district").prefetch_related("kinds")

    def new_instance(self):
        return DrillRequirement(district=_admin_district(self.request.user))

    def do_list(self, request):
        qs, filterset = self.filter_queryset(self.get_queryset("view"))
        page = Paginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        return self.render("list", page=page, filterset=filterset, empty_message=self.empty_message)

    def do_detail(self, request, pk):
        requirement = self.get_object(pk, "view")
        return self.render(
            "detail",
            object=requirement,
            requirement=requirement,
            can_change=not requirement.is_locked and scope.can(request.user, requirement, "change"),
            can_delete=not requirement.is_locked and scope.can(request.user, requirement, "delete"),
            update_url=self.url_for("update", requirement),
            delete_url=self.url_for("delete", requirement),
        )

    def refuse_if_locked(self, obj):
        if obj.is_locked:
            audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=self.request, obj=obj, note="state rule")
            raise PermissionDenied(
                _("State rules come from the shipped rule sets; add a district requirement instead.")
            )


class DrillKindCRUD(ScopedCRUDView):
    """Shared kinds (read only) and the district's own."""

    model = DrillKind
    form_class = DrillKindForm
    list_columns = ["name", "code", "district", "is_active"]
    url_base = "drillkind"
    ordering = ["name"]
    empty_message = _l("No drill kinds yet.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("district")

    def new_instance(self):
        return DrillKind(district=_admin_district(self.request.user))

    def column_value(self, obj, name):
        if name == "district":
            return obj.district.name if obj.district_id else _("Every district")
        return super().column_value(obj, name)

    def refuse_if_locked(self, obj):
        if obj.is_locked:
            audit.record(
                AuditEvent.Action.DENIED_FORBIDDEN, request=self.request, obj=obj, note="shared kind"
            )
            raise PermissionDenied(_("The shared drill kinds are not edited; add your district's own kind."))


# --------------------------------------------------------------------------------------------
# The iCal feed
# --------------------------------------------------------------------------------------------


@login_required
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The person's own feed address: make one (shown once), make a new one, or turn it off."""
    if not scope.can_anywhere(request.user, "drills.drill", "view"):
        raise PermissionDenied(_("Your role does not allow this."))
    secret = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            CalendarFeedToken.revoke_all(request.user)
            audit.record(
                AuditEvent.Action.UPDATE,
                request=request,
                object_type="drills.calendarfeedtoken",
                object_id=str(request.user.pk),
                note="revoked",
            )
            messages.success(request, _("Your calendar address no longer works."))
            return HttpResponseRedirect(request.path)
        secret = CalendarFeedToken.issue(request.user)
        audit.record(
            AuditEvent.Action.CREATE,
            request=request,
            object_type="drills.calendarfeedtoken",
            object_id=str(request.user.pk),
            note="issued",
        )
    live = CalendarFeedToken.objects.filter(user=request.user).live().first()
    feed_url = request.build_absolute_uri(reverse("drills:calendar-ics", args=[secret])) if secret else None
    response = render(
        request,
        "drills/calendar_feed.html",
        {
            "live": live,
            "feed_url": feed_url,
            # One click subscribes in Apple Calendar and Outlook; Google Calendar takes the https address.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def calendar_ics(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed itself, fetched by calendar apps without a session: every fetch is audited."""
    token, user = services.feed_owner(secret)
    if user is None:
        # A dead address names its owner and their district; an unknown one names nobody.
        audit.record(
            AuditEvent.Action.DENIED_NOT_FOUND,
            request=request,
            actor=token.user if token else None,
            object_type="drills.calendarfeed",
            object_id=str(token.pk) if token else "",
            district_id=services.feed_refusal_district_id(token) if token else None,
            note="dead feed address (revoked)" if token else "unknown feed address",
        )
        raise Http404(_("This calendar address does not work (any more)."))
    drills = services.feed_drills(user)
    body = services.feed_calendar(drills, host=request.get_host(),
                                  base_url=request.build_absolute_uri("/").rstrip("/"))
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    audit.record(
        AuditEvent.Action.VIEW,
        request=request,
        actor=user,
        object_type="drills.calendarfeed",
        object_id=str(token.pk),
        note="iCal fetch",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --------------------------------------------------------------------------------------------
# The district's drill settings
# --------------------------------------------------------------------------------------------


@login_required
def drill_settings(request: HttpRequest) -> HttpResponse:
    """A district admin chooses whether drills whose log is not signed yet count toward compliance."""
    require_any(request, DrillSettings, "change")
    district = _admin_district(request.user)
    if district is None:
        refuse(request, None, "drill settings", _("Your role does not allow this."))
    row = DrillSettings.objects.filter(district=district).first() or DrillSettings(district=district)
    # (not ``request.POST or None``: with the box unticked a POST may carry no field at all)
    form = DrillSettingsForm(request.POST if request.method == "POST" else None, instance=row)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            row = form.save(commit=False)
            row.district, row.updated_at = district, timezone.now()
            row.save()
            audit.record(AuditEvent.Action.UPDATE, request=request, obj=row, fields=["unsigned_drills_count"])
        messages.success(request, _("Saved. Compliance statuses and new drill log PDFs follow this rule."))
        return HttpResponseRedirect(request.path)
    return render(request, "drills/drill_settings.html",
                  {"form": form, "district": district, "rule": row.unsigned_drills_count},
                  status=400 if form.errors else 200)

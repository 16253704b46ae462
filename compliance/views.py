"""Pages of the compliance app: the ten-action dashboard, one school's actions, generated documents."""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import scope
from portal.crud import ScopedCRUDView, get_scoped_or_404, refuse, require_action, require_any
from portal.csv_export import csv_response
from portal.dates import as_of_for
from portal.forms import parse_id
from portal.permissions import STAFF_ROLES
from portal.uploads import serve_file
from schools.models import Membership, School, SchoolYear
from schools.views import PortalFilterSet

from . import dashboard, documents, reports, services
from .forms import DocumentRequestForm, ReportScheduleForm
from .models import GeneratedDocument, ReportSchedule

# --- Dashboard ---------------------------------------------------------------------------------


def home_context(request) -> dict:
    """Home panel (compliance/integrations.py): the dashboard on the home page."""
    context = dashboard.build(request)
    if context is None:
        return {}
    return {"dashboard": context, "dashboard_template": "compliance/_dashboard.html"}


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The dashboard on its own page; ``?format=csv`` downloads the filtered matrix."""
    if request.GET.get("format") == "csv":
        return _dashboard_csv(request)
    context = dashboard.build(request)
    if context is None:
        refuse_partners(request)
        return render(request, "portal/no_membership.html")
    return render(request, "compliance/dashboard.html", {"dashboard": context})


def refuse_partners(request) -> None:
    """403 for a person whose only roles are partner grants (responders): statuses are the district's."""
    memberships = getattr(request, "portal_memberships", None) or []
    if memberships and not any(m.role in STAFF_ROLES for m in memberships):
        raise PermissionDenied(_("The compliance dashboard is the district's own; your access covers the plans "
                                 "and site information of your schools."))


def _dashboard_csv(request):
    context = dashboard.build(request, paginate=False)
    if context is None:
        raise Http404(_("Nothing to export."))
    actions = context["actions"]
    header = [_("School"), _("NCES id"), _("Level")]
    for action in actions:
        header += [f"{action.number}. {action.title}", _("%(number)s. Reason") % {"number": action.number}]

    def lines():
        for row in context["rows"]:
            line = [row.school.name, row.school.nces_id, row.school.get_level_display()]
            for cell in row.cells:
                line += [cell.result.status.label, cell.result.reason if cell.show_reason else ""]
            yield line

    year = context["school_year"].name if context["school_year"] else "no-year"
    return csv_response(f"ten-actions-{year}.csv", header, lines())


@login_required
def school_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's ten actions, with reasons and next steps for the roles allowed to read them."""
    refuse_partners(request)
    school = get_scoped_or_404(request, School, pk)
    memberships = request.portal_memberships
    district = school.district
    years = SchoolYear.objects.for_user(request.user, "view").filter(district=district).order_by("-starts_on")
    current = SchoolYear.current_for(district)
    school_year = current
    if request.GET.get("year"):
        wanted = parse_id(request.GET["year"])
        school_year = years.filter(pk=wanted).first() if wanted else None
        if school_year is None:
            raise Http404(_("No such school year."))
    as_of = as_of_for(school_year, district)
    row = dashboard.rows_for([school], school_year, as_of, memberships)[0]
    profile_kind = documents.SCHOOL_PROFILE
    return render(request, "compliance/school_status.html", {
        "school": school, "row": row, "school_year": school_year, "current_year": current, "years": years,
        "as_of": as_of,
        "can_request_profile": services.may_request(request.user, profile_kind, school=school),
        "can_request_report": services.may_request(request.user, reports.SCHOOL_REPORT, school=school),
        "evidence": dashboard.evidence_for(school, school_year, row),
    })


# --- Documents ---------------------------------------------------------------------------------


class DocumentFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=documents.choices, label=_l("Document"))
    status = django_filters.ChoiceFilter(choices=GeneratedDocument.Status.choices, label=_l("Status"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_l("School"))

    class Meta:
        model = GeneratedDocument
        fields = ["kind", "status", "school"]


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    qs = GeneratedDocument.objects.for_user(request.user, "view").select_related("school", "requested_by")
    selected = getattr(request, "selected_school", None)
    if selected is not None:
        qs = qs.filter(school=selected)
    filterset = DocumentFilter(request.GET, queryset=qs, request=request)
    page = Paginator(filterset.qs.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "compliance/document_list.html", {
        "page": page, "filterset": filterset,
        "can_request": scope.can_anywhere(request.user, "compliance.generateddocument", "add"),
    })


@login_required
def document_request(request: HttpRequest) -> HttpResponse:
    require_any(request, GeneratedDocument, "add")
    initial = {k: request.GET[k] for k in ("kind", "school", "school_year") if request.GET.get(k)}
    form = DocumentRequestForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        # A district-wide document belongs to the district where the person holds a district-wide role
        # that may request it (else their first membership's, and the request is refused below).
        district = school.district if school is not None else _district_for(request, form.cleaned_data["kind_spec"])
        try:
            document = services.document_request(
                kind=form.cleaned_data["kind"], school=school, district=district,
                school_year=form.cleaned_data["school_year"], by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            form.add_error("school", _("You may not request this document for %(school)s.")
                           % {"school": school})
        else:
            # No flash message: it would stay on the page beside "Ready" once the progress part turns ready.
            # The progress part says what is happening (compliance/_document_progress.html).
            return HttpResponseRedirect(reverse("compliance:document-detail", args=[document.pk]))
    return render(request, "compliance/document_request.html", {"form": form},
                  status=400 if form.errors else 200)


def _district_for(request, kind):
    for m in request.portal_memberships:
        if m.district_id and services.may_request(request.user, kind, district=m.district):
            return m.district
    return request.portal_memberships[0].home_district


def _document_context(request, document):
    return {
        "document": document,
        "kind_label": dict(documents.choices()).get(document.kind, document.kind),
        "polling": document.status in (GeneratedDocument.Status.QUEUED, GeneratedDocument.Status.RENDERING),
        "can_download": scope.can(request.user, document, "download")
        and reports.may_read_reasons(request.user, document),
        "can_retry": scope.can(request.user, document, "add"),
    }


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_scoped_or_404(request, GeneratedDocument, pk)
    return render(request, "compliance/document_detail.html", _document_context(request, document))


@login_required
def document_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial that the detail page polls with htmx while the document is being made."""
    document = get_scoped_or_404(request, GeneratedDocument, pk)
    return render(request, "compliance/_document_progress.html", _document_context(request, document))


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, through the scope check and audited; never a public media URL."""
    document = get_scoped_or_404(request, GeneratedDocument, pk)
    require_action(request, document, "download")
    if not reports.may_read_reasons(request.user, document):
        refuse(request, document, "reasons beyond the person's roles",
               _("This report prints reasons your role may not read. Request your own copy: it shows what "
                 "your role may read."))
    if document.status != GeneratedDocument.Status.READY or not document.file:
        raise Http404(_("This document is not ready."))
    return serve_file(request, document.file, services.file_name_for(document), document, action="download")


@login_required
@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_scoped_or_404(request, GeneratedDocument, pk)
    require_action(request, document, "add")
    if not services.document_retry(document=document, by=request.user):
        messages.info(request, _("This document is not in a failed state; nothing to retry."))
    return HttpResponseRedirect(reverse("compliance:document-detail", args=[document.pk]))


# --- Scheduled reports -------------------------------------------------------------------------


class ReportScheduleFilter(PortalFilterSet):
    frequency = django_filters.ChoiceFilter(choices=ReportSchedule.Frequency.choices, label=_l("How often"))
    is_active = django_filters.BooleanFilter(label=_l("Active"))

    class Meta:
        model = ReportSchedule
        fields = ["frequency", "is_active"]


def _admin_district(user):
    """The district a district admin manages (the first, if several)."""
    for m in scope.active_memberships_for(user):
        if m.role == Membership.Role.DISTRICT_ADMIN and m.district_id:
            return m.district
    return None


class ReportScheduleCRUD(ScopedCRUDView):
    """District admins schedule the district compliance report to their district leaders (beat rows)."""

    model = ReportSchedule
    form_class = ReportScheduleForm
    filterset_class = ReportScheduleFilter
    list_columns = ["frequency", "day_of_month", "language", "is_active"]
    detail_fields = ["frequency", "day_of_month", "recipient_names", "language", "is_active", "created_by",
                     "created_at"]
    url_base = "reportschedule"
    url_plural = "scheduled-reports"
    allow_delete = True
    ordering = ["day_of_month", "pk"]
    add_label = _l("Schedule a report")
    add_first_label = _l("Schedule the district compliance report")
    empty_message = _l("No report is scheduled. Schedule the district compliance report to reach your district "
                       "leaders by email every month or quarter.")
    no_match_message = _l("No scheduled report matches these filters.")

    def new_instance(self):
        return ReportSchedule(district=_admin_district(self.request.user), created_by=self.request.user)

    def do_create(self, request):
        require_any(request, self.model, "add")
        if _admin_district(request.user) is None:
            raise PermissionDenied(_("Only a district administrator schedules reports."))
        return super().do_create(request)

    def column_label(self, name):
        if name == "recipient_names":
            return _("Send to")
        return super().column_label(name)

    def column_value(self, obj, name):
        if name == "recipient_names":
            return ", ".join(str(u) for u in obj.recipients.order_by("display_name")) or "—"
        return super().column_value(obj, name)

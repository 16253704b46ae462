"""Pages of threat assessment: the case list and the case's working page, a form for each part of a case,
teams, the disclosure ledger, the district's settings, retention, and the equity dashboard.

Every record is loaded through ``for_user`` (the case's team and the district threat team only: see
``models.py``): outside that scope a 404, inside but not allowed a 403. Every read of a case, its list,
its ledger and its file is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from portal import audit, scope
from portal.crud import (
    Column,
    ScopedCRUDView,
    get_scoped_or_404,
    refuse,
    require_action,
    require_any,
    save_in_scope,
)
from portal.signed import SignedPages, sign_view
from portal.uploads import serve_file
from schools.models import AuditEvent, Membership

from . import equity, services
from . import steps as model_steps
from .filters import CaseFilter, DisclosureFilter
from .forms import (
    CaseForm,
    CheckInRecordForm,
    CheckInScheduleForm,
    ClosureForm,
    DisclosureForm,
    InterventionForm,
    InterviewForm,
    LegalHoldForm,
    PrivateNoteForm,
    StepForm,
    TeamForm,
    TeamMemberForm,
    ThemesForm,
    ThreatSettingsForm,
)
from .models import (
    Case,
    CaseClosure,
    CaseFile,
    CheckIn,
    DestructionRecord,
    Disclosure,
    Intervention,
    PrivateNote,
    Team,
    TeamMember,
    ThreatSettings,
)


def _district_of(user, roles=None):
    """The person's district (their first active membership's, of ``roles`` when given)."""
    for m in scope.active_memberships_for(user):
        if roles is None or m.role in roles:
            return m.home_district
    return None


def _district_threat_team(user) -> list:
    """Districts where the person is on the district threat team (a district-wide threat_team role)."""
    return [m.district for m in scope.active_memberships_for(user)
            if m.role == Membership.Role.THREAT_TEAM and m.district_id]


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


class CaseCRUD(ScopedCRUDView):
    model = Case
    form_class = CaseForm
    filterset_class = CaseFilter
    list_columns = [Column("number", _l("Case")), "subject_name", "school", "grade", "referred_on",
                    "classification", Column("status", _l("Status"), template="threat_mgmt/_case_status.html")]
    url_base = "case"
    ordering = ["-referred_on", "-id"]
    audit_reads = True
    add_label = _l("Open a case")
    add_first_label = _l("Open the first case")
    empty_message = _l("No threat assessment cases. When a concerning behaviour or statement is reported, open a "
                       "case here to assess it with the team.")
    no_match_message = _l("No case matches these filters.")

    def do_list(self, request):
        audit.record(AuditEvent.Action.VIEW, request=request, object_type="threat_mgmt.case", note="list")
        return super().do_list(request)

    def get_form(self, data=None, files=None, instance=None, action="change"):
        district = instance.school.district if instance.school_id else _district_of(self.request.user)
        records_race = bool(district and ThreatSettings.objects.filter(
            district=district, records_race_ethnicity=True).exists())
        initial = {}
        selected = getattr(self.request, "selected_school", None)
        if instance.pk is None:
            initial["referred_on"] = district.local_today() if district else None
            if selected is not None:
                initial["school"] = selected.pk
        return CaseForm(data=data, files=files, instance=instance, user=self.request.user, initial=initial,
                        scope_action=action, records_race=records_race)

    def new_instance(self):
        district = _district_of(self.request.user, roles={Membership.Role.THREAT_TEAM})
        return Case(model=ThreatSettings.model_of(district) if district else model_steps.CSTAG,
                    created_by=self.request.user)

    def is_locked(self, obj):
        return obj.is_closed

    def refuse_if_locked(self, obj):
        if obj.is_closed:
            refuse(self.request, obj, "closed", _("This case is closed: its records are kept as they were."))

    def do_detail(self, request, pk):
        case = self.get_object(pk, "view")
        audit.record(AuditEvent.Action.VIEW, request=request, obj=case)
        return render(request, "threat_mgmt/case_detail.html", self.base_context(**case_context(request, case)))


def case_context(request, case: Case) -> dict:
    """The case's working page: what the model requires, what is done, every part and what may be done."""
    case = (Case.objects.select_related("school__district", "tip", "created_by").prefetch_related(
        "step_records__recorded_by", "interviews__interviewer", "themes", "interventions__owner",
        "checkins__held_by", "disclosures__recorded_by", "files")
        .get(pk=case.pk))
    user = request.user
    today = case.school.district.local_today()
    done = case.satisfied_steps()
    required = case.required_steps()
    can_change = scope.can(user, case, "change") and not case.is_closed
    closure = CaseClosure.objects.filter(case=case).select_related("signed_by").first()
    team = Team.objects.filter(school=case.school).with_roster().first()
    records = {r.step: r for r in case.step_records.all()}
    steps = [{"code": code, "step": model_steps.STEPS[code], "required": code in required, "done": code in done,
              "record": records.get(code)} for code in model_steps.STEPS_BY_MODEL[case.model]]
    theme_labels = dict(model_steps.NTAC_THEMES)
    tip_url = ""
    if case.tip_id and scope.can_anywhere(user, "reporting.tip", "view"):
        try:
            tip_url = reverse("reporting:tip-detail", args=[case.tip_id])
        except NoReverseMatch:
            tip_url = ""
    return {
        "tip_url": tip_url,
        "case": case,
        "object": case,
        "today": today,
        "steps": steps,
        "missing": case.missing_steps(),
        "classification_rows": model_steps.classification_rows(case.model),
        "when_in_doubt": model_steps.WHEN_IN_DOUBT,
        "themes": [(theme_labels.get(t.theme, t.theme), t) for t in case.themes.all()],
        "themes_total": len(model_steps.NTAC_THEMES),
        "private_notes": PrivateNote.objects.for_user(user).filter(case=case),
        "closure": closure,
        "team": team,
        "team_missing": team.missing_disciplines(today) if team else None,
        "case_members": TeamMember.objects.filter(case=case).select_related("user"),
        "can_change": can_change,
        "can_export": scope.can(user, case, "export"),
        "can_disclose": scope.can(user, case, "change"),
        "hold_form": LegalHoldForm(initial={"hold": case.legal_hold, "reason": case.legal_hold_reason}),
        "iep_notice": case.has_iep_or_504,
    }


def _load_case(request, pk, action="change", *, open_only=True) -> Case:
    case = get_scoped_or_404(request, Case, pk)
    require_action(request, case, action)
    if open_only and case.is_closed:
        refuse(request, case, "closed", _("This case is closed: its records are kept as they were."))
    return case


def _form_page(request, case, form, *, title, intro="", status=None, template="threat_mgmt/case_part_form.html",
               **extra):
    return render(request, template, {"case": case, "form": form, "title": title, "intro": intro, **extra},
                  status=status or (400 if form.errors else 200))


def _to_case(case, anchor=""):
    return HttpResponseRedirect(reverse("threat_mgmt:case-detail", args=[case.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
def case_from_tip(request: HttpRequest, tip_pk: int) -> HttpResponse:
    """Open a case from a tip the person may read: the tip's content copied in, and the case linked to it."""
    from reporting.models import Tip

    tip = get_scoped_or_404(request, Tip, tip_pk)
    require_any(request, Case, "add")
    district = tip.district
    instance = Case(model=ThreatSettings.model_of(district), created_by=request.user, tip=tip,
                    referral_source=Case.Source.TIP)
    parts = [tip.what_happened]
    if tip.when_happened:
        parts.append(_("When: %(when)s") % {"when": tip.when_happened})
    if tip.where_happened:
        parts.append(_("Where: %(where)s") % {"where": tip.where_happened})
    initial = {"school": tip.school_id, "referral_source": Case.Source.TIP, "concerning_behavior": "\n".join(parts),
               "targets": tip.people_involved, "referred_by": _("Tip %(code)s") % {"code": tip.code},
               "referred_on": timezone.localdate(tip.created_at, district.tz)}
    records_race = ThreatSettings.objects.filter(district=district, records_race_ethnicity=True).exists()
    form = CaseForm(request.POST or None, instance=instance, user=request.user, initial=initial, scope_action="add",
                    records_race=records_race)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["school"].district_id != district.pk:
            form.add_error("school", _("Choose a school of the tip's district."))
        else:
            case = save_in_scope(request, form, "add")
            messages.success(request, _("Case %(number)s opened from the tip.") % {"number": case.pk})
            return _to_case(case)
    return render(request, "threat_mgmt/case_form.html",
                  {"form": form, "tip": tip, "title": _("Open a case from tip %(code)s") % {"code": tip.code}},
                  status=400 if form.errors else 200)


@login_required
def step_record(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = _load_case(request, pk)
    if step not in model_steps.STEPS_BY_MODEL[case.model]:
        raise Http404(_("No such step in this case's model."))
    definition = model_steps.STEPS[step]
    today = case.school.district.local_today()
    existing = case.step_records.filter(step=step).first()
    form = StepForm(request.POST or None, today=today,
                    initial={"done_on": existing.done_on if existing else today,
                             "notes": existing.notes if existing else ""})
    if request.method == "POST" and form.is_valid():
        services.step_record(case=case, step=step, done_on=form.cleaned_data["done_on"],
                             notes=form.cleaned_data["notes"], by=request.user, request=request)
        messages.success(request, _("Step recorded: %(step)s.") % {"step": definition.name})
        return _to_case(case, "steps")
    return _form_page(request, case, form, title=definition.name, intro=definition.definition)


def _child_page(request, case, form_class, *, title, intro="", anchor="", prepare=None, instance=None):
    """Add (or edit) one record of a case with its form; saved in scope and audited, or nothing saved."""
    form = form_class(request.POST or None, instance=instance, user=request.user, case=case,
                      scope_action="change" if instance is not None else "add")
    if prepare is not None:
        prepare(form.instance)
    if request.method == "POST" and form.is_valid():
        save_in_scope(request, form, "change" if instance is not None else "add")
        messages.success(request, _("Saved."))
        return _to_case(case, anchor)
    return _form_page(request, case, form, title=title, intro=intro)


@login_required
def interview_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk)
    return _child_page(request, case, InterviewForm, title=_("Record an interview"), anchor="interviews",
                       intro=_("Structured interviews: the person of concern, targets, witnesses and parents."))


@login_required
def intervention_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk)
    intro = _("Each intervention of the safety and support plan has an owner and a due date; the owner sees it "
              "on My tasks.")
    if case.has_iep_or_504:
        intro += " " + _("This student has an IEP or a 504 plan: notify the IEP or 504 team before any "
                         "disciplinary change of placement.")
    return _child_page(request, case, InterventionForm, title=_("Add an intervention"), anchor="plan", intro=intro)


@login_required
@require_POST
def intervention_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(request, Intervention, pk)
    if item.owner_id != request.user.pk:
        require_action(request, item, "change")
    if item.case.is_closed:
        refuse(request, item, "closed", _("This case is closed."))
    with transaction.atomic():
        item.mark_done(by=request.user)
        audit.record(AuditEvent.Action.UPDATE, request=request, obj=item, fields=["done_at", "done_by"])
    messages.success(request, _("Marked done."))
    if not scope.can(request.user, item.case, "view"):  # an owner outside the team: back to their tasks
        return HttpResponseRedirect(reverse("portal:my-tasks"))
    return _to_case(item.case, "plan")


@login_required
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk, open_only=False)
    return _child_page(request, case, PrivateNoteForm, title=_("Write a private note"), anchor="notes",
                       intro=_("Only you will ever see this note. It is never exported or printed."),
                       prepare=lambda note: setattr(note, "author", request.user))


@login_required
def disclosure_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk, open_only=False)
    return _child_page(request, case, DisclosureForm, title=_("Record a disclosure"), anchor="disclosures",
                       intro=_("FERPA: record every disclosure of this case's information outside the team."),
                       prepare=lambda row: setattr(row, "recorded_by", request.user))


@login_required
def themes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import ThemeNote

    case = _load_case(request, pk)
    existing = {t.theme: t for t in case.themes.all()}
    form = ThemesForm(request.POST or None, existing=existing)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for code, _label in model_steps.NTAC_THEMES:
                finding = form.cleaned_data.get(f"{code}_finding")
                notes = form.cleaned_data.get(f"{code}_notes", "")
                if finding:
                    ThemeNote.objects.update_or_create(case=case, theme=code,
                                                       defaults={"finding": finding, "notes": notes})
                elif code in existing:
                    existing[code].delete()
            audit.record(AuditEvent.Action.UPDATE, request=request, obj=case, fields=["themes"])
        messages.success(request, _("Investigative themes saved."))
        return _to_case(case, "themes")
    return _form_page(request, case, form, title=_("NTAC investigative themes"),
                      template="threat_mgmt/themes_form.html",
                      intro=_("For each theme: is it a concern, with notes on what the team learned."))


@login_required
def checkin_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk)
    today = case.school.district.local_today()
    form = CheckInScheduleForm(request.POST or None, initial={"first_on": today})
    if request.method == "POST" and form.is_valid():
        rows = services.checkins_schedule(case=case, by=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("%(n)s check-ins scheduled.") % {"n": len(rows)})
        return _to_case(case, "monitoring")
    return _form_page(request, case, form, title=_("Schedule monitoring check-ins"),
                      intro=_("Check-ins due on these days appear on the team's My tasks and in the digest when "
                              "overdue."))


@login_required
def checkin_record(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_scoped_or_404(request, CheckIn, pk)
    require_action(request, checkin, "change")
    case = checkin.case
    if case.is_closed:
        refuse(request, checkin, "closed", _("This case is closed."))
    today = case.school.district.local_today()
    form = CheckInRecordForm(request.POST or None, instance=checkin, today=today,
                             initial={"held_on": checkin.held_on or today})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            checkin = form.save(commit=False)
            checkin.held_by = request.user
            checkin.save()
            audit.record(AuditEvent.Action.UPDATE, request=request, obj=checkin, fields=["held_on", "notes"])
        messages.success(request, _("Check-in recorded."))
        return _to_case(case, "monitoring")
    return _form_page(request, case, form, title=_("Record the check-in due %(day)s") % {"day": checkin.due_on})


@login_required
def closure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The closure's outcome (a draft until signed); signing it closes the case."""
    case = _load_case(request, pk)
    closure = CaseClosure.objects.filter(case=case).first()
    form = ClosureForm(request.POST or None, instance=closure, user=request.user, case=case,
                       scope_action="change" if closure else "add",
                       initial={} if closure else {"closed_on": case.school.district.local_today()})
    if request.method == "POST" and form.is_valid():
        closure = save_in_scope(request, form, "change" if closure else "add")
        return HttpResponseRedirect(reverse("threat_mgmt:closure-sign", args=[closure.pk]))
    return _form_page(request, case, form, title=_("Close the case"), missing=case.missing_steps(),
                      intro=_("Record the outcome, then sign: the case closes only when every step its "
                              "classification requires is recorded."))


CLOSURE_PAGES = SignedPages(model=CaseClosure, list_url="threat_mgmt:case-list", list_label=_l("Cases"),
                            detail_url="threat_mgmt:closure-detail", update_url="")


@login_required
def closure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_scoped_or_404(request, CaseClosure, pk)
    return _to_case(closure.case, "closure")


@login_required
def closure_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return sign_view(request, pk, pages=CLOSURE_PAGES, sign=services.closure_sign)


@login_required
@require_POST
def legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk, open_only=False)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return _to_case(case, "retention")
    services.legal_hold_set(case=case, hold=form.cleaned_data["hold"], reason=form.cleaned_data["reason"],
                            by=request.user, request=request)
    messages.success(request, _("Legal hold placed.") if form.cleaned_data["hold"] else _("Legal hold lifted."))
    return _to_case(case, "retention")


@login_required
@require_POST
def case_file_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load_case(request, pk, action="export", open_only=False)
    services.case_file_request(case=case, by=request.user, request=request)
    messages.success(request, _("The case file is being prepared; it appears below when ready."))
    return _to_case(case, "files")


@login_required
def case_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = get_scoped_or_404(request, CaseFile, pk)
    require_action(request, case_file, "download")
    if case_file.status != CaseFile.Status.READY or not case_file.file:
        raise Http404(_("This case file is not ready."))
    return serve_file(request, case_file.file, f"case-{case_file.case_id}-file-{case_file.pk}.pdf", case_file,
                      action="download")


@login_required
def case_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone to this case only (an outside clinician, for a set period)."""
    case = _load_case(request, pk)
    team = Team.objects.filter(school=case.school).first()
    if team is None:
        messages.error(request, _("This school has no threat assessment team yet: create it first."))
        return _to_case(case, "team")
    require_action(request, team, "view")
    form = TeamMemberForm(request.POST or None, user=request.user, team=team, scope_action="add")
    form.instance.case = case
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            member = form.save()
            audit.record(AuditEvent.Action.CREATE, request=request, obj=member, fields=form.changed_data)
        messages.success(request, _("%(person)s added to this case.") % {"person": member.user})
        return _to_case(case, "team")
    return _form_page(request, case, form, title=_("Add someone to this case"),
                      intro=_("They see this case (and only this one) until the end date."))


# --------------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------------


class TeamCRUD(ScopedCRUDView):
    model = Team
    form_class = TeamForm
    list_columns = ["school", "name", Column("missing", _l("Disciplines missing"),
                                             template="threat_mgmt/_team_missing.html")]
    url_base = "team"
    ordering = ["school__name"]
    add_label = _l("Create a team")
    add_first_label = _l("Create the first team")
    empty_message = _l("No threat assessment teams yet. Each school needs one: an administrator, a mental health "
                       "professional and law enforcement at least.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).with_roster().select_related("school__district")

    def do_detail(self, request, pk):
        team = self.get_object(pk, "view")
        today = team.school.district.local_today()
        members = list(team.members.select_related("user", "case").order_by("case_id", "discipline"))
        return render(request, "threat_mgmt/team_detail.html", self.base_context(
            object=team, team=team, members=members, today=today, missing=team.missing_disciplines(today),
            can_change=scope.can(request.user, team, "change"), update_url=self.url_for("update", team)))


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_scoped_or_404(request, Team, pk)
    require_action(request, team, "change")
    form = TeamMemberForm(request.POST or None, user=request.user, team=team, scope_action="add")
    if request.method == "POST" and form.is_valid():
        save_in_scope(request, form, "add")
        messages.success(request, _("Member added."))
        return HttpResponseRedirect(reverse("threat_mgmt:team-detail", args=[team.pk]))
    return render(request, "threat_mgmt/team_member_form.html", {"team": team, "form": form,
                                                                  "title": _("Add a team member")},
                  status=400 if form.errors else 200)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(request, TeamMember, pk)
    require_action(request, member, "change")
    form = TeamMemberForm(request.POST or None, instance=member, user=request.user, team=member.team)
    if request.method == "POST" and form.is_valid():
        save_in_scope(request, form, "change")
        messages.success(request, _("Member saved."))
        return HttpResponseRedirect(reverse("threat_mgmt:team-detail", args=[member.team_id]))
    return render(request, "threat_mgmt/team_member_form.html", {"team": member.team, "form": form,
                                                                  "title": _("Edit %(m)s") % {"m": member}},
                  status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# The disclosure ledger
# --------------------------------------------------------------------------------------------


class DisclosureCRUD(ScopedCRUDView):
    model = Disclosure
    filterset_class = DisclosureFilter
    list_columns = [Column("disclosed_on", _l("Disclosed on")), "case", "recipient", "basis"]
    url_base = "disclosure"
    ordering = ["-disclosed_on", "-id"]
    audit_reads = True
    empty_message = _l("No disclosures recorded. Record each disclosure outside the team from the case's page.")
    detail_fields = ["case", "disclosed_on", "recipient", "information", "basis", "threat_description",
                     "recorded_by", "recorded_at"]

    @classmethod
    def get_urls(cls):
        return [u for u in super().get_urls() if u.name.endswith(("-list", "-detail"))]

    def do_list(self, request):
        audit.record(AuditEvent.Action.VIEW, request=request, object_type="threat_mgmt.disclosure", note="list")
        return super().do_list(request)

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("recorded_by")


# --------------------------------------------------------------------------------------------
# The district: settings, retention, equity
# --------------------------------------------------------------------------------------------


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    require_any(request, ThreatSettings, "change")
    district = _district_of(request.user, roles={Membership.Role.DISTRICT_ADMIN})
    if district is None:
        refuse(request, None, "district admin", _("Only a district administrator sets this."))
    row = ThreatSettings.for_district(district)
    form = ThreatSettingsForm(request.POST or None, instance=row, user=request.user)
    if request.method == "POST" and form.is_valid():
        save_in_scope(request, form, "change")
        messages.success(request, _("Settings saved."))
        return HttpResponseRedirect(reverse("threat_mgmt:settings"))
    return render(request, "threat_mgmt/settings.html", {"form": form, "settings_row": row},
                  status=400 if form.errors else 200)


@login_required
def retention(request: HttpRequest) -> HttpResponse:
    """Closed cases past the district's retention period (unless held), and what was destroyed."""
    require_any(request, ThreatSettings, "destroy")
    district = _district_of(request.user, roles={Membership.Role.THREAT_TEAM})
    row = ThreatSettings.for_district(district)
    today = district.local_today()
    due = services.due_for_destruction(Case.objects.for_user(request.user, "view"), row, today).select_related(
        "school").order_by("closed_on", "pk")[:200]
    held = Case.objects.for_user(request.user, "view").filter(legal_hold=True).select_related("school")[:200]
    audit.record(AuditEvent.Action.VIEW, request=request, object_type="threat_mgmt.case", note="retention list")
    destroyed = DestructionRecord.objects.for_user(request.user, "view").select_related(
        "school", "destroyed_by")[:50]
    return render(request, "threat_mgmt/retention.html", {
        "settings_row": row, "due": due, "held": held, "destroyed": destroyed, "today": today,
        "can_destroy": bool(_district_threat_team(request.user))})


@login_required
@require_POST
def case_destroy(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_scoped_or_404(request, Case, pk)
    if case.school.district not in _district_threat_team(request.user):
        refuse(request, case, "destroy", _("Only the district threat team destroys records."))
    try:
        services.case_destroy(case=case, by=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Case %(number)s destroyed; the record of its destruction is kept.")
                         % {"number": pk})
    return HttpResponseRedirect(reverse("threat_mgmt:retention"))


@login_required
def equity_dashboard(request: HttpRequest) -> HttpResponse:
    require_any(request, ThreatSettings, "analyze")
    context = equity.build(request)
    audit.record(AuditEvent.Action.VIEW, request=request, object_type="threat_mgmt.case", note="equity dashboard")
    return render(request, "threat_mgmt/equity.html", context)


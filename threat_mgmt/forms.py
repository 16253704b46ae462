"""Forms of the threat assessment pages: each names its fields (never status, closure or hold fields)."""

import datetime as dt

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.crud import ScopedModelForm
from portal.forms import DateInput, date_in_range
from schools.models import Membership, School, User

from . import steps as model_steps
from .models import (
    Case,
    CaseClosure,
    CheckIn,
    Disclosure,
    Intervention,
    Interview,
    PrivateNote,
    Team,
    TeamMember,
    ThemeNote,
    ThreatSettings,
)


def classification_help(model: str) -> str:
    """The classifications' definitions and the "when in doubt" rule, shown under the field."""
    rows = format_html_join("", "<li><strong>{}</strong>: {}</li>",
                            ((label, definition) for _v, label, definition in model_steps.classification_rows(model)))
    return format_html('<ul class="mb-1">{}</ul><strong>{}</strong>', rows, model_steps.WHEN_IN_DOUBT)


class CaseForm(ScopedModelForm):
    """Opening or editing a case: the referral, the person of concern, and (once assessed) the
    classification with the model's definitions on the form."""

    class Meta:
        model = Case
        fields = ["school", "subject_kind", "subject_name", "student_local_id", "grade", "has_iep", "has_504",
                  "race_ethnicity", "referral_source", "referred_by", "referred_on", "incident_on",
                  "concerning_behavior", "targets", "classification", "assessed_on"]
        widgets = {"referred_on": DateInput(), "incident_on": DateInput(), "assessed_on": DateInput(),
                   "concerning_behavior": forms.Textarea(attrs={"rows": 4}),
                   "targets": forms.Textarea(attrs={"rows": 2}), "classification": forms.RadioSelect()}

    def __init__(self, *args, records_race=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "school" in self.fields:
            del self.fields["school"]  # a case stays at its school (its team)
        model = self.instance.model
        allowed = model_steps.CLASSIFICATIONS_BY_MODEL[model]
        field = self.fields["classification"]
        field.choices = [("", _("Not classified yet"))] + [c for c in model_steps.CLASSIFICATION_CHOICES
                                                            if c[0] in allowed]
        field.help_text = classification_help(model)
        if not records_race:
            del self.fields["race_ethnicity"]


class StepForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), validators=[date_in_range])
    notes = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                            required=False)

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_done_on(self):
        value = self.cleaned_data["done_on"]
        if self.today and value > self.today:
            raise forms.ValidationError(_("A step is recorded once done: the date cannot be in the future."))
        return value


class CaseChildForm(ScopedModelForm):
    """A record of one case; ``case`` is set by the view, never chosen."""

    def __init__(self, *args, case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)
        self.instance.case = case
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is User:
                field.queryset = people_of_case_school(case)

    def clean(self):
        cleaned = super().clean()
        today = self.case.school.district.local_today()
        for name, value in cleaned.items():
            if isinstance(value, dt.date) and name in self.NO_FUTURE and value > today:
                self.add_error(name, _("This date is in the future."))
        return cleaned

    NO_FUTURE: tuple = ()


def people_of_case_school(case):
    """People holding a role today at the case's school or district (owners, interviewers)."""
    school = case.school
    today = school.district.local_today()
    memberships = Membership.objects.active_on(today).filter(
        models_q_school(school)).values("user_id")
    return User.objects.filter(pk__in=memberships, is_active=True).order_by("display_name")


def models_q_school(school):
    from django.db.models import Q

    return Q(school=school) | Q(district_id=school.district_id)


class InterviewForm(CaseChildForm):
    NO_FUTURE = ("held_on",)

    class Meta:
        model = Interview
        fields = ["kind", "interviewee", "held_on", "interviewer", "summary"]
        widgets = {"held_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 5})}


class InterventionForm(CaseChildForm):
    class Meta:
        model = Intervention
        fields = ["kind", "title", "owner", "due_on", "changes_placement", "iep_team_notified_on"]
        widgets = {"due_on": DateInput(), "iep_team_notified_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("changes_placement") and self.case.has_iep_or_504 and not cleaned.get("iep_team_notified_on"):
            self.add_error("iep_team_notified_on", _(
                "This student has an IEP or a 504 plan: notify the IEP or 504 team before any disciplinary "
                "change of placement, and give the date."))
        if cleaned.get("changes_placement") and cleaned.get("kind") not in (Intervention.Kind.DISCIPLINE, None):
            self.add_error("changes_placement", _("Only a discipline intervention changes placement."))
        notified = cleaned.get("iep_team_notified_on")
        if notified and notified > self.case.school.district.local_today():
            self.add_error("iep_team_notified_on", _("This date is in the future."))
        return cleaned


class CheckInScheduleForm(forms.Form):
    first_on = forms.DateField(label=_("First check-in on"), widget=DateInput(), validators=[date_in_range])
    every_days = forms.IntegerField(label=_("Then every (days)"), min_value=1, max_value=90, initial=7)
    count = forms.IntegerField(label=_("How many check-ins"), min_value=1, max_value=26, initial=4)


class CheckInRecordForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["held_on", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.fields["held_on"].validators.append(date_in_range)
        self.fields["notes"].required = True

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value and value > self.today:
            raise forms.ValidationError(_("Record a check-in once held: the date cannot be in the future."))
        return value


class PrivateNoteForm(CaseChildForm):
    class Meta:
        model = PrivateNote
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"body": _("Only you will ever see this note. It is never exported or printed.")}


class DisclosureForm(CaseChildForm):
    NO_FUTURE = ("disclosed_on",)

    class Meta:
        model = Disclosure
        fields = ["disclosed_on", "recipient", "information", "basis", "threat_description"]
        widgets = {"disclosed_on": DateInput(), "information": forms.Textarea(attrs={"rows": 3}),
                   "threat_description": forms.Textarea(attrs={"rows": 3})}


class ClosureForm(CaseChildForm):
    NO_FUTURE = ("closed_on",)

    class Meta:
        model = CaseClosure
        fields = ["closed_on", "outcome", "services_provided", "suspension", "days_out_of_school",
                  "change_of_placement", "arrest"]
        widgets = {"closed_on": DateInput(), "outcome": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        cleaned = super().clean()
        closed_on = cleaned.get("closed_on")
        if closed_on and closed_on < self.case.referred_on:
            self.add_error("closed_on", _("A case cannot close before it was referred."))
        return cleaned


class ThemesForm(forms.Form):
    """The NTAC investigative themes as one checklist: a finding and notes for each."""

    def __init__(self, *args, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        for code, label in model_steps.NTAC_THEMES:
            note = existing.get(code)
            self.fields[f"{code}_finding"] = forms.ChoiceField(
                label=label, choices=[("", _("Not reviewed"))] + list(ThemeNote.Finding.choices), required=False,
                initial=note.finding if note else "")
            self.fields[f"{code}_notes"] = forms.CharField(
                label=_("Notes on: %(theme)s") % {"theme": label}, required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}), initial=note.notes if note else "")

    def clean(self):
        cleaned = super().clean()
        for code, _label in model_steps.NTAC_THEMES:
            if cleaned.get(f"{code}_notes", "").strip() and not cleaned.get(f"{code}_finding"):
                self.add_error(f"{code}_finding", _("Give a finding for a theme you wrote notes on."))
        return cleaned

    def rows(self):
        return [(self[f"{code}_finding"], self[f"{code}_notes"]) for code, _label in model_steps.NTAC_THEMES]


class LegalHoldForm(forms.Form):
    hold = forms.BooleanField(label=_("Under legal hold"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             help_text=_("The litigation, request or investigation that requires keeping it."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hold") and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the case is held."))
        return cleaned


class TeamForm(ScopedModelForm):
    class Meta:
        model = Team
        fields = ["school", "name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = self.fields["school"].queryset.filter(threat_team__isnull=True)
            self.fields["school"].help_text = _("Schools that have no team yet.")


class TeamMemberForm(ScopedModelForm):
    class Meta:
        model = TeamMember
        fields = ["user", "discipline", "is_outside", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, team, **kwargs):
        self.team = team
        super().__init__(*args, **kwargs)
        self.instance.team = team
        school: School = team.school
        today = school.district.local_today()
        self.fields["user"].queryset = User.objects.filter(
            pk__in=Membership.objects.active_on(today).filter(models_q_school(school)).values("user_id"),
            is_active=True).order_by("display_name")
        self.fields["user"].help_text = _("People with a role at this school or district. An outside clinician "
                                          "needs an account with a time-limited role first.")
        if not self.instance.pk:
            self.fields["starts_on"].initial = today

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user and not self.instance.pk and TeamMember.objects.filter(team=self.team, user=user,
                                                                       case__isnull=True).exists():
            self.add_error("user", _("%(person)s is already on this team.") % {"person": user})
        return cleaned


class ThreatSettingsForm(ScopedModelForm):
    class Meta:
        model = ThreatSettings
        fields = ["model", "retention_years", "retention_rule", "records_race_ethnicity"]

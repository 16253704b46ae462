"""Coordination forms: each names its fields, never sign-off, approval or verification fields."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.crud import ScopedModelForm
from portal.forms import DateInput
from portal.scope import active_memberships_for
from portal.uploads import IMAGES, PDF_TYPES, SafeFileField
from schools.models import RESPONDER_LONGEST_GRANT_DAYS, District, School, User

from .models import (
    CoordinationPlan,
    ExerciseImprovement,
    FloorPlan,
    JointExercise,
    PartnerContact,
    PlanAttachment,
    PlanSectionKind,
    ReviewKind,
    SiteFact,
    SiteVerification,
)


def _admin_district(user):
    """The district where the person holds a district-wide role (the district a district plan belongs to)."""
    ids = {m.district_id for m in active_memberships_for(user) if m.district_id}
    return District.objects.filter(pk__in=ids).first()


class PartnerContactForm(ScopedModelForm):
    class Meta:
        model = PartnerContact
        fields = ["agency", "name", "role", "phone", "after_hours_phone", "email", "schools"]
        widgets = {"schools": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        agency, schools = cleaned.get("agency"), cleaned.get("schools") or []
        if agency is not None:
            wrong = [s for s in schools if s.district_id != agency.district_id]
            if wrong:
                self.add_error("schools", _("%(school)s is not in the agency's district.") % {"school": wrong[0]})
        return cleaned


class PlanSectionKindForm(ScopedModelForm):
    class Meta:
        model = PlanSectionKind
        fields = ["district", "title", "order", "guidance"]


class CoordinationPlanForm(ScopedModelForm):
    class Meta:
        model = CoordinationPlan
        fields = ["school", "title", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].required = False
        if self.instance.pk:  # a plan stays the plan of its school (or the district's)
            del self.fields["school"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            return cleaned
        school = cleaned.get("school")
        if school is not None:
            self.instance.district = school.district
        elif "school" not in self.errors:
            district = _admin_district(self.user)
            if district is None:
                self.add_error("school", _("Choose the school: only a district administrator writes the "
                                           "district plan."))
            else:
                self.instance.district = district
        owner = cleaned.get("owner")
        district_id = self.instance.district_id
        if owner is not None and district_id and not owner.memberships.filter(
                school__district_id=district_id).exists() and not owner.memberships.filter(
                district_id=district_id).exists():
            self.add_error("owner", _("The owner must hold a role in the plan's district."))
        if district_id and self.instance.school_id is None and school is None and CoordinationPlan.objects.filter(
                district_id=district_id, school__isnull=True).exists():
            self.add_error("school", _("The district already has a district plan: open it instead."))
        if school is not None and CoordinationPlan.objects.filter(school=school).exists():
            self.add_error("school", _("%(school)s already has a plan: open it instead.") % {"school": school})
        return cleaned


class VersionEditForm(forms.Form):
    """The sections of a draft, one text box each, and what changed."""

    change_note = forms.CharField(label=_("What changed in this version"), max_length=300, required=False)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        for section in self.sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=section.kind.title, required=False, max_length=50_000, initial=section.body,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=section.kind.guidance or _("Markdown: # headings, - lists, **bold**."))

    def bodies(self):
        return {s.pk: self.cleaned_data.get(f"section_{s.pk}", "") for s in self.sections}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = PlanAttachment
        fields = ["title", "file"]


class SubmitForm(forms.Form):
    """Name the reviewing partners: the school's SROs and partner responders active today."""

    reviewers = forms.MultipleChoiceField(label=_("Reviewing partners"), widget=forms.CheckboxSelectMultiple,
                                          help_text=_("The district requires the partners listed above to sign."))

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["reviewers"].choices = [
            (str(m.pk), f"{m.user.display_name or m.user.email} — {m.agency} ({m.get_role_display()})")
            for m in memberships]

    def chosen(self):
        return [self.memberships[pk] for pk in self.cleaned_data["reviewers"]]


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"))
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    requests_change = forms.BooleanField(label=_("This needs a change before I can sign"), required=False)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {str(s.pk): s for s in sections}
        self.fields["section"].choices = [(str(s.pk), s.kind.title) for s in sections]

    def chosen_section(self):
        return self.sections[self.cleaned_data["section"]]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("Sign-off note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I reviewed this plan for my agency and sign it off"))


class SettingsForm(forms.Form):
    required_review_kinds = forms.MultipleChoiceField(
        label=_("Partners who must sign every school plan"), choices=ReviewKind.choices,
        widget=forms.CheckboxSelectMultiple)


class FloorPlanForm(ScopedModelForm):
    file = SafeFileField(label=_("File"), kinds=IMAGES | frozenset(PDF_TYPES),
                         help_text=_("A PDF or an image (JPG, PNG)."))

    class Meta:
        model = FloorPlan
        fields = ["building", "title", "file"]


class SiteFactForm(ScopedModelForm):
    class Meta:
        model = SiteFact
        fields = ["building", "kind", "label", "door_number", "location", "latitude", "longitude"]


class SiteVerificationForm(ScopedModelForm):
    class Meta:
        model = SiteVerification
        fields = ["school", "verified_on", "partner_agency", "partner_name", "note"]
        widgets = {"verified_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        day, school = cleaned.get("verified_on"), cleaned.get("school")
        if day and school and day > school.district.local_today():
            self.add_error("verified_on", _("The walk cannot be in the future."))
        return cleaned

    def save(self, commit=True):
        self.instance.verified_by = self.user
        return super().save(commit)


class JointExerciseForm(ScopedModelForm):
    class Meta:
        model = JointExercise
        fields = ["school", "held_on", "kind", "scenario", "agencies", "what_was_tested", "after_action"]
        widgets = {"held_on": DateInput(), "agencies": forms.CheckboxSelectMultiple}


class ImprovementForm(forms.ModelForm):
    class Meta:
        model = ExerciseImprovement
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=people_of_districts_for_school(school), is_active=True).order_by("display_name")

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due and due.year > 2200:
            raise ValidationError(_("Enter a date before 2200."))
        return due


def people_of_districts_for_school(school):
    from schools.models import Membership

    # One filter, not a UNION: Membership's default ordering would put ORDER BY in the union's parts,
    # which SQLite (make run's database) refuses.
    here = Q(school__district_id=school.district_id) | Q(district_id=school.district_id)
    return Membership.objects.filter(here, pending=False).order_by().values("user_id")


class GrantForm(forms.Form):
    """A responder grant for a partner contact: which schools, until when (at most a year)."""

    schools = forms.ModelMultipleChoiceField(label=_("Schools"), queryset=School.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    ends_on = forms.DateField(label=_("Access ends on"), widget=DateInput(),
                              help_text=_("At most one year from today; renew it after a new review."))

    def __init__(self, *args, district, contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.district, self.contact = district, contact
        self.fields["schools"].queryset = School.objects.filter(district=district).order_by("name")
        self.fields["schools"].initial = [s.pk for s in contact.schools.all()]

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        today = self.district.local_today()
        if ends_on < today:
            raise ValidationError(_("The end date is in the past."))
        if (ends_on - today).days > RESPONDER_LONGEST_GRANT_DAYS or ends_on > today + dt.timedelta(days=366):
            raise ValidationError(_("A responder's access ends at most one year from today."))
        return ends_on

    def clean(self):
        cleaned = super().clean()
        if not self.contact.email:
            raise ValidationError(_("Add the contact's email first: the invitation goes there."))
        return cleaned

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import scope
from portal.crud import ScopedModelForm
from schools.models import Membership, School, SchoolYear

from . import documents, schedules, services
from .models import ReportSchedule


class DocumentRequestForm(forms.Form):
    """Ask for a document: which kind, about which school, for which school year."""

    kind = forms.ChoiceField(label=_("Document"))
    school = forms.ModelChoiceField(queryset=None, required=False, label=_("School"))
    school_year = forms.ModelChoiceField(queryset=None, required=False, label=_("School year"),
                                         empty_label=_("The current school year"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kinds = {k.key: k for k in documents.kinds()
                      if scope.can_anywhere(user, "compliance.generateddocument", k.action)}
        self.fields["kind"].choices = [(k.key, k.label) for k in self.kinds.values()]
        schools = School.objects.none()
        for kind in self.kinds.values():
            schools = schools | services.schools_for_request(user, kind)
        self.fields["school"].queryset = schools.order_by("name").distinct()
        self.fields["school_year"].queryset = SchoolYear.objects.for_user(user, "view").order_by("-starts_on")

    def clean(self):
        cleaned = super().clean()
        kind = self.kinds.get(cleaned.get("kind"))
        school, school_year = cleaned.get("school"), cleaned.get("school_year")
        if kind is None:
            return cleaned
        if not kind.needs_school and school is not None:
            self.add_error("school", _("This document covers the whole district: leave the school empty."))
        elif not kind.needs_school and not any(
                m.district_id and services.may_request(self.user, kind, district=m.district)
                for m in scope.active_memberships_for(self.user)):
            self.add_error("kind", _("Only district leaders and administrators request this document."))
        elif kind.needs_school and school is None:
            self.add_error("school", _("Choose the school this document is about."))
        elif school is not None and not services.may_request(self.user, kind, school=school):
            self.add_error("school", _("You may not request this document for %(school)s.")
                           % {"school": school})
        if school is not None and school_year is not None and school_year.district_id != school.district_id:
            self.add_error("school_year", _("This school year belongs to another district."))
        cleaned["kind_spec"] = kind
        return cleaned


class ReportScheduleForm(ScopedModelForm):
    """A scheduled district report: how often, which day, to whom (the district's leaders), in which language."""

    class Meta:
        model = ReportSchedule
        fields = ["frequency", "day_of_month", "recipients", "language", "is_active"]
        widgets = {"recipients": forms.CheckboxSelectMultiple}
        help_texts = {"recipients": _("District leaders and administrators of the district. Each gets an email "
                                      "with a link to their own copy.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.instance.district if self.instance.district_id else None
        ids = []
        if district is not None:
            today = district.local_today()
            ids = [m.user_id for m in Membership.objects.filter(
                district=district, role__in=schedules.RECIPIENT_ROLES, user__is_active=True) if m.is_active_on(today)]
        self.fields["recipients"].queryset = self.fields["recipients"].queryset.filter(pk__in=ids).order_by(
            "display_name", "email")
        self.fields["day_of_month"].widget.attrs.update(min=1, max=28)

    def clean_day_of_month(self):
        day = self.cleaned_data.get("day_of_month")
        if day is not None and not 1 <= day <= 28:
            raise forms.ValidationError(_("Choose a day from 1 to 28, so that every month has it."))
        return day

    def clean_recipients(self):
        recipients = self.cleaned_data.get("recipients")
        if recipients is not None and not recipients.exists():
            raise forms.ValidationError(_("Choose at least one person to send the report to."))
        return recipients

    def save(self, commit=True):
        schedule = super().save(commit=commit)
        if commit:
            schedules.sync(schedule)
        return schedule

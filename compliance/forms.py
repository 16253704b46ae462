from django import forms
from django.utils.translation import gettext_lazy as _

from portal import scope
from schools.models import School, SchoolYear

from . import documents, services


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
        if kind.needs_school and school is None:
            self.add_error("school", _("Choose the school this document is about."))
        elif school is not None and not services.may_request(self.user, kind, school=school):
            self.add_error("school", _("You may not request this document for %(school)s.")
                           % {"school": school})
        if school is not None and school_year is not None and school_year.district_id != school.district_id:
            self.add_error("school_year", _("This school year belongs to another district."))
        cleaned["kind_spec"] = kind
        return cleaned

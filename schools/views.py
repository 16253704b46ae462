"""The organisation pages of district admins: schools, buildings, agencies, school years, terms, closures,
memberships (the people pages are in accounts/, the audit log in portal/)."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from portal import audit
from portal.crud import ScopedCRUDView, ScopedModelForm
from portal.filters import PortalFilterSet
from portal.forms import DateInput, parse_id
from schools.models import (
    Agency,
    AuditEvent,
    Building,
    CalendarDay,
    Membership,
    School,
    SchoolYear,
    Term,
    User,
)

# --- Filters -----------------------------------------------------------------------------------


class SchoolFilter(PortalFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_l("Name contains"))
    level = django_filters.ChoiceFilter(choices=School.Level.choices, label=_l("Level"))
    is_active = django_filters.BooleanFilter(label=_l("Open"))

    class Meta:
        model = School
        fields = ["name", "level", "is_active"]


class MembershipFilter(PortalFilterSet):
    user__display_name = django_filters.CharFilter(lookup_expr="icontains", label=_l("Name contains"))
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices, label=_l("Role"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_l("School"))

    class Meta:
        model = Membership
        fields = ["user__display_name", "role", "school"]


class CalendarDayFilter(PortalFilterSet):
    school_year = django_filters.ModelChoiceFilter(queryset=SchoolYear.objects.all(), label=_l("School year"))

    class Meta:
        model = CalendarDay
        fields = ["school_year"]


# --- Forms -------------------------------------------------------------------------------------


class SchoolYearForm(ScopedModelForm):
    class Meta:
        model = SchoolYear
        fields = ["district", "name", "starts_on", "ends_on", "first_instructional_day", "last_instructional_day"]
        widgets = {f: DateInput() for f in ("starts_on", "ends_on", "first_instructional_day",
                                            "last_instructional_day")}


class TermForm(ScopedModelForm):
    class Meta:
        model = Term
        fields = ["school_year", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class CalendarDayForm(ScopedModelForm):
    class Meta:
        model = CalendarDay
        fields = ["school_year", "date", "description", "is_instructional", "school"]
        widgets = {"date": DateInput()}


class MembershipForm(ScopedModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "district", "school", "agency", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # User has no scope_path, so the base form leaves it unnarrowed: offer only the admin's own people.
        self.fields["user"].queryset = User.objects.for_user(self.user, "view")

    def clean(self):
        cleaned = super().clean()
        school, agency = cleaned.get("school"), cleaned.get("agency")
        if school is not None and agency is not None and agency.district_id != school.district_id:
            self.add_error("agency", _("The agency belongs to another district."))
        return cleaned


# --- CRUD pages --------------------------------------------------------------------------------


class SchoolCRUD(ScopedCRUDView):
    model = School
    fields = ["name", "nces_id", "state_school_id", "low_grade", "high_grade", "enrollment", "street", "city",
              "zip_code", "phone", "school_type", "mode", "is_active"]
    list_columns = ["name", "level", "grade_span", "enrollment", "city", "is_active"]
    filterset_class = SchoolFilter
    empty_message = _l("No schools yet. Import your district from the NCES directory to add them all at once.")

    def new_instance(self):
        from portal.scope import active_memberships_for

        districts = [m.district for m in active_memberships_for(self.request.user)
                     if m.role == Membership.Role.DISTRICT_ADMIN and m.district_id]
        return School(district=districts[0]) if districts else School()

    def get_form_class(self):
        base = super().get_form_class()

        class SchoolForm(base):
            def save(self, commit=True):
                self.instance.set_grade_span(self.cleaned_data.get("low_grade", ""),
                                             self.cleaned_data.get("high_grade", ""))
                return super().save(commit)

        return SchoolForm


class BuildingCRUD(ScopedCRUDView):
    model = Building
    fields = ["school", "name", "notes"]
    list_columns = ["name", "school"]
    allow_delete = True
    empty_message = _l("No buildings yet. Every school starts with its main building; add others here.")


class AgencyCRUD(ScopedCRUDView):
    model = Agency
    url_plural = "agencies"
    fields = ["district", "name", "kind", "jurisdiction", "phone"]
    list_columns = ["name", "kind", "jurisdiction", "phone"]
    empty_message = _l("No agencies yet. Add the police, fire and EMS agencies that serve your schools.")


class SchoolYearCRUD(ScopedCRUDView):
    model = SchoolYear
    form_class = SchoolYearForm
    list_columns = ["name", "starts_on", "ends_on", "first_instructional_day", "last_instructional_day"]
    allow_delete = True
    url_base = "schoolyear"
    empty_message = _l("No school years yet. Add the current year with its first and last day of school.")


class TermCRUD(ScopedCRUDView):
    model = Term
    form_class = TermForm
    list_columns = ["school_year", "name", "starts_on", "ends_on"]
    allow_delete = True
    empty_message = _l("No terms yet. Add the semesters or trimesters of each school year.")


class CalendarDayCRUD(ScopedCRUDView):
    model = CalendarDay
    form_class = CalendarDayForm
    filterset_class = CalendarDayFilter
    list_columns = ["date", "description", "is_instructional", "school"]
    allow_delete = True
    url_base = "calendarday"
    empty_message = _l("No holidays or closures yet. Add the days school is out so drill windows count right.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school")


class MembershipCRUD(ScopedCRUDView):
    model = Membership
    form_class = MembershipForm
    filterset_class = MembershipFilter
    list_columns = ["user", "role", "place", "starts_on", "ends_on"]
    empty_message = _l("No memberships yet. Invite a person and give them a role at a school or in the district.")

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("user", "school", "district")

    def new_instance(self):
        # "Add a role" on a person's page passes ?user=<id>; an id outside the admin's people is ignored.
        wanted = parse_id(self.request.GET.get("user"))
        person = User.objects.for_user(self.request.user, "view").filter(pk=wanted).first() if wanted else None
        return Membership(user=person) if person else Membership()

    def column_value(self, obj, name):
        # An offer not accepted yet names the person only by the address the district typed: their name and
        # account belong to another district until they accept.
        if name == "user" and obj.pending:
            return _("%(email)s (has not accepted yet)") % {"email": obj.user.email}
        return super().column_value(obj, name)

    def get_form(self, *args, **kwargs):
        self.form = super().get_form(*args, **kwargs)
        return self.form

    def success_url(self, obj):
        # Reached only after a committed save: a membership change is a permission change.
        audit.record(AuditEvent.Action.PERMISSION_CHANGE, request=self.request, obj=obj,
                     fields=self.form.changed_data)
        return reverse("accounts:user-detail", kwargs={"pk": obj.user_id})



"""Forms of the people pages: invite, staff CSV upload and confirm, and the login form."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.people import MAX_IMPORT_BYTES, admin_districts, staff_csv_decode
from schools.models import Agency, District, Membership, School, User


class _DistrictChoiceMixin:
    """A ``district`` field offering the districts the admin runs; hidden when there is only one."""

    def _set_districts(self, user):
        self.districts = admin_districts(user)
        field = self.fields["district"]
        field.queryset = field.queryset.filter(pk__in=[d.pk for d in self.districts])
        if len(self.districts) == 1:
            field.initial = self.districts[0].pk
            field.widget = forms.HiddenInput()


class InviteForm(_DistrictChoiceMixin, forms.Form):
    """Who to invite and the one role they start with (more roles can be added on their page)."""

    email = forms.EmailField(label=_("Email"), max_length=254,
                             help_text=_("The invitation goes here; it is also how they log in."))
    display_name = forms.CharField(label=_("Name"), max_length=150)
    title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Membership.Role.choices])
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all())
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), required=False, empty_label=_("Whole district"),
        help_text=_("District administrators, district leaders and tip triage cover the whole district; "
                    "school administrators, staff and school resource officers need a school."))
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all(), required=False,
                                    help_text=_("School resource officers only: the officer's agency."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._set_districts(user)
        district_ids = [d.pk for d in self.districts]
        # A school or agency of another district is simply not a choice (an invalid choice if forged).
        self.fields["school"].queryset = School.objects.filter(district_id__in=district_ids, is_active=True)
        self.fields["agency"].queryset = Agency.objects.filter(district_id__in=district_ids)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        # Only a person the admin already sees (a role in their districts, now or before) is refused here.
        # An account of another district gets the same invitation as a new person (a role offered, pending
        # their acceptance), so the form never tells which emails have an account elsewhere.
        if User.objects.for_user(self.user, "view").filter(email__iexact=email).exists():
            raise ValidationError(
                _("Someone already has an account with this email address. To give them a role, add a "
                  "membership on their page."), code="duplicate")
        return email

    def clean(self):
        cleaned = super().clean()
        district, school, agency = cleaned.get("district"), cleaned.get("school"), cleaned.get("agency")
        role = cleaned.get("role")
        if district is None or not role or self.has_error("school") or self.has_error("agency"):
            return cleaned
        if school is not None and school.district_id != district.pk:
            self.add_error("school", _("This school belongs to another district."))
            return cleaned
        if agency is not None and agency.district_id != district.pk:
            self.add_error("agency", _("The agency belongs to another district."))
            return cleaned
        membership = Membership(role=role, school=school, district=None if school else district,
                                agency=agency, starts_on=district.local_today())
        try:
            membership.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class StaffUploadForm(_DistrictChoiceMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all())
    file = forms.FileField(
        label=_("Staff file (CSV)"),
        help_text=_("One person per line. Columns: email, name, title, role, school (name, NCES id or state "
                    "school id; empty for district roles); optional: phone, agency (for school resource "
                    "officers)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_districts(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than %(kb)s KB; split it into smaller files.")
                                  % {"kb": MAX_IMPORT_BYTES // 1000})
        try:
            self.cleaned_data["text"] = staff_csv_decode(upload.read())
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return upload


class StaffConfirmForm(forms.Form):
    """Second step: the person saw the preview of exactly this file (its digest) and confirms."""

    digest = forms.CharField(widget=forms.HiddenInput(), max_length=64)
    send_invitations = forms.BooleanField(
        label=_("Email each new person an invitation to choose their password"), required=False, initial=True)


class PortalAuthenticationForm(AuthenticationForm):
    """The login form, with a clear message for a right password on an account that cannot sign in yet.

    The reason is shown only to someone who knows the password, so it tells a stranger nothing.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        # Emails are not case-sensitive here (Django's default message says they may be).
        "invalid_login": _("Your email and password did not match. Please try again."),
        "not_enabled": _("Your account is not enabled yet. Your district administrator must enable it "
                         "before you can log in."),
        "deactivated": _("Your account has been deactivated. Ask your district administrator if you need "
                         "access again."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code != "invalid_login" or getattr(self.request, "axes_locked_out", False):
                raise
            reason = self._inactive_reason()
            if reason is None:
                raise
            raise ValidationError(self.error_messages[reason], code=reason) from None

    def _inactive_reason(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email, is_active=False).first()
        if user is None or not user.check_password(password):
            return None
        return "deactivated" if user.deactivated_at else "not_enabled"

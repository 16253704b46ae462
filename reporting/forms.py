"""Forms of the tip line: the public tip form and follow-up (no sign-in), and the staff triage forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.crud import ScopedModelForm
from portal.uploads import SafeFileField, clean_upload
from reporting.models import OnCallContact, Tip, TipCategory, TipLineSettings, normalize_code
from schools.models import School

MAX_ATTACHMENTS = 5
LONG_TEXT = 5000
SHORT_TEXT = 1000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(SafeFileField):
    """Up to five files, each through the shared upload gate (checked, images stripped of metadata)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = MultipleFileInput(attrs={"accept": self.widget.attrs.get("accept", "")})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}, code="too_many")
        cleaned, errors = [], []
        for upload in files:
            try:
                forms.FileField.clean(self, upload, initial)
                cleaned.append(clean_upload(upload, self.kinds))
            except ValidationError as exc:
                errors.extend(f"{getattr(upload, 'name', '')}: {m}" for m in exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CategoryChoice(forms.ModelChoiceField):
    language = "en"

    def label_from_instance(self, obj):
        return obj.label(self.language)


def _plain(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in value):
        raise ValidationError(_("Remove the control characters from this text."))
    return value.strip()


class TipForm(forms.Form):
    """What a person tells the district. Everything but the category and what happened is optional."""

    school = SchoolChoice(label=_("Which school is this about?"), queryset=School.objects.none(), required=False,
                          empty_label=_("I'm not sure / more than one"))
    category = CategoryChoice(label=_("What is it about?"), queryset=TipCategory.objects.none(),
                              empty_label=_("Choose one"),
                              error_messages={"required": _("Choose what the tip is about."),
                                              "invalid_choice": _("Choose what the tip is about from the list.")})
    what_happened = forms.CharField(
        label=_("What happened, or what do you know?"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LONG_TEXT, error_messages={"required": _("Tell us what happened or what you know.")})
    when_happened = forms.CharField(label=_("When? (optional)"), required=False, max_length=SHORT_TEXT,
                                    help_text=_("For example: today at lunch, next Friday, every day after school."))
    where_happened = forms.CharField(label=_("Where? (optional)"), required=False, max_length=SHORT_TEXT,
                                     help_text=_("For example: the gym, the bus, online (which app)."))
    people_involved = forms.CharField(label=_("Who is involved? (optional)"), required=False, max_length=SHORT_TEXT,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    attachments = AttachmentsField(label=_("Photos or files (optional, up to 5)"))
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=120)
    contact_email = forms.EmailField(label=_("Your email (optional)"), required=False,
                                     error_messages={"invalid": _("Enter a valid email address, or leave it empty.")})
    contact_phone = forms.CharField(label=_("Your phone (optional)"), required=False, max_length=40)
    # The honeypot: hidden from people (and screen readers); a robot filling every field fills it.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, district, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["school"].queryset = School.objects.filter(district=district).order_by("name")
        self.fields["category"].queryset = TipCategory.objects.filter(district=district, active=True)
        self.fields["category"].language = language
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_what_happened(self):
        return _plain(self.cleaned_data["what_happened"])

    def clean_when_happened(self):
        return _plain(self.cleaned_data["when_happened"])

    def clean_where_happened(self):
        return _plain(self.cleaned_data["where_happened"])

    def clean_people_involved(self):
        return _plain(self.cleaned_data["people_involved"])

    def clean_contact_name(self):
        return _plain(self.cleaned_data["contact_name"])

    def clean_contact_phone(self):
        phone = _plain(self.cleaned_data["contact_phone"])
        if phone and not all(ch.isdigit() or ch in " +-().x" for ch in phone):
            raise ValidationError(_("A phone number has digits, spaces and + - ( ) only."))
        return phone

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class FollowUpForm(forms.Form):
    """The tip code and passphrase: the only way back to a tip."""

    code = forms.CharField(label=_("Tip code"), max_length=20,
                           error_messages={"required": _("Enter your tip code.")})
    passphrase = forms.CharField(label=_("Passphrase"), max_length=60, strip=True,
                                 widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
                                 error_messages={"required": _("Enter your passphrase.")})

    def clean_code(self):
        return normalize_code(_plain(self.cleaned_data["code"]))

    def clean_passphrase(self):
        return _plain(self.cleaned_data["passphrase"])


class TipsterMessageForm(forms.Form):
    body = forms.CharField(label=_("Add information or answer the team"), max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write your message first.")})
    attachments = AttachmentsField(label=_("Photos or files (optional, up to 5)"))

    def clean_body(self):
        return _plain(self.cleaned_data["body"])


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message to the tipster"), max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The tipster sees this when they come back with their tip code."),
                           error_messages={"required": _("Write the message first.")})

    def clean_body(self):
        return _plain(self.cleaned_data["body"])


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Only the team sees notes; the tipster never does."),
                           error_messages={"required": _("Write the note first.")})

    def clean_body(self):
        return _plain(self.cleaned_data["body"])


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Tip.Status.choices)
    outcome = forms.ChoiceField(label=_("Outcome (when closing)"), choices=[("", "—"), *Tip.Outcome.choices],
                                required=False)
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False,
                                         empty_label=_("Nobody yet"))

    def __init__(self, *args, tip, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.permissions import roles_for
        from schools.models import Membership, User

        today = tip.district.local_today()
        roles = roles_for("reporting.tip", "view")
        here = Membership.objects.active_on(today).filter(role__in=roles, pending=False)
        here = here.filter(models_q_school(tip)) if tip.school_id else here.filter(district=tip.district)
        self.fields["assigned_to"].queryset = User.objects.filter(
            pk__in=here.values("user_id"), is_active=True).order_by("display_name", "email")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Tip.Status.CLOSED and not cleaned.get("outcome"):
            self.add_error("outcome", _("Choose the outcome to close the tip."))
        return cleaned


def models_q_district(district):
    from django.db.models import Q

    return Q(district=district) | Q(school__district=district)


def models_q_school(tip):
    from django.db.models import Q

    return Q(school_id=tip.school_id) | Q(district_id=tip.district_id)


class CategoryForm(ScopedModelForm):
    class Meta:
        model = TipCategory
        fields = ["name", "name_es", "life_safety", "order", "active"]


class OnCallContactForm(ScopedModelForm):
    webhook_url = forms.URLField(
        label=_("Webhook address"), required=False, max_length=300, assume_scheme="https",
        help_text=OnCallContact._meta.get_field("webhook_url").help_text)

    class Meta:
        model = OnCallContact
        fields = ["level", "label", "person", "webhook_url", "active"]

    def clean_person(self):
        """The person must be able to open the tip the email links to."""
        person = self.cleaned_data.get("person")
        if person is None:
            return person
        from portal.permissions import roles_for
        from schools.models import Membership

        district = self.instance.district
        roles = roles_for("reporting.tip", "acknowledge")
        ok = Membership.objects.active_on(district.local_today()).filter(
            user=person, role__in=roles, pending=False).filter(
            models_q_district(district)).exists()
        if not ok:
            raise ValidationError(_("This person holds no role that reads tips (tip triage, threat assessment team "
                                    "or school administrator) in the district: they could not open the tip."))
        return person

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "")
        if url:
            from portal.notifications import WebhookError, webhook_resolve

            try:
                webhook_resolve(url)
            except WebhookError as exc:
                raise ValidationError(str(exc)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("webhook_url") and not self.errors:
            raise ValidationError(_("Choose a person to email, a webhook address, or both."))
        return cleaned


class TipLineSettingsForm(forms.ModelForm):
    class Meta:
        model = TipLineSettings
        fields = ["enabled", "escalation_minutes", "ack_target_minutes", "retention_years"]


def find_tip(code: str):
    """The tip with this code, or None (normalised the way the form does)."""
    return Tip.objects.select_related("district", "school", "category").filter(code=normalize_code(code)).first()

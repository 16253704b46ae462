"""Forms of a person's own account pages: second factor, re-authentication, email change."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from schools.models import User


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (at verification) a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, accept_backup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The 6-digit code your authenticator app shows now, or one of your backup codes.")
            if accept_backup
            else _("The 6-digit code your authenticator app shows now.")
        )


class PasswordConfirmForm(forms.Form):
    """The password again, before a sensitive change. Wrong answers count towards the lockout."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        # Through authenticate(): the lockout backend counts a wrong password here like one at login.
        if authenticate(self.request, username=user.email, password=password) != user:
            raise forms.ValidationError(_("That is not your current password."), code="invalid")
        return password


class EmailChangeForm(forms.ModelForm):
    """A new sign-in address; the person has just entered their password (see views_account.email_change)."""

    class Meta:
        model = User
        fields = ["email"]
        labels = {"email": _("New email address")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if email == (self.initial.get("email") or "").lower():
            raise forms.ValidationError(_("This is already your email address."), code="unchanged")
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Someone already has this email address."), code="taken")
        return email

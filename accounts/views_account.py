"""A person's own security pages, and the district admin's security actions on other people.

Own account: second factor (set up, verify, backup codes, replace), re-authentication, email change,
sessions. District admin: current lockouts and unlock, end someone's sessions, reset someone's
second factor, the audit log as CSV. Every change here is written to the audit log.
"""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import two_factor
from accounts.forms_account import CodeForm, EmailChangeForm, PasswordConfirmForm
from accounts.security import (
    mark_password_entered,
    password_recently_entered,
    reauth_redirect,
    recent_password_required,
)
from accounts.sessions import sessions_end_for
from accounts.views_people import refuse_if_elsewhere
from portal import audit
from portal.crud import get_scoped_or_404, require_any
from portal.csv_export import csv_response
from portal.forms import parse_id
from schools.models import AuditEvent, User, UserSession

NEW_CODES_SESSION_KEY = "portal_new_backup_codes"
Action = AuditEvent.Action


def _next_url(request, default="home"):
    """The ``next`` parameter if it points into the portal, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


# --------------------------------------------------------------------------------------------
# Second factor
# --------------------------------------------------------------------------------------------


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code (drawn here) and the secret in text, confirmed by one code."""
    user = request.user
    verified = user.is_verified()
    if not verified and two_factor.has_device(user):
        # Someone holding only the password must not add their own device: prove the existing one first.
        return HttpResponseRedirect(f"{reverse('accounts:two-factor-verify')}?{request.GET.urlencode()}")
    replacing = verified and two_factor.app_device(user) is not None
    if replacing and not password_recently_entered(request):
        return reauth_redirect(request)
    device = two_factor.setup_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.setup_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            django_otp.login(request, device)
            codes = two_factor.backup_codes_issue(user=user)
            request.session[NEW_CODES_SESSION_KEY] = codes
            audit.record(
                Action.TWO_FACTOR,
                request=request,
                obj=user,
                note="authenticator replaced" if replacing else "authenticator set up",
            )
            next_url = _next_url(request)
            return HttpResponseRedirect(f"{reverse('accounts:backup-codes')}?{urlencode({'next': next_url})}")
        form.add_error(
            "code", _("That code did not match. Check the time on your phone and try the newest code.")
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device, _("QR code for your authenticator app")),
            "secret": two_factor.secret_for_display(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "replacing": replacing,
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a backup code."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not two_factor.has_device(user):
        return HttpResponseRedirect(f"{reverse('accounts:two-factor-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None, accept_backup=True)
    wait_until = two_factor.throttled_until(user)
    if request.method == "POST" and form.is_valid():
        device = two_factor.code_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                audit.record(
                    Action.TWO_FACTOR, request=request, obj=user, note=f"backup code used, {left} left"
                )
                messages.warning(
                    request,
                    _(
                        "You used a backup code; %(left)d left. Set up your authenticator again or print "
                        "new codes from your two-factor page."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
        audit.record(
            Action.LOGIN_FAILED, request=request, actor=user, obj=user, note="wrong second-factor code"
        )
        wait_until = two_factor.throttled_until(user)
        if wait_until is not None:
            form.add_error("code", _("Too many wrong codes. Wait a few seconds, then enter the newest code."))
        else:
            form.add_error(
                "code", _("That code did not match. Enter the newest code from your app, or a backup code.")
            )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "wait_until": wait_until,
        },
        status=400 if form.errors else 200,
    )


@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, shown once (they are stored only as hashes)."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once. Make new ones if you have lost them."))
        return HttpResponseRedirect(reverse("accounts:two-factor"))
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
def two_factor_manage(request: HttpRequest) -> HttpResponse:
    """The person's second factor: what is set up, new backup codes, a replacement authenticator."""
    device = two_factor.app_device(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "codes_left": two_factor.backup_codes_left(request.user),
        },
    )


@login_required
@require_POST
@recent_password_required
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    codes = two_factor.backup_codes_issue(user=request.user)
    request.session[NEW_CODES_SESSION_KEY] = codes
    audit.record(Action.TWO_FACTOR, request=request, obj=request.user, note="backup codes replaced")
    return HttpResponseRedirect(f"{reverse('accounts:backup-codes')}?next={reverse('accounts:two-factor')}")


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Enter the password again before changing the email address or the second factor."""
    form = PasswordConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        mark_password_entered(request)
        return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": _next_url(request), "minutes": settings.REAUTH_SECONDS // 60},
        status=400 if form.errors else 200,
    )


@login_required
@recent_password_required
def email_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EmailChangeForm(request.POST or None, instance=user, initial={"email": user.email})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(Action.UPDATE, request=request, obj=user, fields=["email"])
        messages.success(request, _("Your email address is changed. Use the new one to log in."))
        return HttpResponseRedirect(reverse("accounts:two-factor"))
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------


def live_sessions(user):
    """The person's sessions that still work (their row in the session table has not expired)."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=alive)


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """The person's signed-in sessions; end one, or all but this one."""
    current = request.session.session_key
    if request.method == "POST":
        if request.POST.get("end") == "others":
            ended = sessions_end_for(user=request.user, except_session_key=current)
        else:
            row = (
                live_sessions(request.user)
                .exclude(session_key=current)
                .filter(pk=parse_id(request.POST.get("session")))
                .first()
            )
            if row is None:
                return HttpResponseBadRequest(_("That session has already ended."))
            Session.objects.filter(session_key=row.session_key).delete()
            row.delete()
            ended = 1
        audit.record(Action.SESSION_END, request=request, obj=request.user, note=f"{ended} own session(s)")
        messages.success(request, _("Signed out %(count)d other session(s).") % {"count": ended})
        return HttpResponseRedirect(reverse("accounts:sessions"))
    rows = list(live_sessions(request.user))
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "current_key": current, "others": [r for r in rows if r.session_key != current]},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which keeps this session (with a new key) and ends all the others."""

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # update_session_auth_hash gives this session a new key
        new_key = self.request.session.session_key
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
        ended = sessions_end_for(user=form.user, except_session_key=new_key)
        audit.record(
            Action.UPDATE,
            request=self.request,
            obj=form.user,
            fields=["password"],
            note=f"{ended} other session(s) ended",
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset: no login afterwards (the next one asks for the second factor), all sessions end."""

    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        ended = sessions_end_for(user=form.user, except_session_key=self.request.session.session_key)
        if self.request.user.is_authenticated and self.request.user.pk == form.user.pk:
            logout(self.request)
        audit.record(
            Action.UPDATE,
            request=self.request,
            actor=form.user,
            obj=form.user,
            fields=["password"],
            note=f"reset by email link; {ended} session(s) ended",
        )
        return response


# --------------------------------------------------------------------------------------------
# District admin: lockouts, other people's sessions and second factor
# --------------------------------------------------------------------------------------------


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """Accounts of the admin's district that are locked after failed logins, with an unlock button."""
    from accounts.security import accounts_locked_everywhere, current_lockouts

    require_any(request, User, "change")
    people = User.objects.for_user(request.user, "change")
    if request.method == "POST":
        person = people.filter(email__iexact=request.POST.get("username", "")).first()
        if person is None:
            audit.record(Action.DENIED_NOT_FOUND, request=request, object_type="schools.user", note="unlock")
            return HttpResponseBadRequest(_("No such locked account in your district."))
        from axes.utils import reset

        reset(username=person.email.lower())
        audit.record(Action.UNLOCK, request=request, obj=person)
        messages.success(request, _("%(name)s can log in again.") % {"name": person})
        return HttpResponseRedirect(reverse("accounts:lockouts"))
    attempts = list(current_lockouts().filter(username__in=people.values("email")).order_by("-attempt_time"))
    everywhere = list(accounts_locked_everywhere().filter(username__in=people.values("email")))
    usernames = [a.username for a in attempts] + [e["username"] for e in everywhere]
    names = dict(people.filter(email__in=usernames).values_list("email", "display_name"))
    rows = {}
    for locked in everywhere:  # the per-account limit: locked from every address
        rows[locked["username"]] = {
            "username": locked["username"],
            "name": names.get(locked["username"], ""),
            "last_attempt": locked["last_attempt"],
            "places": 0,
            "everywhere": True,
            "failures": locked["failures"],
        }
    for attempt in attempts:  # one row per person, however many addresses they were locked from
        row = rows.setdefault(
            attempt.username,
            {
                "username": attempt.username,
                "name": names.get(attempt.username, ""),
                "last_attempt": attempt.attempt_time,
                "places": 0,
            },
        )
        row["places"] += 1
    return render(
        request,
        "accounts/lockouts.html",
        {
            "rows": sorted(rows.values(), key=lambda row: row["last_attempt"], reverse=True),
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME * 60),
            "account_limit": settings.ACCOUNT_FAILURE_LIMIT,
        },
    )


@login_required
@require_POST
def user_sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A district admin signs a person out everywhere."""
    require_any(request, User, "change")
    person = get_scoped_or_404(request, User, pk, "change")
    refuse_if_elsewhere(request, person)
    ended = sessions_end_for(user=person, except_session_key=request.session.session_key)
    audit.record(
        Action.SESSION_END, request=request, obj=person, note=f"{ended} session(s) ended by an admin"
    )
    messages.success(
        request, _("%(name)s is signed out of %(count)d session(s).") % {"name": person, "count": ended}
    )
    return HttpResponseRedirect(_next_url(request, "accounts:lockouts"))


@login_required
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A district admin removes someone's second factor (lost phone and codes): set up at next login."""
    require_any(request, User, "change")
    person = get_scoped_or_404(request, User, pk, "change")
    if person.pk == request.user.pk:
        messages.error(request, _("Use your own two-factor page to change your second factor."))
        return HttpResponseRedirect(reverse("accounts:two-factor"))
    refuse_if_elsewhere(request, person)
    two_factor.two_factor_reset(user=person)
    ended = sessions_end_for(user=person)
    audit.record(
        Action.TWO_FACTOR, request=request, obj=person, note=f"reset by an admin; {ended} session(s) ended"
    )
    messages.success(
        request, _("%(name)s will set up a new authenticator at their next login.") % {"name": person}
    )
    return HttpResponseRedirect(_next_url(request, "accounts:lockouts"))


# --------------------------------------------------------------------------------------------
# Audit log export
# --------------------------------------------------------------------------------------------


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit log as CSV, with the list page's filters; the export itself is audited."""
    from portal.filters import AuditFilter

    require_any(request, AuditEvent, "export")
    filterset = AuditFilter(
        request.GET, queryset=AuditEvent.objects.for_user(request.user, "export"), request=request
    )
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            _("The filters are not valid: %(errors)s") % {"errors": filterset.errors}
        )
    qs = filterset.qs.order_by("-at", "-id")
    tz = timezone.get_current_timezone()  # the streamed rows are written after the middleware resets it
    labels = dict(AuditEvent.Action.choices)
    audit.record(
        Action.EXPORT,
        request=request,
        object_type="schools.auditevent",
        fields=sorted(k for k, v in request.GET.items() if v),
    )
    header = [
        _("When"),
        _("Person"),
        _("Action"),
        _("Record type"),
        _("Record id"),
        _("Fields"),
        _("Page"),
        _("Note"),
    ]
    rows = (
        [
            e.at.astimezone(tz).isoformat(timespec="seconds"),
            e.actor_label,
            str(labels.get(e.action, e.action)),
            e.object_type,
            e.object_id,
            " ".join(e.fields or []),
            e.path,
            e.note,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    return csv_response(f"audit-log-{timezone.localdate():%Y-%m-%d}.csv", header, rows)

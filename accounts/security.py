"""The security gates every request passes: headers, session lifetimes, the second factor, the admin.

- ``SecurityHeadersMiddleware``: a Content Security Policy with a fresh nonce per request
  (``request.csp_nonce`` for the rare ``<script nonce>``), and a Permissions-Policy denying camera,
  microphone and geolocation unless a view asks for one with ``@permissions_policy(camera="self")``.
- ``SessionTimeoutMiddleware``: signs a person out after ``SESSION_IDLE_SECONDS`` without a request,
  and ``SESSION_ABSOLUTE_SECONDS`` after the login whatever they do.
- ``TwoFactorRequiredMiddleware``: until the session is verified with a second factor, every page but
  the allowlist below sends a signed-in person to enrolment (no device yet) or verification; htmx
  requests get an ``HX-Redirect``. The Django admin, downloads and exports are ordinary views here.
- Receivers of the login signals: the audit rows (login, logout, failed login, lockout) and the
  ``UserSession`` row of each login.
- ``PortalAdminSite``: the Django admin for verified superusers only.
"""

import datetime as dt
import functools
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)
csp_logger = logging.getLogger("accounts.security.csp")

# Session keys this module owns.
AUTH_AT = "portal_auth_at"  # epoch seconds of the password login: the absolute lifetime counts from here
LAST_SEEN = "portal_last_seen"  # epoch seconds of the last request: the idle timeout counts from here
REAUTH_AT = "portal_reauth_at"  # epoch seconds of the last password entry (login or re-authentication)
# How often the last-seen time is written (a session save, a UserSession update): not on every request.
LAST_SEEN_RESOLUTION = 60

# --------------------------------------------------------------------------------------------
# Pages a signed-in person may open before the second factor
# --------------------------------------------------------------------------------------------

# Public pages (no login needed) and the steps of signing in. Everything else needs the second factor.
PUBLIC_URL_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "csp-report",
}
TWO_FACTOR_URL_NAMES = {"accounts:two-factor-setup", "accounts:two-factor-verify"}


def allow_before_two_factor(*url_names: str) -> None:
    """Add public pages (the anonymous tip form, the climate survey) to the allowlist, from ready()."""
    PUBLIC_URL_NAMES.update(url_names)


def exempt_url_names() -> frozenset:
    return frozenset(PUBLIC_URL_NAMES | TWO_FACTOR_URL_NAMES)


def _redirect(request, url):
    """A redirect that htmx follows as a full page load (HX-Redirect) instead of swapping it in."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url, request):
    if request.method == "GET":
        return f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
    return url


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

DEFAULT_PERMISSIONS = {"camera": "()", "microphone": "()", "geolocation": "()"}


def content_security_policy(nonce: str) -> str:
    """The policy: scripts only from the portal (or carrying this request's nonce), nothing inline."""
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        f"report-uri {reverse('csp-report')}",
    ]
    return "; ".join(directives)


def permissions_policy(**features):
    """Let one view use a feature the portal denies elsewhere: ``@permissions_policy(camera="self")``."""
    allowed = {
        name.replace("_", "-"): f"({value})" if value != "*" else "*" for name, value in features.items()
    }

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.portal_permissions = {**getattr(response, "portal_permissions", {}), **allowed}
            return response

        return wrapped

    return decorator


class SecurityHeadersMiddleware:
    """CSP with a per-request nonce and the Permissions-Policy on every response.

    Django's SecurityMiddleware already sends nosniff, Referrer-Policy, COOP and (in production) HSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request.csp_nonce)
        features = {**DEFAULT_PERMISSIONS, **getattr(response, "portal_permissions", {})}
        response["Permissions-Policy"] = ", ".join(f"{name}={value}" for name, value in features.items())
        user = getattr(request, "user", None)  # absent on static files (whitenoise answers before auth)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            # A signed-in page may hold records: no browser or proxy keeps a copy (back button on a shared PC).
            add_never_cache_headers(response)
        return response


@csrf_exempt  # browsers send reports without a token; the view only logs
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers report CSP violations: logged (a browser test reads them), nothing stored.

    Anyone may post here, so each client gets ``CSP_REPORTS_PER_MINUTE`` reports a minute (counted in the
    cache under a hash of its address, never stored); more are answered 429 and not logged.
    """
    if not _csp_report_allowed(request):
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body = request.read(16 * 1024)
    csp_logger.warning("CSP violation: %s", body.decode("utf-8", "replace").replace("\n", " ")[:4000])
    return HttpResponse(status=204)


def _csp_report_allowed(request) -> bool:
    client = hashlib.sha256(f"{client_ip(request)}|{settings.SECRET_KEY}".encode()).hexdigest()[:32]
    key = f"csp-report:{client}:{int(_now() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.CSP_REPORTS_PER_MINUTE


# --------------------------------------------------------------------------------------------
# Session lifetimes
# --------------------------------------------------------------------------------------------


def _now() -> float:
    return time.time()


class SessionTimeoutMiddleware:
    """Sign out after ``SESSION_IDLE_SECONDS`` idle or ``SESSION_ABSOLUTE_SECONDS`` after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = _now()
        session = request.session
        auth_at, last_seen = session.get(AUTH_AT), session.get(LAST_SEEN)
        reason = None
        if auth_at is None or now - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
            message = _(
                "You were signed out because your session reached its maximum length. Please log in again."
            )
        elif last_seen is None or now - last_seen > settings.SESSION_IDLE_SECONDS:
            reason = "idle"
            message = _(
                "You were signed out after %(minutes)d minutes without activity. Please log in again."
            ) % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
        if reason is not None:
            request.portal_logout_reason = reason
            logout(request)
            messages.info(request, message)
            if _url_name(request) in PUBLIC_URL_NAMES:
                return None
            return _redirect(request, _with_next(reverse(settings.LOGIN_URL), request))
        if now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
            from schools.models import UserSession

            UserSession.objects.filter(session_key=session.session_key).update(last_seen_at=timezone.now())
        return None


def _url_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else None


# --------------------------------------------------------------------------------------------
# The second factor
# --------------------------------------------------------------------------------------------


class TwoFactorRequiredMiddleware:
    """Every page but the allowlist needs a session verified with a second factor.

    A person with no confirmed device goes to enrolment, one with a device to verification; the page
    they asked for comes back as ``next``. Runs for portal pages, htmx fragments, downloads, exports
    and the Django admin alike, because it looks at the resolved URL name, not the kind of view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if _url_name(request) in exempt_url_names():
            return None
        from accounts import two_factor

        target = "accounts:two-factor-verify" if two_factor.has_device(user) else "accounts:two-factor-setup"
        return _redirect(request, _with_next(reverse(target), request))


# --------------------------------------------------------------------------------------------
# Re-authentication before sensitive changes
# --------------------------------------------------------------------------------------------


def password_recently_entered(request) -> bool:
    entered = request.session.get(REAUTH_AT)
    return entered is not None and _now() - entered <= settings.REAUTH_SECONDS


def reauth_redirect(request):
    """To the password page, coming back to this page (a POST comes back to the page that sent it)."""
    back = request.get_full_path() if request.method == "GET" else request.META.get("HTTP_REFERER", "")
    if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("accounts:two-factor")
    return _redirect(request, f"{reverse('accounts:reauth')}?{urlencode({REDIRECT_FIELD_NAME: back})}")


def recent_password_required(view):
    """The password must have been entered within ``REAUTH_SECONDS`` (login or the re-authentication page)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not password_recently_entered(request):
            return reauth_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def mark_password_entered(request) -> None:
    request.session[REAUTH_AT] = _now()


# --------------------------------------------------------------------------------------------
# Lockout helpers (django-axes callables, see settings)
# --------------------------------------------------------------------------------------------


def axes_username(request, credentials) -> str | None:
    """The login name as one key: trimmed and lower-cased, like the email lookup itself."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field)
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get(field)
    return raw.strip().lower()[:254] if isinstance(raw, str) else raw


def client_ip(request) -> str | None:
    """The client's address: with ``TRUSTED_PROXY_COUNT`` proxies, that entry from the right of XFF.

    Entries further left were written by the client and cannot be trusted; the proxy's own address
    would lock a whole school out with one student, so it is never used when proxies are configured.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def current_lockouts():
    """AccessAttempt rows that lock a (username, client) pair right now."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    return qs


def _cool_off_threshold():
    from axes.helpers import get_cool_off

    cool_off = get_cool_off()
    return timezone.now() - cool_off if cool_off else None


def account_failures(username: str | None) -> int:
    """Failed logins for this account from every address within the cool-off (AccessAttempt rows)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    if not username:
        return 0
    qs = AccessAttempt.objects.filter(username=username)
    threshold = _cool_off_threshold()
    if threshold is not None:
        qs = qs.filter(attempt_time__gte=threshold)
    return qs.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_locked(username: str | None) -> bool:
    """The per-account limit: ``ACCOUNT_FAILURE_LIMIT`` failures from any addresses lock it everywhere."""
    return bool(username) and account_failures(username) >= settings.ACCOUNT_FAILURE_LIMIT


def accounts_locked_everywhere():
    """Usernames over the per-account limit right now, with their total failures and last attempt."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    qs = AccessAttempt.objects.all()
    threshold = _cool_off_threshold()
    if threshold is not None:
        qs = qs.filter(attempt_time__gte=threshold)
    return (
        qs.values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.ACCOUNT_FAILURE_LIMIT)
    )


def _build_axes_handler():
    from axes.handlers.database import AxesDatabaseHandler
    from axes.helpers import get_client_username
    from axes.signals import user_locked_out

    class PortalAxesHandler(AxesDatabaseHandler):
        """Axes' (username, address) lock at ``AXES_FAILURE_LIMIT``, plus a higher per-account limit.

        Axes locks each parameter combination at the same limit, so the account-wide limit
        (``ACCOUNT_FAILURE_LIMIT`` failures from any addresses within the cool-off) is checked here: before
        the password (``is_locked``, so the right password is refused too) and after each failure, so
        the failure that reaches the limit already gets the locked-out page.
        """

        def is_locked(self, request, credentials=None) -> bool:
            if super().is_locked(request, credentials):
                return True
            if account_locked(get_client_username(request, credentials)):
                if request is not None:
                    request.portal_account_locked = True
                return True
            return False

        def user_login_failed(self, sender, credentials, request=None, **kwargs):
            super().user_login_failed(sender, credentials, request=request, **kwargs)
            if request is None or getattr(request, "axes_locked_out", False):
                return
            username = get_client_username(request, credentials)
            if settings.AXES_LOCK_OUT_AT_FAILURE and account_locked(username):
                request.axes_locked_out = True
                request.axes_credentials = credentials
                request.portal_account_locked = True
                user_locked_out.send(
                    "axes", request=request, username=username, ip_address=request.axes_ip_address
                )

    return PortalAxesHandler


_handler_class = None


def __getattr__(name):
    # AXES_HANDLER names this class; it subclasses axes' handler, whose models need the app registry,
    # so it is built on first use instead of when this module (a middleware module) is imported.
    global _handler_class
    if name == "PortalAxesHandler":
        if _handler_class is None:
            _handler_class = _build_axes_handler()
        return _handler_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------
# Login signals: audit rows and the UserSession of each login
# --------------------------------------------------------------------------------------------

_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
]


def coarse_device(user_agent: str) -> str:
    """'Chrome on Windows': enough for a person to recognise a session, never the full user-agent string."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown device")


def _district_of_login(email: str):
    """The district whose admins should see a login event for this address (None if unknown or several)."""
    from portal.scope import active_memberships_for
    from schools.models import User

    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        return None
    homes = {m.home_district.pk for m in active_memberships_for(user)}
    return homes.pop() if len(homes) == 1 else None


def _label_for_attempt(raw) -> str:
    """The address tried, if it is one: people type passwords into the email field; never logged."""
    text = (raw or "").strip().lower()[:254]
    try:
        validate_email(text)
    except Exception:
        return _("(not an email address)")
    return text


def on_user_logged_in(sender, request, user, **kwargs):
    from portal import audit
    from schools.models import AuditEvent, UserSession

    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    session = request.session
    session[AUTH_AT] = now
    session[LAST_SEEN] = now
    session[REAUTH_AT] = now
    # Absolute lifetime: a fixed expiry date, so neither the cookie nor the stored session is ever extended.
    session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS))
    if session.session_key is None:
        session.save()
    _forget_ended_sessions(user)
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "device": coarse_device(request.META.get("HTTP_USER_AGENT", ""))[:100],
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
        },
    )
    audit.record(AuditEvent.Action.LOGIN, actor=user, request=request)


def _forget_ended_sessions(user) -> None:
    """Drop the person's UserSession rows whose session is gone (expired, or replaced by a new login)."""
    from django.contrib.sessions.models import Session

    from schools.models import UserSession

    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        UserSession.objects.filter(user=user).exclude(session_key__in=alive).delete()


def on_user_logged_out(sender, request, user, **kwargs):
    from portal import audit
    from schools.models import AuditEvent, UserSession

    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is None:
        return
    reason = getattr(request, "portal_logout_reason", "") if request is not None else ""
    audit.record(
        AuditEvent.Action.LOGOUT,
        actor=user,
        request=request,
        note={"idle": "idle timeout", "absolute": "session lifetime reached"}.get(reason, ""),
    )


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    from portal import audit
    from schools.models import AuditEvent

    tried = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    label = _label_for_attempt(tried)
    locked = bool(getattr(request, "axes_locked_out", False))
    audit.record(
        AuditEvent.Action.LOGIN_FAILED,
        actor_label=label,
        request=request,
        district_id=_district_of_login(label),
        object_type="schools.user",
        note="refused during lockout" if locked else "",
    )


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """One LOCKOUT row when a pair or an account becomes locked (axes signals again on each refused
    attempt: skip those)."""
    from portal import audit
    from schools.models import AuditEvent

    if request is not None and getattr(request, "axes_failures_since_start", None) is None:
        return
    label = _label_for_attempt(username)
    audit.record(
        AuditEvent.Action.LOCKOUT,
        actor_label=label,
        request=request,
        district_id=_district_of_login(label),
        object_type="schools.user",
        note=(
            f"{settings.ACCOUNT_FAILURE_LIMIT} failed logins from any addresses: locked everywhere"
            if getattr(request, "portal_account_locked", False)
            else f"{settings.AXES_FAILURE_LIMIT} failed logins from one address"
        ),
    )


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.security.login")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="accounts.security.logout")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="accounts.security.login_failed")
    user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts.security.locked_out")


# --------------------------------------------------------------------------------------------
# The Django admin
# --------------------------------------------------------------------------------------------


class PortalAdminSite(admin.AdminSite):
    """The operators' admin: verified superusers only; signing in is the portal's own login."""

    site_header = _l("School Safety Portal operations")
    site_title = _l("Portal operations")
    index_title = _l("Operations")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_superuser and getattr(user, "is_verified", lambda: False)())

    def login(self, request, extra_context=None):
        """Anonymous: the portal login (password, then second factor). Signed in but not an operator: 403."""
        index = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(index)
        if request.user.is_authenticated:
            from portal import audit
            from schools.models import AuditEvent

            audit.record(
                AuditEvent.Action.DENIED_FORBIDDEN,
                request=request,
                object_type="admin",
                note="Django admin: not an operator",
            )
            raise PermissionDenied(_("The operations admin is for system operators only."))
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = index
        return redirect_to_login(next_url, reverse(settings.LOGIN_URL))

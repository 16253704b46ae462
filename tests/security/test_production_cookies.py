"""Production cookies and transport settings that `check --deploy` does not look at: the ``__Host-`` prefix
(which browsers honour only with Secure, Path=/ and no Domain), HttpOnly, HSTS, the absolute lifetime,
and the proxy count the lockout uses to find the client address."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "z" * 30,
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@db.example.org:5432/portal",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}
NAMES = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH",
         "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "SESSION_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SESSION_SAVE_EVERY_REQUEST",
         "SESSION_COOKIE_AGE", "SESSION_ABSOLUTE_SECONDS", "SESSION_IDLE_SECONDS", "TRUSTED_PROXY_COUNT",
         "AXES_LOCKOUT_PARAMETERS", "MIDDLEWARE", "AUTHENTICATION_BACKENDS"]


def _production_settings(**extra):
    script = ("import json; from django.conf import settings as s; "
              f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "safety_portal.settings", "PYTHONPATH": str(REPO),
             "PYTHONDONTWRITEBYTECODE": "1", **PRODUCTION, **extra})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_host_prefixed_secure_and_http_only():
    s = _production_settings()
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    # __Host- cookies are dropped by browsers unless Path=/ and no Domain.
    assert s["SESSION_COOKIE_PATH"] == s["CSRF_COOKIE_PATH"] == "/"
    assert s["SESSION_COOKIE_DOMAIN"] is None and s["CSRF_COOKIE_DOMAIN"] is None
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_sends_hsts_for_a_year_and_redirects_to_https():
    s = _production_settings()
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_SSL_REDIRECT"]


def test_sessions_have_an_idle_limit_and_an_absolute_lifetime_that_requests_do_not_extend():
    s = _production_settings(SESSION_IDLE_SECONDS="900", SESSION_ABSOLUTE_SECONDS="28800")
    assert s["SESSION_IDLE_SECONDS"] == 900
    assert s["SESSION_COOKIE_AGE"] == s["SESSION_ABSOLUTE_SECONDS"] == 28800
    assert s["SESSION_SAVE_EVERY_REQUEST"] is False
    order = s["MIDDLEWARE"]
    assert order.index("accounts.security.SessionTimeoutMiddleware") > order.index(
        "django_otp.middleware.OTPMiddleware")
    assert order.index("accounts.security.TwoFactorRequiredMiddleware") > order.index(
        "accounts.security.SessionTimeoutMiddleware")
    assert order.index("accounts.security.SecurityHeadersMiddleware") < order.index(
        "django.contrib.sessions.middleware.SessionMiddleware")


def test_the_lockout_is_per_username_and_client_and_believes_no_forwarded_address_unless_told():
    s = _production_settings()
    assert s["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert s["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    # X-Forwarded-For is read only when the operator says how many proxies write it (compose says 1).
    assert s["TRUSTED_PROXY_COUNT"] == 0

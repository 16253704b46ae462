"""Settings for the School Safety Portal, read from the environment.

``PORTAL_ENV`` picks the profile: ``production`` (the default), ``dev`` (``make run``) or ``test``.
Production refuses to start without its required variables; every value is parsed strictly, so a
typo is an error at start-up instead of a silently different behaviour.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _refuse(message: str):
    """Stop start-up with one clear line on stderr (SystemExit prints its message, no traceback)."""
    raise SystemExit(f"School Safety Portal settings: {message}")


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    _refuse(f"{name}={raw!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        _refuse(f"{name}={raw!r} is not a whole number.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None, schemes: set[str]) -> str | None:
    raw = env_str(name, default)
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        _refuse(f"{name}={raw!r} is not a valid URL; expected a scheme among {', '.join(sorted(schemes))}.")
    return raw


PORTAL_ENV = env_str("PORTAL_ENV", "production")
if PORTAL_ENV not in {"dev", "test", "production"}:
    _refuse(f"PORTAL_ENV={PORTAL_ENV!r} is unknown; use dev, test or production.")
IS_PRODUCTION = PORTAL_ENV == "production"
IS_DEV = PORTAL_ENV == "dev"
IS_TEST = PORTAL_ENV == "test"

if IS_PRODUCTION:
    _missing = [n for n in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL") if not env_str(n)]
    if _missing:
        _refuse(
            "PORTAL_ENV=production refuses to start without " + ", ".join(_missing)
            + " (set them in the environment, or set PORTAL_ENV=dev for a local trial)."
        )


def _dev_secret_key() -> str:
    """A random key kept in a git-ignored file, so dev sessions survive restarts."""
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or (_dev_secret_key() if IS_DEV else "test-only-" + "x" * 50)
# Sessions, password resets and invitations are signed with it: a guessable key hands out accounts.
SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_DISTINCT = 50, 10
if IS_PRODUCTION and (len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or len(set(SECRET_KEY)) < SECRET_KEY_MIN_DISTINCT
                      or SECRET_KEY.startswith("django-insecure")):
    _refuse(f"SECRET_KEY is too short or too simple: use at least {SECRET_KEY_MIN_LENGTH} random characters, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(64))'.")
DEBUG = env_bool("DEBUG", IS_DEV)
if IS_PRODUCTION and DEBUG:
    _refuse("DEBUG must be off when PORTAL_ENV=production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    None if IS_PRODUCTION else f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    {"postgres", "postgresql", "pgsql", "sqlite"},
)
if IS_PRODUCTION and DATABASE_URL.startswith("sqlite"):
    _refuse("PORTAL_ENV=production needs PostgreSQL; DATABASE_URL points at SQLite.")
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60 if IS_PRODUCTION else 0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    # The Django admin, with the portal's AdminSite: superusers only, behind the second factor.
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    # The shared layer (organisation, platform, people), then compliance, then the action apps: each app's
    # integrations.py is applied in this order (portal/registry.py).
    "schools",
    "portal",
    "accounts",
    "compliance",
    "drills",
    "reporting",
    "coordination",
    # threat_mgmt is the one action app that imports others (a case opened from a tip): it comes after them.
    "threat_mgmt",
]
if IS_TEST:
    # A test-only app with a concrete FollowUp, proving the shared mechanisms without any action app.
    INSTALLED_APPS.append("tests.testapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content Security Policy with a per-request nonce, Permissions-Policy (accounts/security.py).
    "accounts.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 400 for a NUL or control character in the path, a parameter name or value, before any database work.
    "portal.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Idle timeout and absolute lifetime, then the second-factor gate (after auth, OTP, messages, htmx).
    "accounts.security.SessionTimeoutMiddleware",
    "accounts.security.TwoFactorRequiredMiddleware",
    "portal.middleware.DistrictTimezoneMiddleware",
    "portal.middleware.SchoolSwitcherMiddleware",
    "portal.middleware.AuditFlushMiddleware",
    # Last: it must see failed logins that the views above it handled.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safety_portal.urls"
WSGI_APPLICATION = "safety_portal.wsgi.application"
AUTH_USER_MODEL = "schools.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked (username, client) pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if IS_TEST:
    # Fast hashing keeps the suite quick; never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored in UTC; every date rule is computed in the district's own time zone (schools.District.tz).
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded and generated files are never served from a public URL: scoped views stream them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION or env_bool("MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", {"redis", "rediss", "unix"})
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not IS_PRODUCTION)
if IS_PRODUCTION and CELERY_TASK_ALWAYS_EAGER:
    _refuse("CELERY_TASK_ALWAYS_EAGER must be off when PORTAL_ENV=production.")
CELERY_TASK_EAGER_PROPAGATES = IS_TEST
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A hung Redis would block apply_async for 45 s and more with the defaults (measured on this stack).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Code schedules stay in code; schedules an admin may edit are rows made by a data migration, never here.
CELERY_BEAT_SCHEDULE = {
    # The outbox sweep: pending emails that are due and emails whose sender died (lease expired).
    "schools-notification-sweep": {
        "task": "portal.tasks.notification_sweep", "schedule": crontab(), "options": {"expires": 55},
    },
    # The daily digest: each district is served when its local hour comes round.
    "schools-digest-hourly": {
        "task": "portal.tasks.digest_send_hourly", "schedule": crontab(minute=0), "options": {"expires": 3000},
    },
    # Generated documents: fail renders stuck past their time limit, enqueue again what lost its message.
    "compliance-document-sweep": {
        "task": "compliance.document_sweep", "schedule": crontab(minute="*/5"), "options": {"expires": 240},
    },
    # The tip line: life-safety escalations that are due (the broker lost a task, the next level's time came)
    # and webhook notices left to send; and, daily, closed tips past their district's retention period.
    "reporting-escalation-sweep": {
        "task": "reporting.tasks.escalation_sweep", "schedule": crontab(), "options": {"expires": 55},
    },
    "reporting-retention-purge": {
        "task": "reporting.tasks.retention_purge", "schedule": crontab(minute=41, hour=4), "options": {"expires": 3600},
    },
    # Sessions and failed-login records that expired: the tables would otherwise only grow.
    "accounts-sessions-clear": {
        "task": "accounts.tasks.sessions_clear", "schedule": crontab(minute=17, hour=3), "options": {"expires": 3600},
    },
}
# An email is given up (and shown on the "Undelivered emails" page) after this many failed sends.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 6)

# --- Cache ----------------------------------------------------------------------------------
if IS_PRODUCTION:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ----------------------------------------------------------------------------------
if IS_DEV:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif IS_TEST:
    # The live-worker tests run the worker (another process) with the file backend to count its emails.
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
else:
    _email_url = env_url("EMAIL_URL", "smtp://localhost:25", {"smtp", "smtp+tls", "smtp+ssl", "consolemail"})
    _email = environ.Env.email_url_config(_email_url)
    globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "School Safety Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- Sessions and security ------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The cookie age is the absolute lifetime: set once at login (accounts/security.py), never refreshed.
SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
SESSION_SAVE_EVERY_REQUEST = False
# Changing the email address or the second factor asks for the password again after this long.
REAUTH_SECONDS = env_int("REAUTH_SECONDS", 5 * 60)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "School Safety Portal")
# The operators' admin never shows a TOTP secret, its QR code or backup codes of an existing device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# CSP violation reports accepted per client and minute (the endpoint takes no login and logs each one).
CSP_REPORTS_PER_MINUTE = env_int("CSP_REPORTS_PER_MINUTE", 20)
# Reverse proxies in front of the app that append to X-Forwarded-For: the client address for the
# lockout is read that many entries from the right. 0 (the default) = REMOTE_ADDR: X-Forwarded-For is
# believed only when the operator says how many proxies write it (`check --deploy` warns, accounts/checks.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page (hx-headers), never from the cookie
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The TLS-terminating proxy (docker-compose, nginx) sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lock a (username, client) pair, never the IP alone: a whole school shares one address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# "Teacher@x" and "teacher@x" are one account (email logins are case-insensitive): one counter.
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
# The client address, behind TRUSTED_PROXY_COUNT proxies; never the proxy's own address.
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# A wrong password during a lockout does not restart the cool-off: the message's wait stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A second, higher limit per account from any addresses (accounts/security.py's handler): an attacker
# rotating addresses cannot try a password list forever; one shared address still locks only the pair.
ACCOUNT_FAILURE_LIMIT = env_int("ACCOUNT_FAILURE_LIMIT", 20)
AXES_HANDLER = "accounts.security.PortalAxesHandler"

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Portal ---------------------------------------------------------------------------------
DEMO_DATA_ALLOWED = IS_DEV or env_bool("DEMO_DATA_ALLOWED", False)
PAGINATE_BY = 25

# Operator allowlist of webhook hosts or networks (portal.notifications.webhook_resolve): private, local or
# reserved addresses are refused unless listed here, e.g. "10.0.5.0/24,pager.internal".
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The tip line keeps no client address, browser or referrer, in logs and error emails included
    # (reporting/privacy.py): records about tip pages lose the request they carry.
    "filters": {"client_details": {"()": "reporting.privacy.ClientDetailsFilter"},
                "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_details"]},
                 "mail_admins": {"level": "ERROR", "class": "django.utils.log.AdminEmailHandler",
                                 "filters": ["require_debug_false", "client_details"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # "django" is configured here so Django's own default handlers leave it: they stayed attached beside the
    # root's console handler (every runserver line printed twice) and mailed errors without our filter.
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
                "django.request": {"level": "ERROR", "filters": ["client_details"]},
                "django.server": {"filters": ["client_details"]},
                "django.security.csrf": {"filters": ["client_details"]},
                "django.security.DisallowedHost": {"filters": ["client_details"]}},
}

"""Deployment checks of sign-in (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def proxy_count_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Production trusts the proxy's X-Forwarded-Proto but reads client addresses without it: every
    failed login would then count against the proxy's address, and one student could lock a school out."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0 and not settings.DEBUG:
        return [checks.Warning(
            "The portal runs behind a reverse proxy (SECURE_PROXY_SSL_HEADER is set) but TRUSTED_PROXY_COUNT is 0, "
            "so the login lockout sees only the proxy's address.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (1 for the "
                 "README's docker compose behind one reverse proxy).",
            id="accounts.W001",
        )]
    return []

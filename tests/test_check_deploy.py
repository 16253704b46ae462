"""Production settings pass Django's deployment checklist with warnings treated as errors, as the
architecture requires (`.ci/run` runs the same command against the real tree)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "PORTAL_ENV": "production",
    # Long and varied enough for security.W009 (at least 50 characters, 5 distinct, no insecure prefix).
    "SECRET_KEY": "Qm7vR2xK9pL4wZ8nT3sY6bH1cJ5dF0gA-production-like-key-for-the-check",
    "ALLOWED_HOSTS": "portal.example.org",
    # The checks do not connect: the host need not exist.
    "DATABASE_URL": "postgres://portal:secret@db.invalid:5432/portal",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.invalid:587",
    "PORTAL_BASE_URL": "https://portal.example.org",
    # Behind one reverse proxy, as the README's compose file is.
    "TRUSTED_PROXY_COUNT": "1",
}


def run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_check_deploy_at_warning_level():
    result = run_check(PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_a_deployment_setting_is_weakened():
    """The same command does catch a weaker configuration, so the test above can fail."""
    result = run_check({**PRODUCTION, "SECURE_HSTS_SECONDS": "0"})

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_check_deploy_warns_when_behind_a_proxy_the_client_address_is_the_proxys():
    """The lockout's client address: production trusts the proxy's scheme header, so it must be told how many
    proxies write X-Forwarded-For (the default, 0, believes no such header)."""
    result = run_check({**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"})

    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr

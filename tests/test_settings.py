"""Settings read from the environment: production refuses to start without what it needs, bad values are
clear errors, and the dev profile is the one `make run` promises.

Each case loads the settings in a fresh Python process with a controlled environment, from a copy of the
``safety_portal`` package in a temporary directory: BASE_DIR is then that directory, so the dev profile's
generated key file is written there and never over the repository's own ``.dev-secret-key``.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "z" * 30,
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@db.example.org:5432/portal",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}

# Loads the settings (where every refusal happens; the apps are not needed) and prints what a case looks at,
# as JSON on the last line of stdout.
REPORT = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'debug': s.DEBUG, "
    "'email': s.EMAIL_BACKEND, 'secret_key': s.SECRET_KEY, 'base_dir': str(s.BASE_DIR)}))"
)


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the settings package whose BASE_DIR is a temporary directory."""
    shutil.copytree(REPO / "safety_portal", tmp_path / "safety_portal",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def load_settings(project_copy, env):
    """Load the settings in a new interpreter with only ``env`` (plus PATH), the copy first on the path."""
    full_env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{project_copy}:{REPO}",
        "DJANGO_SETTINGS_MODULE": "safety_portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run([sys.executable, "-c", REPORT], cwd=project_copy, env=full_env,
                          capture_output=True, text=True, timeout=60)


def assert_refused_with_one_line(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("School Safety Portal settings:")
    for word in words:
        assert word in lines[0]


def test_production_with_every_required_variable_starts(project_copy):
    result = load_settings(project_copy, PRODUCTION)

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["debug"] is False
    assert loaded["eager"] is False
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_variable(project_copy, missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}

    assert_refused_with_one_line(load_settings(project_copy, env), missing, "refuses to start")


def test_production_is_the_default_profile(project_copy):
    env = {name: value for name, value in PRODUCTION.items() if name not in ("PORTAL_ENV", "SECRET_KEY")}

    assert_refused_with_one_line(load_settings(project_copy, env), "PORTAL_ENV=production", "SECRET_KEY")


def test_an_empty_required_variable_counts_as_missing(project_copy):
    assert_refused_with_one_line(load_settings(project_copy, {**PRODUCTION, "SECRET_KEY": ""}), "SECRET_KEY")


def test_manage_py_refuses_with_the_same_single_line(project_copy):
    env = {name: value for name, value in PRODUCTION.items() if name != "REDIS_URL"}
    shutil.copy(REPO / "manage.py", project_copy / "manage.py")

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=project_copy, capture_output=True,
                            text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{project_copy}:{REPO}", **env})

    assert_refused_with_one_line(result, "REDIS_URL")


def test_a_malformed_boolean_is_a_clear_error(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "DEBUG": "maybe"})

    assert_refused_with_one_line(result, "DEBUG='maybe'", "not a boolean")


def test_a_malformed_database_url_is_a_clear_error(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "DATABASE_URL": "nonsense"})

    assert_refused_with_one_line(result, "DATABASE_URL='nonsense'", "not a valid URL")


def test_a_malformed_redis_url_is_a_clear_error(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "REDIS_URL": "http://redis:6379"})

    assert_refused_with_one_line(result, "REDIS_URL=", "not a valid URL")


def test_a_malformed_number_is_a_clear_error(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "SESSION_IDLE_SECONDS": "half an hour"})

    assert_refused_with_one_line(result, "SESSION_IDLE_SECONDS", "not a whole number")


def test_an_unknown_portal_env_is_a_clear_error(project_copy):
    result = load_settings(project_copy, {"PORTAL_ENV": "staging"})

    assert_refused_with_one_line(result, "PORTAL_ENV='staging'")


def test_production_refuses_sqlite(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/portal.sqlite3"})

    assert_refused_with_one_line(result, "PostgreSQL", "SQLite")


def test_production_refuses_eager_celery(project_copy):
    result = load_settings(project_copy, {**PRODUCTION, "CELERY_TASK_ALWAYS_EAGER": "true"})

    assert_refused_with_one_line(result, "CELERY_TASK_ALWAYS_EAGER")


def test_production_refuses_debug(project_copy):
    assert_refused_with_one_line(load_settings(project_copy, {**PRODUCTION, "DEBUG": "true"}), "DEBUG")


def test_dev_runs_on_sqlite_with_eager_celery_and_console_email(project_copy):
    result = load_settings(project_copy, {"PORTAL_ENV": "dev"})

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["eager"] is True
    assert loaded["debug"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["base_dir"] == str(project_copy)


def test_dev_generates_a_private_secret_key_once_and_keeps_it(project_copy):
    first = json.loads(load_settings(project_copy, {"PORTAL_ENV": "dev"}).stdout.splitlines()[-1])
    second = json.loads(load_settings(project_copy, {"PORTAL_ENV": "dev"}).stdout.splitlines()[-1])

    key_file = project_copy / ".dev-secret-key"
    assert key_file.read_text().strip() == first["secret_key"] == second["secret_key"]
    assert len(first["secret_key"]) >= 50
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_dev_secret_key_file_is_git_ignored():
    assert ".dev-secret-key" in (REPO / ".gitignore").read_text().split()

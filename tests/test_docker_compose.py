"""docker-compose.yml cannot be started here (no Docker engine), so this reads it and checks what would
break at `docker compose up`: each service's command names a real module, app or class, beat runs once,
web and worker share the media volume, every variable handed to the portal is one the settings read, and
the database roles are split (README.md "Database roles"): migrate as the owner role, the others as the app
role, both made by scripts/db_roles.sql."""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from celery.utils.imports import symbol_by_name
from django.core.management import get_commands

REPO = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# The services that run this project's image (the others are PostgreSQL and Redis).
PORTAL_SERVICES = sorted(name for name, service in SERVICES.items() if "build" in service)
REQUIRED_IN_PRODUCTION = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}")


def option(command, *names):
    """The value after the first of ``names`` in an argv list."""
    for index, arg in enumerate(command):
        if arg in names:
            return command[index + 1]
    raise AssertionError(f"none of {names} in {command}")


def settings_variables():
    """Every environment variable safety_portal/settings.py reads through its env_* helpers."""
    source = (REPO / "safety_portal" / "settings.py").read_text()
    return set(re.findall(r"\benv_(?:str|bool|int|list|url)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def env_example():
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip('"')
    return values


def interpolate(value, variables):
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message}, as `docker compose` would expand them."""
    def expand(match):
        name, kind, rest = match.groups()
        if variables.get(name):
            return variables[name]
        if kind == "?":
            raise AssertionError(f"docker compose would stop: {rest}")
        return rest or ""
    return INTERPOLATION.sub(expand, str(value)).replace("$$", "$")


def test_the_portal_services_are_the_ones_expected():
    assert PORTAL_SERVICES == ["beat", "migrate", "web", "worker"]
    assert {"db", "redis"} <= set(SERVICES)


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_every_portal_service_runs_in_production_with_the_required_variables(name):
    environment = SERVICES[name]["environment"]

    assert environment["PORTAL_ENV"] == "production"
    assert set(environment) >= REQUIRED_IN_PRODUCTION


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_every_variable_a_portal_service_sets_is_one_the_settings_read(name):
    unknown = set(SERVICES[name]["environment"]) - settings_variables()

    assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_web_serves_the_project_wsgi_application_with_gunicorn():
    command = SERVICES["web"]["command"]
    module_name, _, attribute = command[1].partition(":")

    assert command[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize("name, subcommand", [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_the_project_celery_app(name, subcommand):
    command = SERVICES[name]["command"]
    app = find_app(option(command, "-A", "--app"))

    assert command[0] == "celery"
    assert subcommand in command
    assert isinstance(app, Celery)
    assert app.main == "safety_portal"


def test_beat_uses_the_database_scheduler_and_runs_exactly_once():
    beat = SERVICES["beat"]
    scheduler = symbol_by_name(option(beat["command"], "--scheduler", "-S"))

    assert issubclass(scheduler, Scheduler)
    assert scheduler.__module__ == "django_celery_beat.schedulers"
    assert beat["deploy"]["replicas"] == 1
    # A worker started with -B embeds a second beat.
    assert not {"-B", "--beat"} & set(SERVICES["worker"]["command"])


def test_migrate_runs_a_real_management_command_before_the_others_start():
    command = SERVICES["migrate"]["command"]

    assert command[:2] == ["python", "manage.py"]
    assert (REPO / "manage.py").exists()
    assert command[2] in get_commands()
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_web_and_worker_share_the_media_volume_at_media_root():
    for name in ("web", "worker"):
        service = SERVICES[name]
        mounts = dict(volume.split(":", 1) for volume in service["volumes"])
        assert mounts["media"] == service["environment"]["MEDIA_ROOT"]
    assert "media" in COMPOSE["volumes"]


def test_postgresql_and_redis_are_the_supported_servers_with_persistent_data():
    assert SERVICES["db"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert option(SERVICES["redis"]["command"], "--appendonly") == "yes"
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in SERVICES[name]


def test_env_example_names_every_required_variable_and_nothing_unused():
    text = (REPO / "docker-compose.yml").read_text()
    required = {name for name, kind, _ in INTERPOLATION.findall(text) if kind == "?"}
    referenced = {name for name, _, _ in INTERPOLATION.findall(text)}

    assert required <= set(env_example())
    assert set(env_example()) <= referenced


def test_the_environment_compose_builds_from_env_example_starts_production_settings():
    """What an operator gets after filling in .env.example loads the production settings without refusal."""
    variables = {**env_example(), "SECRET_KEY": "s" * 30 + "-filled-in-by-the-operator-" + "t" * 30,
                 "POSTGRES_PASSWORD": "0123456789abcdef", "PORTAL_DB_OWNER_PASSWORD": "1123456789abcdef",
                 "PORTAL_DB_APP_PASSWORD": "2123456789abcdef"}
    environment = {name: interpolate(value, variables)
                   for name, value in SERVICES["web"]["environment"].items()}

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL)"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "safety_portal.settings", **environment},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db", "redis://redis:6379/0"]


def test_the_filled_in_env_file_stays_out_of_git_and_the_image():
    assert ".env" in (REPO / ".gitignore").read_text().split()
    assert ".env" in (REPO / ".dockerignore").read_text().split()


# --- Database roles (README.md "Database roles", scripts/db_roles.sql) -----------------------------------

ROLES_SCRIPT = REPO / "scripts" / "db_roles.sql"


def script_default(variable):
    """The role name scripts/db_roles.sql uses when psql is given none (``\\set owner_role portal_owner``)."""
    match = re.search(rf"^\\set {variable} (\S+)$", ROLES_SCRIPT.read_text(), re.MULTILINE)
    assert match, f"{variable} has no default in {ROLES_SCRIPT}"
    return match.group(1)


DATABASE_URL = re.compile(r"^postgres://([^:@]+):\$\{([A-Z_][A-Z0-9_]*):\?[^}]*\}@db:5432/(\w+)$")


def database_user(name):
    """The user and the password variable of a portal service's DATABASE_URL."""
    match = DATABASE_URL.match(SERVICES[name]["environment"]["DATABASE_URL"])
    assert match, f"{name}: unexpected DATABASE_URL {SERVICES[name]['environment']['DATABASE_URL']}"
    return match.group(1), match.group(2)


def test_migrate_connects_as_the_owner_role_and_the_long_running_services_as_the_app_role():
    owner, app = script_default("owner_role"), script_default("app_role")
    assert owner != app
    assert database_user("migrate") == (owner, "PORTAL_DB_OWNER_PASSWORD")
    for name in ("web", "worker", "beat"):
        assert database_user(name) == (app, "PORTAL_DB_APP_PASSWORD"), name
    # No portal service is the superuser, and each connects to the database the db service creates.
    superuser = SERVICES["db"]["environment"]["POSTGRES_USER"]
    assert superuser not in {owner, app}
    for name in PORTAL_SERVICES:
        url = SERVICES[name]["environment"]["DATABASE_URL"]
        assert url.endswith("@db:5432/" + SERVICES["db"]["environment"]["POSTGRES_DB"]), name
        assert "POSTGRES_PASSWORD" not in url, name


def test_the_db_service_creates_the_roles_with_the_script_on_first_start():
    db = SERVICES["db"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in db["volumes"] if volume.startswith("./"))
    (source, target), = mounts.items()
    assert (REPO / source).resolve() == ROLES_SCRIPT
    assert target.startswith("/docker-entrypoint-initdb.d/") and target.endswith(".sql")
    # The script reads the passwords from the environment when psql is given none.
    for variable in ("PORTAL_DB_OWNER_PASSWORD", "PORTAL_DB_APP_PASSWORD"):
        assert variable in ROLES_SCRIPT.read_text()
        assert db["environment"][variable] == f"${{{variable}:?set {variable} in .env (see .env.example)}}"
    # Healthy only when the real server listens on TCP (after the init scripts), not during the init phase.
    assert "-h 127.0.0.1" in db["healthcheck"]["test"][1]


def test_the_grants_are_applied_again_after_every_migrate_and_before_the_portal_starts():
    grants = SERVICES["db-grants"]
    command = grants["command"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in grants["volumes"])
    assert command[0] == "psql" and option(command, "-U") == SERVICES["db"]["environment"]["POSTGRES_USER"]
    assert option(command, "-d") == SERVICES["db"]["environment"]["POSTGRES_DB"]
    assert (REPO / {target: source for source, target in mounts.items()}[option(command, "-f")]).resolve() \
        == ROLES_SCRIPT
    assert "ON_ERROR_STOP=1" in command
    assert grants["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert grants["restart"] == "no"
    assert set(grants["environment"]) == {"PGPASSWORD", "PORTAL_DB_OWNER_PASSWORD", "PORTAL_DB_APP_PASSWORD"}
    assert "POSTGRES_PASSWORD" in grants["environment"]["PGPASSWORD"]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["db-grants"]["condition"] == "service_completed_successfully"
    assert "db-grants" not in SERVICES["migrate"]["depends_on"]


def test_the_portal_services_believe_the_one_reverse_proxy_in_front_of_them():
    """The README puts one TLS proxy in front of port 8000: the lockout reads the client address it appends."""
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"

"""scripts/db_roles.sql (README.md "Database roles"), run against the test database's server: the app role
web, worker and beat connect as may read and add audit rows, and nothing more on the audit table.

Role names are unique per run (roles belong to the whole server) and are dropped at the end. The script is
run twice, as the set-up and the run after migrate would: it is idempotent.
"""

import subprocess
import uuid
from pathlib import Path
from shutil import which

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from portal import audit
from schools.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "db_roles.sql"


def server_params(**override):
    s = connection.settings_dict
    params = {"host": s.get("HOST") or "127.0.0.1", "port": s.get("PORT") or "5432", "dbname": s["NAME"],
              "user": s.get("USER") or "postgres"}
    if s.get("PASSWORD"):
        params["password"] = s["PASSWORD"]
    return {**params, **override}


def run_script(**variables):
    p = server_params()
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", p["host"], "-p", str(p["port"]),
               "-U", p["user"], "-d", p["dbname"], "-f", str(SCRIPT)]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    env = {"PATH": "/usr/bin:/bin", **({"PGPASSWORD": p["password"]} if "password" in p else {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def roles():
    if which("psql") is None:
        pytest.skip("psql is not installed")
    suffix = uuid.uuid4().hex[:10]
    names = {"owner_role": f"portal_owner_t{suffix}", "app_role": f"portal_app_t{suffix}",
             "owner_password": f"o-{uuid.uuid4().hex}", "app_password": f"a'{uuid.uuid4().hex}"}
    try:
        yield names
    finally:
        with connection.cursor() as cursor:
            for role in (names["app_role"], names["owner_role"]):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone():
                    quoted = connection.ops.quote_name(role)
                    cursor.execute(f"DROP OWNED BY {quoted}")
                    cursor.execute(f"DROP ROLE {quoted}")


def app_connection(names):
    return psycopg.connect(**server_params(user=names["app_role"], password=names["app_password"]),
                           autocommit=True, connect_timeout=5)


def refused(conn, sql):
    """The error PostgreSQL raises for ``sql`` run by the app role (None if it was allowed)."""
    try:
        conn.execute(sql)
    except psycopg.Error as exc:
        return exc
    return None


def test_the_app_role_can_read_and_add_audit_rows_but_not_change_remove_empty_or_unguard_them(roles):
    event = audit.record(AuditEvent.Action.CREATE, object_type="tests.thing", object_id="1", note="kept")
    for _ in range(2):  # set-up, then the run after migrate: the same result
        result = run_script(**roles)
        assert result.returncode == 0, result.stderr

    columns = [c for c in (f.column for f in AuditEvent._meta.concrete_fields) if c != "id"]
    column_list = ", ".join(columns)
    with app_connection(roles) as conn:
        assert conn.execute("SELECT note FROM schools_auditevent WHERE id = %s", [event.pk]).fetchone() == ("kept",)
        inserted = conn.execute(f"INSERT INTO schools_auditevent ({column_list}) SELECT {column_list} "
                                f"FROM schools_auditevent WHERE id = %s RETURNING id", [event.pk]).fetchone()
        assert inserted and inserted[0] != event.pk

        for sql in ("ALTER TABLE schools_auditevent DISABLE TRIGGER ALL",
                    "ALTER TABLE schools_auditevent DISABLE TRIGGER schools_auditevent_no_change",
                    "DROP TRIGGER schools_auditevent_no_change ON schools_auditevent",
                    "TRUNCATE schools_auditevent",
                    f"UPDATE schools_auditevent SET note = 'changed' WHERE id = {event.pk}",
                    f"DELETE FROM schools_auditevent WHERE id = {event.pk}",
                    "CREATE TABLE public.sneaky (id int)"):
            error = refused(conn, sql)
            # Refused for want of a privilege (or ownership), not by the trigger: the role itself lacks it.
            assert isinstance(error, psycopg.errors.InsufficientPrivilege), (sql, error)

        # Other tables: the ordinary work of the app (DML), still no TRUNCATE.
        assert conn.execute("SELECT count(*) FROM django_session").fetchone()[0] >= 0
        assert isinstance(refused(conn, "TRUNCATE django_session"), psycopg.errors.InsufficientPrivilege)
        role = conn.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
                            "WHERE rolname = current_user").fetchone()
        assert role == (False, False, False, False)
        assert not conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')",
                                [roles["owner_role"]]).fetchone()[0]

    assert AuditEvent.objects.filter(pk=event.pk, note="kept").exists()
    assert AuditEvent.objects.count() == 2


def test_the_script_refuses_to_run_without_passwords(roles):
    result = run_script(owner_role=roles["owner_role"], app_role=roles["app_role"])
    assert result.returncode != 0
    assert "owner_password and app_password" in result.stderr
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s)",
                       [roles["owner_role"], roles["app_role"]])
        assert cursor.fetchone()[0] == 0

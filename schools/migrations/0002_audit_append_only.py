"""The audit table is append-only: PostgreSQL refuses UPDATE and DELETE on it.

TRUNCATE stays possible for an operator's documented retention job (and the test runner's flush).
SQLite (the embedded first-run database) has no such guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION schools_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'schools_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS schools_auditevent_no_change ON schools_auditevent;
CREATE TRIGGER schools_auditevent_no_change BEFORE UPDATE OR DELETE ON schools_auditevent
    FOR EACH ROW EXECUTE FUNCTION schools_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS schools_auditevent_no_change ON schools_auditevent;
DROP FUNCTION IF EXISTS schools_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

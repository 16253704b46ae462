"""The PostgreSQL lock of a signed case closure (portal.signed's guard), with one door: the retention
schedule's destruction, which sets ``threat_mgmt.destroying`` for its own transaction only (SET LOCAL)."""

from django.db import migrations

from portal.signed import signed_record_guard_sql

TABLE = "threat_mgmt_caseclosure"
CREATE, DROP = signed_record_guard_sql(TABLE, noun="case closure")
DELETE_CHECK = "    IF TG_OP = 'DELETE' THEN\n"
assert DELETE_CHECK in CREATE
CREATE = CREATE.replace(
    DELETE_CHECK,
    "    IF TG_OP = 'DELETE' AND current_setting('threat_mgmt.destroying', true) = 'on' THEN\n"
    "        RETURN OLD;\n    END IF;\n" + DELETE_CHECK, 1)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("threat_mgmt", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

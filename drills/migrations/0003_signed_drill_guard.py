"""A signed drill log is locked in the database too (PostgreSQL): no UPDATE except the countersignature
columns, no DELETE, and no change to its buildings. The model and the views refuse first; this guard
catches raw SQL and anything else that goes around them. TRUNCATE (the test runner's flush) stays possible.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION drills_drill_signed_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'drills_drill %: a signed drill log cannot be deleted', OLD.id;
    END IF;
    IF (to_jsonb(NEW) - 'countersigned_at' - 'countersigned_by_id' - 'countersign_note')
       IS DISTINCT FROM (to_jsonb(OLD) - 'countersigned_at' - 'countersigned_by_id' - 'countersign_note') THEN
        RAISE EXCEPTION 'drills_drill %: a signed drill log cannot be changed', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS drills_drill_signed_guard ON drills_drill;
CREATE TRIGGER drills_drill_signed_guard BEFORE UPDATE OR DELETE ON drills_drill
    FOR EACH ROW EXECUTE FUNCTION drills_drill_signed_guard();

CREATE OR REPLACE FUNCTION drills_drill_buildings_signed_guard() RETURNS trigger AS $$
DECLARE
    drill_row_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.drill_id ELSE NEW.drill_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM drills_drill WHERE id = drill_row_id AND signed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'drills_drill %: the buildings of a signed drill log cannot be changed', drill_row_id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS drills_drill_buildings_signed_guard ON drills_drill_buildings;
CREATE TRIGGER drills_drill_buildings_signed_guard BEFORE INSERT OR UPDATE OR DELETE ON drills_drill_buildings
    FOR EACH ROW EXECUTE FUNCTION drills_drill_buildings_signed_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS drills_drill_buildings_signed_guard ON drills_drill_buildings;
DROP FUNCTION IF EXISTS drills_drill_buildings_signed_guard();
DROP TRIGGER IF EXISTS drills_drill_signed_guard ON drills_drill;
DROP FUNCTION IF EXISTS drills_drill_signed_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("drills", "0002_seed_kinds_and_state_rules")]
    operations = [migrations.RunPython(forwards, backwards)]

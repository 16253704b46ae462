"""The shared drill kinds and the shipped state rule sets (drills/rules/*.csv).

Later changes to the CSVs are applied with ``manage.py load_drill_rules`` (or a new data migration).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from drills import rules

    DrillKind = apps.get_model("drills", "DrillKind")
    DrillRequirement = apps.get_model("drills", "DrillRequirement")
    rules.load_kinds(DrillKind)
    rules.load_rules(DrillKind, DrillRequirement)


class Migration(migrations.Migration):
    dependencies = [("drills", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""A signed drill log is locked in the database too (PostgreSQL): no UPDATE except the countersignature
columns, no DELETE, and no change to its buildings. The model and the views refuse first; this guard
catches raw SQL and anything else that goes around them. TRUNCATE (the test runner's flush) stays possible.

The triggers come from the shared helper (``portal.signed.signed_record_guard``); their names are
``drills_drill_signed_guard`` and ``drills_drill_buildings_signed_guard``.
"""

from django.db import migrations

from portal.signed import signed_record_guard


class Migration(migrations.Migration):
    dependencies = [("drills", "0002_seed_kinds_and_state_rules")]
    operations = [
        signed_record_guard("drills_drill", m2m=[("drills_drill_buildings", "drill_id")], noun="drill log"),
    ]

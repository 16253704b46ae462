"""What a signature covers, in PostgreSQL too (portal.signed):

- the drill's guard is installed again with the countersignature written once (no change at all once
  ``countersigned_at`` is set);
- a signed drill's after-action report is locked: no UPDATE, no DELETE;
- its improvement items stay workable: only ``done_at``, ``done_by_id``, ``evidence_note`` and
  ``evidence_file`` change once the drill is signed; no DELETE.

The model refuses first; these triggers catch raw SQL and anything else that goes around it.
"""

from django.db import migrations

from portal.signed import signed_part_guard, signed_record_guard

REPORT_PARENT = [("drills_drill", "drill_id")]
ITEM_PARENT = [("drills_afteractionreport", "after_action_id"), ("drills_drill", "drill_id")]


class Migration(migrations.Migration):
    dependencies = [("drills", "0005_drill_signed_snapshot")]
    operations = [
        signed_record_guard("drills_drill", m2m=[("drills_drill_buildings", "drill_id")], noun="drill log"),
        signed_part_guard("drills_afteractionreport", parent=REPORT_PARENT, noun="drill log report"),
        signed_part_guard(
            "drills_improvementitem",
            parent=ITEM_PARENT,
            writable_columns=("done_at", "done_by_id", "evidence_note", "evidence_file"),
            noun="drill log improvement item",
        ),
    ]

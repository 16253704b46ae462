"""A submitted plan version, and a reviewer's sign-off, are locked in the database too (PostgreSQL): no UPDATE
except the countersignature (a version's approval, written once), no DELETE; a submitted version's section
texts and attachments are locked with it. The model layer refuses first; these triggers catch the rest."""

from django.db import migrations

from portal.signed import signed_part_guard, signed_record_guard

VERSION = [("coordination_planversion", "version_id")]


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [
        signed_record_guard("coordination_planversion", noun="plan version"),
        signed_record_guard("coordination_planreview", noun="plan review"),
        signed_part_guard("coordination_plansection", parent=VERSION, noun="plan section"),
        signed_part_guard("coordination_planattachment", parent=VERSION, noun="plan attachment"),
    ]

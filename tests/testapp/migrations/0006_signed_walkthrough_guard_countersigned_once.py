"""The walk-through's guard installed again: the countersignature is written once (portal.signed)."""

from django.db import migrations

from portal.signed import signed_record_guard


class Migration(migrations.Migration):
    dependencies = [("testapp", "0005_walkthrough_signed_snapshot")]
    operations = [signed_record_guard("testapp_walkthrough", noun="walkthrough")]

"""A signed walk-through is locked in PostgreSQL too (portal.signed.signed_record_guard)."""

from django.db import migrations

from portal.signed import signed_record_guard


class Migration(migrations.Migration):
    dependencies = [("testapp", "0003_walkthrough")]
    operations = [signed_record_guard("testapp_walkthrough", noun="walkthrough")]

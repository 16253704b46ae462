"""Every district that exists gets the default tip categories (later districts get them with their settings)."""

from django.db import migrations


def seed(apps, schema_editor):
    from reporting.categories import ensure_categories

    District = apps.get_model("schools", "District")
    TipCategory = apps.get_model("reporting", "TipCategory")
    for district in District.objects.all():
        ensure_categories(district, model=TipCategory)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='generateddocument',
            name='queued_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='generateddocument',
            name='rendered_by',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddIndex(
            model_name='generateddocument',
            index=models.Index(fields=['status', 'queued_at'], name='compliance__status_c8bb42_idx'),
        ),
    ]

"""integrity 0001 to 0002 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0002, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('integrity', '0001_initial'), ('integrity', '0002_verbose_names')]

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=80, verbose_name='scope')),
                ('key', models.UUIDField(verbose_name='key')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='fingerprint')),
                ('path', models.CharField(max_length=500, verbose_name='path')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created at')),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='status code')),
                ('content_type', models.CharField(blank=True, max_length=200, verbose_name='content type')),
                ('location', models.CharField(blank=True, max_length=500, verbose_name='location')),
                ('body', models.BinaryField(blank=True, default=b'', verbose_name='body')),
            ],
            options={
                'verbose_name': 'idempotency key',
                'verbose_name_plural': 'idempotency keys',
                'constraints': [models.UniqueConstraint(fields=('scope', 'key'), name='unique_idempotency_key')],
            },
        ),
    ]

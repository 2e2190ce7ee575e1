"""health 0001 to 0003 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0003, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('health', '0001_initial'), ('health', '0002_snapshot_day_index'), ('health', '0003_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0001_initial'),
        ('customers', '0007_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountHealth',
            fields=[
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='health', serialize=False, to='customers.customer', verbose_name='customer')),
                ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                ('band', models.CharField(choices=[('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')], max_length=10, verbose_name='band')),
                ('trend_30d', models.SmallIntegerField(blank=True, null=True, verbose_name='trend 30d')),
                ('trend_points', models.JSONField(default=list, verbose_name='trend points')),
                ('open_severe_problems', models.PositiveIntegerField(default=0, verbose_name='open severe problems')),
                ('overdue_action_items', models.PositiveIntegerField(default=0, verbose_name='overdue action items')),
                ('proposals_in_flight', models.PositiveIntegerField(default=0, verbose_name='proposals in flight')),
                ('areas_involved', models.PositiveSmallIntegerField(default=0, verbose_name='areas involved')),
                ('area_names', models.JSONField(default=list, verbose_name='area names')),
                ('red_since', models.DateField(blank=True, null=True, verbose_name='red since')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
            ],
            options={
                'verbose_name_plural': 'account health rows',
                'verbose_name': 'account health',
                'indexes': [models.Index(fields=['band', 'trend_30d'], name='health_acco_band_c1fede_idx'), models.Index(fields=['trend_30d'], name='health_acco_trend_3_319589_idx'), models.Index(fields=['open_severe_problems'], name='health_acco_open_se_d80192_idx'), models.Index(fields=['overdue_action_items'], name='health_acco_overdue_93ae4c_idx'), models.Index(fields=['proposals_in_flight'], name='health_acco_proposa_056c99_idx'), models.Index(fields=['areas_involved'], name='health_acco_areas_i_04edeb_idx')],
            },
        ),
        migrations.CreateModel(
            name='HealthSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('taken_on', models.DateField(verbose_name='taken on')),
                ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                ('band', models.CharField(choices=[('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')], max_length=10, verbose_name='band')),
                ('components', models.JSONField(default=list, verbose_name='components')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='health_snapshots', to='customers.customer', verbose_name='customer')),
            ],
            options={
                'ordering': ['-taken_on'],
                'verbose_name': 'health snapshot',
                'verbose_name_plural': 'health snapshots',
            },
        ),
        migrations.CreateModel(
            name='ScoreAnnotation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=2000, verbose_name='body')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='health_annotations', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='health_annotations', to='customers.customer', verbose_name='customer')),
                ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='annotations', to='health.healthsnapshot', verbose_name='snapshot')),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'score annotation',
                'verbose_name_plural': 'score annotations',
            },
        ),
        migrations.AddIndex(
            model_name='healthsnapshot',
            index=models.Index(fields=['taken_on', 'customer'], name='snapshot_day'),
        ),
        migrations.AddConstraint(
            model_name='healthsnapshot',
            constraint=models.UniqueConstraint(fields=('customer', 'taken_on'), name='one_snapshot_a_day'),
        ),
        migrations.AddConstraint(
            model_name='healthsnapshot',
            constraint=models.CheckConstraint(condition=models.Q(('score__lte', 100)), name='snapshot_score_0_100'),
        ),
        migrations.AddIndex(
            model_name='scoreannotation',
            index=models.Index(fields=['customer', 'created_at'], name='health_scor_custome_5ecc86_idx'),
        ),
    ]

"""integrations 0001 to 0005 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0005, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import django.core.validators
import django.db.models.deletion
import integrations.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('integrations', '0001_initial'), ('integrations', '0002_webhooks'), ('integrations', '0003_webhook_url_http_only'), ('integrations', '0004_webhook_overdue_look'), ('integrations', '0005_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0004_single_line_fields'),
        ('customers', '0007_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('preset', models.CharField(max_length=40, verbose_name='preset')),
                ('kind', models.CharField(choices=[('accounts', 'Accounts'), ('contacts', 'Contacts (stakeholders)'), ('activities', 'Activities (meetings, calls, emails)')], max_length=20, verbose_name='kind')),
                ('system', models.CharField(max_length=120, verbose_name='system')),
                ('mapping', models.JSONField(default=dict, verbose_name='mapping')),
                ('encoding', models.CharField(default='auto', max_length=20, verbose_name='encoding')),
                ('file', models.FileField(max_length=300, storage=integrations.models.import_storage, upload_to='%Y/%m/', verbose_name='file')),
                ('file_name', models.CharField(max_length=200, verbose_name='file name')),
                ('status', models.CharField(choices=[('needs_mapping', 'Columns to map'), ('checking', 'Checking'), ('checked', 'Checked'), ('importing', 'Importing'), ('done', 'Imported'), ('failed', 'Failed'), ('undone', 'Undone')], default='checking', max_length=20, verbose_name='status')),
                ('total_rows', models.PositiveIntegerField(default=0, verbose_name='total rows')),
                ('to_create', models.PositiveIntegerField(default=0, verbose_name='to create')),
                ('to_update', models.PositiveIntegerField(default=0, verbose_name='to update')),
                ('to_skip', models.PositiveIntegerField(default=0, verbose_name='to skip')),
                ('error_count', models.PositiveIntegerField(default=0, verbose_name='error count')),
                ('created', models.PositiveIntegerField(default=0, verbose_name='created')),
                ('updated', models.PositiveIntegerField(default=0, verbose_name='updated')),
                ('skipped', models.PositiveIntegerField(default=0, verbose_name='skipped')),
                ('failure', models.CharField(blank=True, max_length=500, verbose_name='failure')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('undone_at', models.DateTimeField(blank=True, null=True, verbose_name='undone at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_runs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'import run',
                'verbose_name_plural': 'import runs',
            },
        ),
        migrations.CreateModel(
            name='ImportRowError',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.PositiveIntegerField(verbose_name='line')),
                ('column', models.CharField(blank=True, max_length=200, verbose_name='column')),
                ('reason', models.CharField(max_length=500, verbose_name='reason')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='row_errors', to='integrations.importrun', verbose_name='run')),
            ],
            options={
                'ordering': ['line', 'id'],
                'verbose_name': 'import row error',
                'verbose_name_plural': 'import row errors',
            },
        ),
        migrations.CreateModel(
            name='ExternalRef',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('system', models.CharField(max_length=120, verbose_name='system')),
                ('kind', models.CharField(choices=[('accounts', 'Accounts'), ('contacts', 'Contacts (stakeholders)'), ('activities', 'Activities (meetings, calls, emails)')], max_length=20, verbose_name='kind')),
                ('external_id', models.CharField(max_length=100, verbose_name='external id')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='object id')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='fingerprint')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                ('created_by_run', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_refs', to='integrations.importrun', verbose_name='created by run')),
            ],
            options={
                'verbose_name': 'external ref',
                'verbose_name_plural': 'external refs',
            },
        ),
        migrations.CreateModel(
            name='ImportSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kind', models.CharField(choices=[('accounts', 'Accounts'), ('contacts', 'Contacts (stakeholders)'), ('activities', 'Activities (meetings, calls, emails)')], max_length=20, verbose_name='kind')),
                ('mapping', models.JSONField(default=dict, verbose_name='mapping')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_sources', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'ordering': ['name', 'kind'],
                'verbose_name': 'import source',
                'verbose_name_plural': 'import sources',
            },
        ),
        migrations.AddField(
            model_name='importrun',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='integrations.importsource', verbose_name='source'),
        ),
        migrations.CreateModel(
            name='ImportUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=200, verbose_name='label')),
                ('before', models.JSONField(verbose_name='before')),
                ('before_fingerprint', models.CharField(max_length=64, verbose_name='before fingerprint')),
                ('ref', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='integrations.externalref', verbose_name='ref')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='integrations.importrun', verbose_name='run')),
            ],
            options={
                'ordering': ['id'],
                'verbose_name': 'import update',
                'verbose_name_plural': 'import updates',
            },
        ),
        migrations.CreateModel(
            name='WebhookCursor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seen_until', models.DateTimeField(verbose_name='seen until')),
                ('health_band', models.CharField(blank=True, max_length=10, verbose_name='health band')),
                ('overdue_seen_on', models.DateField(blank=True, null=True, verbose_name='overdue seen on')),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
            ],
            options={
                'verbose_name': 'webhook cursor',
                'verbose_name_plural': 'webhook cursors',
            },
        ),
        migrations.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='url')),
                ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                ('events', models.JSONField(default=list, verbose_name='events')),
                ('format', models.CharField(choices=[('json', 'JSON (Standard Webhooks, signed)'), ('chat', 'Chat message (Slack- or Teams-compatible incoming webhook)')], default='json', max_length=10, verbose_name='format')),
                ('secret', models.CharField(editable=False, max_length=100, verbose_name='secret')),
                ('allow_private', models.BooleanField(default=False, verbose_name='allow private')),
                ('is_active', models.BooleanField(default=True, verbose_name='is active')),
                ('failing_since', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='failing since')),
                ('disabled_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='disabled at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'webhook endpoint',
                'verbose_name_plural': 'webhook endpoints',
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.CharField(max_length=40, verbose_name='message id')),
                ('event', models.CharField(max_length=50, verbose_name='event')),
                ('payload', models.JSONField(verbose_name='payload')),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('succeeded', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt at')),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='response status')),
                ('response_ms', models.PositiveIntegerField(blank=True, null=True, verbose_name='response ms')),
                ('response_excerpt', models.CharField(blank=True, max_length=500, verbose_name='response excerpt')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt at')),
                ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='integrations.webhookendpoint', verbose_name='endpoint')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'webhook delivery',
                'verbose_name_plural': 'webhook deliveries',
            },
        ),
        migrations.AddIndex(
            model_name='externalref',
            index=models.Index(fields=['system', 'kind', 'external_id'], name='integration_system_93aa89_idx'),
        ),
        migrations.AddIndex(
            model_name='externalref',
            index=models.Index(fields=['kind', 'object_id'], name='integration_kind_f83654_idx'),
        ),
        migrations.AddConstraint(
            model_name='externalref',
            constraint=models.UniqueConstraint(fields=('system', 'kind', 'external_id', 'customer'), name='unique_external_ref'),
        ),
        migrations.AddConstraint(
            model_name='importsource',
            constraint=models.UniqueConstraint(fields=('user', 'name', 'kind'), name='unique_import_source'),
        ),
        migrations.AddIndex(
            model_name='importrun',
            index=models.Index(fields=['user', '-created_at'], name='integration_user_id_70851c_idx'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['status', 'next_attempt_at'], name='integration_status_d4f89b_idx'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['endpoint', '-created_at'], name='integration_endpoin_14e898_idx'),
        ),
    ]

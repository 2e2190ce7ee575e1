"""mailin 0001 to 0003 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0003, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import django.db.models.deletion
import mailin.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('mailin', '0001_initial'), ('mailin', '0002_unauthenticated_reason'), ('mailin', '0003_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0006_trigram_extension'),
        ('customers', '0007_verbose_names'),
        ('dialogue', '0009_soft_delete'),
        ('dialogue', '0010_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='DroppedMailCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('unknown_sender', 'Sender is not an Accord user'), ('auth_failed', 'SPF or DKIM failed'), ('unauthenticated', "No SPF, DKIM or DMARC pass for the sender's domain"), ('spam', 'Marked as spam by the provider'), ('unreadable', 'Not a readable email')], max_length=20, unique=True, verbose_name='reason')),
                ('count', models.PositiveBigIntegerField(default=0, verbose_name='count')),
                ('last_dropped_at', models.DateTimeField(blank=True, null=True, verbose_name='last dropped at')),
            ],
            options={
                'ordering': ['reason'],
                'verbose_name': 'dropped mail count',
                'verbose_name_plural': 'dropped mail counts',
            },
        ),
        migrations.CreateModel(
            name='InboundEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('logged', 'Logged'), ('unmatched', 'Waiting in the inbox'), ('discarded', 'Discarded')], max_length=10, verbose_name='status')),
                ('via', models.CharField(choices=[('webhook', 'Provider webhook'), ('imap', 'IMAP mailbox')], max_length=10, verbose_name='via')),
                ('message_id', models.CharField(blank=True, max_length=998, verbose_name='message id')),
                ('in_reply_to', models.TextField(blank=True, verbose_name='in reply to')),
                ('subject', models.CharField(blank=True, max_length=200, verbose_name='subject')),
                ('from_address', models.CharField(max_length=320, verbose_name='from address')),
                ('participants', models.JSONField(blank=True, default=list, verbose_name='participants')),
                ('sent_at', models.DateTimeField(verbose_name='sent at')),
                ('received_at', models.DateTimeField(auto_now_add=True, verbose_name='received at')),
                ('body', models.TextField(blank=True, verbose_name='body')),
                ('quoted', models.TextField(blank=True, verbose_name='quoted')),
                ('signature', models.TextField(blank=True, verbose_name='signature')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inbound_emails', to='customers.customer', verbose_name='customer')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inbound_emails', to='dialogue.meeting', verbose_name='meeting')),
                ('sender', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inbound_emails', to=settings.AUTH_USER_MODEL, verbose_name='sender')),
            ],
            options={
                'ordering': ['-received_at', '-id'],
                'verbose_name': 'inbound email',
                'verbose_name_plural': 'inbound emails',
            },
        ),
        migrations.CreateModel(
            name='InboundAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='mailin/%Y/%m/', verbose_name='file')),
                ('filename', models.CharField(max_length=255, verbose_name='filename')),
                ('content_type', models.CharField(blank=True, max_length=255, verbose_name='content type')),
                ('size', models.PositiveBigIntegerField(verbose_name='size')),
                ('is_kept', models.BooleanField(default=True, verbose_name='is kept')),
                ('email', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='mailin.inboundemail', verbose_name='email')),
            ],
            options={
                'ordering': ['id'],
                'verbose_name': 'inbound attachment',
                'verbose_name_plural': 'inbound attachments',
            },
        ),
        migrations.CreateModel(
            name='InboundAddress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('account', 'Account'), ('user', 'User')], max_length=10, verbose_name='kind')),
                ('token', models.CharField(default=mailin.models.new_address_token, editable=False, max_length=32, unique=True, verbose_name='token')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='revoked at')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='inbound_addresses', to='customers.customer', verbose_name='customer')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='inbound_addresses', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'ordering': ['-created_at'],
                'verbose_name': 'inbound address',
                'verbose_name_plural': 'inbound addresses',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('customer__isnull', False), ('kind', 'account'), ('user__isnull', True)), models.Q(('customer__isnull', True), ('kind', 'user'), ('user__isnull', False)), _connector='OR'), name='mailin_address_owner_matches_kind'), models.UniqueConstraint(condition=models.Q(('customer__isnull', False), ('revoked_at__isnull', True)), fields=('customer',), name='mailin_one_live_address_per_account'), models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True), ('user__isnull', False)), fields=('user',), name='mailin_one_live_address_per_user')],
            },
        ),
        migrations.AddIndex(
            model_name='inboundemail',
            index=models.Index(fields=['sender', 'status', '-received_at'], name='mailin_inbo_sender__bf42e7_idx'),
        ),
        migrations.AddIndex(
            model_name='inboundemail',
            index=models.Index(fields=['message_id'], name='mailin_email_message_id'),
        ),
        migrations.AddConstraint(
            model_name='inboundemail',
            constraint=models.UniqueConstraint(condition=models.Q(('message_id', ''), _negated=True), fields=('sender', 'message_id'), name='mailin_email_once_per_sender'),
        ),
    ]

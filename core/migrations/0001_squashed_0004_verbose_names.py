"""core 0001 to 0004 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0004, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('core', '0001_initial'), ('core', '0002_auditevent_token_and_reset_actions'), ('core', '0003_auditevent_guest_actions'), ('core', '0004_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0001_initial'),
        ('customers', '0007_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('action', models.CharField(choices=[('login', 'Signed in'), ('login_failed', 'Sign-in failed'), ('locked_out', 'Locked out'), ('logout', 'Signed out'), ('token_issued', 'API token issued'), ('token_revoked', 'API token revoked'), ('password_changed', 'Password changed'), ('password_reset_requested', 'Password reset requested'), ('password_reset', 'Password reset'), ('mfa_enrolled', 'Two-factor enrolled'), ('mfa_verified', 'Two-factor verified'), ('mfa_failed', 'Two-factor code refused'), ('mfa_disabled', 'Two-factor disabled'), ('access_denied', 'Access refused'), ('member_added', 'Account member added or changed'), ('member_removed', 'Account member removed'), ('guest_invited', 'Guest invited to the shared space'), ('guest_revoked', 'Guest access revoked'), ('guest_action', 'Action by a customer guest')], max_length=30, verbose_name='action')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='username')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='ip address')),
                ('request_id', models.CharField(blank=True, max_length=32, verbose_name='request id')),
                ('object_type', models.CharField(blank=True, max_length=100, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('detail', models.CharField(blank=True, max_length=300, verbose_name='detail')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='customers.customer', verbose_name='customer')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'indexes': [models.Index(fields=['customer', '-created_at'], name='core_audite_custome_b49dd6_idx'), models.Index(fields=['actor', '-created_at'], name='core_audite_actor_i_80a696_idx'), models.Index(fields=['action', '-created_at'], name='core_audite_action_b37622_idx')],
            },
        ),
    ]

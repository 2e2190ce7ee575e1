"""space 0001 to 0004 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0004, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('space', '0001_initial'), ('space', '0002_soft_delete_by'), ('space', '0003_step_milestone_soft_delete'), ('space', '0004_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0004_single_line_fields'),
        ('customers', '0006_trigram_extension'),
        ('customers', '0007_verbose_names'),
        ('solutions', '0003_single_line_fields'),
        ('solutions', '0007_contribution_soft_delete'),
        ('solutions', '0009_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='Guest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='email')),
                ('invited_at', models.DateTimeField(auto_now_add=True, verbose_name='invited at')),
                ('last_seen_at', models.DateTimeField(blank=True, null=True, verbose_name='last seen at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('link_nonce', models.CharField(editable=False, max_length=64, verbose_name='link nonce')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                ('stakeholder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.stakeholder', verbose_name='stakeholder')),
            ],
            options={
                'ordering': ['pk'],
                'verbose_name': 'guest',
                'verbose_name_plural': 'guests',
            },
        ),
        migrations.CreateModel(
            name='GuestSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True, verbose_name='key hash')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('last_seen_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last seen at')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended at')),
                ('guest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='space.guest', verbose_name='guest')),
            ],
            options={
                'verbose_name': 'guest session',
                'verbose_name_plural': 'guest sessions',
            },
        ),
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
            ],
            options={
                'ordering': [models.OrderBy(models.F('due_on'), nulls_last=True), 'pk'],
                'verbose_name': 'milestone',
                'verbose_name_plural': 'milestones',
            },
        ),
        migrations.CreateModel(
            name='SharedSpace',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('introduction', models.TextField(blank=True, help_text='Shown to the customer.', max_length=5000, verbose_name='introduction')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='shared_space', to='customers.customer', verbose_name='customer')),
            ],
            options={
                'abstract': False,
                'verbose_name': 'shared space',
                'verbose_name_plural': 'shared spaces',
            },
        ),
        migrations.CreateModel(
            name='SharedItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('shared_at', models.DateTimeField(auto_now_add=True, verbose_name='shared at')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                ('no_longer_relevant_at', models.DateTimeField(blank=True, null=True, verbose_name='no longer relevant at')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='space.guest', verbose_name='confirmed by')),
                ('goal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.goal', verbose_name='goal')),
                ('problem', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.problem', verbose_name='problem')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': ['pk'],
                'verbose_name': 'shared item',
                'verbose_name_plural': 'shared items',
            },
        ),
        migrations.CreateModel(
            name='PlanStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('title', models.CharField(max_length=300, validators=[core.validators.validate_single_line], verbose_name='step')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=20, verbose_name='status')),
                ('proposed_due_on', models.DateField(blank=True, null=True, verbose_name='proposed due on')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                ('last_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='last reminded at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='customers.goal', verbose_name='goal')),
                ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='steps', to='space.milestone', verbose_name='milestone')),
                ('owner_stakeholder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.stakeholder', verbose_name='owner stakeholder')),
                ('owner_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner user')),
                ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='solutions.proposal', verbose_name='proposal')),
                ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='space.guest', verbose_name='proposed by')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': [models.OrderBy(models.F('due_on'), nulls_last=True), 'pk'],
                'verbose_name': 'plan step',
                'verbose_name_plural': 'plan steps',
            },
        ),
        migrations.AddField(
            model_name='milestone',
            name='space',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='space.sharedspace', verbose_name='space'),
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('body', models.TextField(max_length=5000, verbose_name='message')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('author_guest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='space.guest', verbose_name='author guest')),
                ('author_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author user')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('step', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='space.planstep', verbose_name='step')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': ['created_at', 'pk'],
                'verbose_name': 'message',
                'verbose_name_plural': 'messages',
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlanStep',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('title', models.CharField(max_length=300, validators=[core.validators.validate_single_line], verbose_name='step')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=20, verbose_name='status')),
                ('proposed_due_on', models.DateField(blank=True, null=True, verbose_name='proposed due on')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                ('last_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='last reminded at')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('goal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.goal', verbose_name='goal')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner_stakeholder', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.stakeholder', verbose_name='owner stakeholder')),
                ('owner_user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner user')),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.proposal', verbose_name='proposal')),
                ('proposed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='space.guest', verbose_name='proposed by')),
                ('milestone', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='space.milestone', verbose_name='milestone')),
                ('space', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'verbose_name': 'historical plan step',
                'verbose_name_plural': 'historical plan steps',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMilestone',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('space', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'verbose_name': 'historical milestone',
                'verbose_name_plural': 'historical milestones',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='guest',
            name='space',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guests', to='space.sharedspace', verbose_name='space'),
        ),
        migrations.CreateModel(
            name='Feedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('said_by', models.CharField(max_length=420, verbose_name='said by')),
                ('kind', models.CharField(choices=[('confirm', 'Confirmed'), ('correct', 'Correction'), ('rank', 'Priority or severity'), ('irrelevant', 'No longer relevant'), ('new_goal', 'New goal'), ('new_problem', 'New problem')], max_length=20, verbose_name='kind')),
                ('text', models.TextField(blank=True, max_length=5000, verbose_name='text')),
                ('title', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('value', models.CharField(blank=True, max_length=20, verbose_name='value')),
                ('status', models.CharField(choices=[('recorded', 'Recorded'), ('pending', 'Waiting for the lead'), ('accepted', 'Accepted'), ('declined', 'Declined')], max_length=20, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('guest', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='space.guest', verbose_name='guest')),
                ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='space.shareditem', verbose_name='item')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'verbose_name': 'feedback',
                'verbose_name_plural': 'feedbacks',
            },
        ),
        migrations.CreateModel(
            name='SpaceEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor', models.CharField(max_length=420, verbose_name='actor')),
                ('action', models.CharField(max_length=40, verbose_name='action')),
                ('subject', models.CharField(blank=True, max_length=300, verbose_name='subject')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='ip address')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                ('guest', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='space.guest', verbose_name='guest')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': ['-at', '-pk'],
                'verbose_name': 'space event',
                'verbose_name_plural': 'space events',
            },
        ),
        migrations.CreateModel(
            name='SharedProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('summary', models.TextField(max_length=10000, verbose_name='summary for the customer')),
                ('attachment', models.BinaryField(blank=True, null=True, verbose_name='attachment')),
                ('attachment_name', models.CharField(blank=True, editable=False, max_length=200, verbose_name='attachment name')),
                ('shared_at', models.DateTimeField(auto_now_add=True, verbose_name='shared at')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='solutions.proposal', verbose_name='proposal')),
                ('space', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='space.sharedspace', verbose_name='space')),
            ],
            options={
                'ordering': ['pk'],
                'verbose_name': 'shared proposal',
                'verbose_name_plural': 'shared proposals',
                'constraints': [models.UniqueConstraint(fields=('space', 'proposal'), name='space_proposal_once')],
            },
        ),
        migrations.AddConstraint(
            model_name='shareditem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('goal__isnull', False), ('problem__isnull', True)), models.Q(('goal__isnull', True), ('problem__isnull', False)), _connector='OR'), name='space_item_goal_xor_problem'),
        ),
        migrations.AddConstraint(
            model_name='shareditem',
            constraint=models.UniqueConstraint(fields=('space', 'goal'), name='space_item_unique_goal'),
        ),
        migrations.AddConstraint(
            model_name='shareditem',
            constraint=models.UniqueConstraint(fields=('space', 'problem'), name='space_item_unique_problem'),
        ),
        migrations.AddIndex(
            model_name='planstep',
            index=models.Index(fields=['status', 'due_on'], name='space_plans_status_6b8560_idx'),
        ),
        migrations.AddConstraint(
            model_name='planstep',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('owner_stakeholder__isnull', True), ('owner_user__isnull', False)), models.Q(('owner_stakeholder__isnull', False), ('owner_user__isnull', True)), _connector='OR'), name='space_step_one_owner'),
        ),
        migrations.AddIndex(
            model_name='guest',
            index=models.Index(fields=['email'], name='space_guest_email_e148e6_idx'),
        ),
        migrations.AddConstraint(
            model_name='guest',
            constraint=models.UniqueConstraint(fields=('space', 'stakeholder'), name='space_guest_once'),
        ),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(fields=['space', 'status'], name='space_feedb_space_i_a1486c_idx'),
        ),
        migrations.AddIndex(
            model_name='spaceevent',
            index=models.Index(fields=['customer', '-at'], name='space_space_custome_85e9fe_idx'),
        ),
    ]

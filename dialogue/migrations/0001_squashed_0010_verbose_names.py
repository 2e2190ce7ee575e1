"""dialogue 0001 to 0010 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0010, as `makemigrations` writes it for an empty app,
then 0003's stored search vectors (PostgreSQL; 0002's expression indexes, which 0003 replaced,
are not built). Replaying the replaced migrations re-rendered the project's models once per
altered field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty
database took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations
until every deployment has applied them.
"""

import core.validators
import dialogue.models
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

CONFIG = "english"
# (table, index, ((weight, (columns...)), ...)): dialogue 0003's stored vectors, which
# search 0001 rebuilds with its own configuration.
TABLES = (
    ("dialogue_meeting", "dlg_meeting_sv", (("A", ("title",)), ("B", ("notes", "customer_said", "insights")))),
    ("customers_problem", "dlg_problem_sv", (("A", ("title",)), ("B", ("description",)))),
    ("customers_goal", "dlg_goal_sv", (("A", ("title",)), ("B", ("description", "metric")))),
    ("customers_stakeholder", "dlg_stakeholder_sv", (("A", ("name",)), ("B", ("title",)))),
    ("solutions_proposal", "dlg_proposal_sv", (("A", ("title",)), ("B", ("summary",)))),
    ("solutions_comment", "dlg_comment_sv", (("B", ("body",)),)),
)


def _document(weighted_columns):
    parts = []
    for weight, columns in weighted_columns:
        text = " || ' ' || ".join(f"coalesce({column}::text, '')" for column in columns)
        parts.append(f"setweight(to_tsvector('{CONFIG}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, weighted_columns in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_document(weighted_columns)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def drop_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _index, _weighted_columns in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):

    replaces = [('dialogue', '0001_initial'), ('dialogue', '0002_search_indexes'), ('dialogue', '0003_stored_search_vectors'), ('dialogue', '0004_meeting_recent_index'), ('dialogue', '0005_single_line_fields'), ('dialogue', '0006_planned_meetings'), ('dialogue', '0007_planned_uid_single_line'), ('dialogue', '0008_calendar_feeds'), ('dialogue', '0009_soft_delete'), ('dialogue', '0010_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('customers', '0001_initial'),
        ('customers', '0004_single_line_fields'),
        ('customers', '0007_verbose_names'),
        ('solutions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='token hash')),
                ('prefix', models.CharField(editable=False, max_length=8, verbose_name='prefix')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to='customers.customer', verbose_name='customer')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'verbose_name': 'calendar feed',
                'verbose_name_plural': 'calendar feeds',
            },
        ),
        migrations.CreateModel(
            name='HistoricalMeeting',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('occurred_at', models.DateTimeField(verbose_name='occurred at')),
                ('kind', models.CharField(choices=[('meeting', 'Meeting'), ('call', 'Call'), ('visit', 'Visit'), ('workshop', 'Workshop'), ('email', 'Email')], default='meeting', max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('notes', models.TextField(blank=True, max_length=50000, verbose_name='notes')),
                ('customer_said', models.TextField(blank=True, max_length=20000, verbose_name='customer said')),
                ('insights', models.TextField(blank=True, max_length=20000, verbose_name='insights')),
                ('sentiment', models.CharField(choices=[('positive', 'Positive'), ('neutral', 'Neutral'), ('negative', 'Negative')], default='neutral', max_length=10, verbose_name='sentiment')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical meeting',
                'verbose_name_plural': 'historical meetings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('occurred_at', models.DateTimeField(verbose_name='occurred at')),
                ('kind', models.CharField(choices=[('meeting', 'Meeting'), ('call', 'Call'), ('visit', 'Visit'), ('workshop', 'Workshop'), ('email', 'Email')], default='meeting', max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('notes', models.TextField(blank=True, max_length=50000, verbose_name='notes')),
                ('customer_said', models.TextField(blank=True, max_length=20000, verbose_name='customer said')),
                ('insights', models.TextField(blank=True, max_length=20000, verbose_name='insights')),
                ('sentiment', models.CharField(choices=[('positive', 'Positive'), ('neutral', 'Neutral'), ('negative', 'Negative')], default='neutral', max_length=10, verbose_name='sentiment')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authored_meetings', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goals', models.ManyToManyField(blank=True, related_name='meetings', to='customers.goal', verbose_name='goals')),
                ('internal_attendees', models.ManyToManyField(blank=True, related_name='attended_meetings', to=settings.AUTH_USER_MODEL, verbose_name='internal attendees')),
                ('problems', models.ManyToManyField(blank=True, related_name='meetings', to='customers.problem', verbose_name='problems')),
                ('stakeholders', models.ManyToManyField(blank=True, related_name='meetings', to='customers.stakeholder', verbose_name='stakeholders')),
            ],
            options={
                'ordering': ['-occurred_at'],
                'verbose_name': 'meeting',
                'verbose_name_plural': 'meetings',
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlannedMeeting',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('starts_at', models.DateTimeField(verbose_name='starts at')),
                ('duration_minutes', models.PositiveSmallIntegerField(default=60, verbose_name='duration minutes')),
                ('kind', models.CharField(choices=[('meeting', 'Meeting'), ('call', 'Call'), ('visit', 'Visit'), ('workshop', 'Workshop'), ('email', 'Email')], default='meeting', max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('location', models.CharField(blank=True, max_length=300, validators=[core.validators.validate_single_line], verbose_name='location')),
                ('agenda', models.TextField(blank=True, max_length=20000, verbose_name='agenda')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('logged', 'Outcome logged'), ('cancelled', 'Cancelled')], default='planned', max_length=10, verbose_name='status')),
                ('uid', models.CharField(default=dialogue.models.new_calendar_uid, editable=False, max_length=255, validators=[core.validators.validate_single_line], verbose_name='uid')),
                ('sequence', models.PositiveIntegerField(default=0, editable=False, verbose_name='sequence')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='dialogue.meeting', verbose_name='meeting')),
            ],
            options={
                'verbose_name': 'historical planned meeting',
                'verbose_name_plural': 'historical planned meetings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalActionItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('description', models.CharField(max_length=500, validators=[core.validators.validate_single_line], verbose_name='description')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due on')),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=10, verbose_name='status')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('completed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='dialogue.meeting', verbose_name='meeting')),
            ],
            options={
                'verbose_name': 'historical action item',
                'verbose_name_plural': 'historical action items',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ActionItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('description', models.CharField(max_length=500, validators=[core.validators.validate_single_line], verbose_name='description')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due on')),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('cancelled', 'Cancelled')], default='open', max_length=10, verbose_name='status')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='completed at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('completed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_action_items', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_items', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='action_items', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='action_items', to='dialogue.meeting', verbose_name='meeting')),
            ],
            options={
                'ordering': ['due_on', 'id'],
                'verbose_name': 'action item',
                'verbose_name_plural': 'action items',
            },
        ),
        migrations.CreateModel(
            name='PlannedMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('starts_at', models.DateTimeField(verbose_name='starts at')),
                ('duration_minutes', models.PositiveSmallIntegerField(default=60, verbose_name='duration minutes')),
                ('kind', models.CharField(choices=[('meeting', 'Meeting'), ('call', 'Call'), ('visit', 'Visit'), ('workshop', 'Workshop'), ('email', 'Email')], default='meeting', max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('location', models.CharField(blank=True, max_length=300, validators=[core.validators.validate_single_line], verbose_name='location')),
                ('agenda', models.TextField(blank=True, max_length=20000, verbose_name='agenda')),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('logged', 'Outcome logged'), ('cancelled', 'Cancelled')], default='planned', max_length=10, verbose_name='status')),
                ('uid', models.CharField(default=dialogue.models.new_calendar_uid, editable=False, max_length=255, validators=[core.validators.validate_single_line], verbose_name='uid')),
                ('sequence', models.PositiveIntegerField(default=0, editable=False, verbose_name='sequence')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='planned_meetings', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goals', models.ManyToManyField(blank=True, related_name='planned_meetings', to='customers.goal', verbose_name='goals')),
                ('internal_attendees', models.ManyToManyField(blank=True, related_name='planned_meetings_to_attend', to=settings.AUTH_USER_MODEL, verbose_name='internal attendees')),
                ('meeting', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan', to='dialogue.meeting', verbose_name='meeting')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='owned_planned_meetings', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('problems', models.ManyToManyField(blank=True, related_name='planned_meetings', to='customers.problem', verbose_name='problems')),
                ('stakeholders', models.ManyToManyField(blank=True, related_name='planned_meetings', to='customers.stakeholder', verbose_name='stakeholders')),
            ],
            options={
                'ordering': ['starts_at', 'id'],
                'verbose_name': 'planned meeting',
                'verbose_name_plural': 'planned meetings',
            },
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['customer', '-occurred_at'], name='dialogue_me_custome_155a6a_idx'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['-occurred_at', '-id'], name='dlg_meeting_recent'),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['owner', 'status', 'due_on'], name='dialogue_ac_owner_i_fcdec4_idx'),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['customer', 'status', 'due_on'], name='dialogue_ac_custome_0bf047_idx'),
        ),
        migrations.AddIndex(
            model_name='plannedmeeting',
            index=models.Index(fields=['customer', 'status', 'starts_at'], name='dialogue_pl_custome_c2743a_idx'),
        ),
        migrations.AddIndex(
            model_name='plannedmeeting',
            index=models.Index(fields=['owner', 'status', 'starts_at'], name='dialogue_pl_owner_i_890be8_idx'),
        ),
        migrations.AddConstraint(
            model_name='plannedmeeting',
            constraint=models.UniqueConstraint(fields=('uid',), name='dlg_planned_uid_unique'),
        ),
        migrations.RunPython(add_search_vectors, drop_search_vectors),
    ]

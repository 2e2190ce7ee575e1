"""insights 0001 to 0006 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0006, as `makemigrations` writes it for an empty
app (0004's data step, carrying plan approvals over, has no rows to carry on a new
database). Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('insights', '0001_initial'), ('insights', '0002_change_feed'), ('insights', '0003_prep_briefs'), ('insights', '0004_structured_plan'), ('insights', '0005_plan_history'), ('insights', '0006_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0002_initial'),
        ('accounts', '0006_user_time_zone_and_language'),
        ('accounts', '0007_verbose_names'),
        ('accounts', '__first__'),
        ('customers', '0001_initial'),
        ('customers', '0004_single_line_fields'),
        ('customers', '0006_trigram_extension'),
        ('customers', '0007_verbose_names'),
        ('dialogue', '0007_planned_uid_single_line'),
        ('dialogue', '0010_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for review'), ('changes_requested', 'Changes requested'), ('approved', 'Approved')], default='draft', max_length=20, verbose_name='status')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                ('last_approved_at', models.DateTimeField(blank=True, null=True, verbose_name='last approved at')),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='account_plan', to='customers.customer', verbose_name='customer')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
            ],
            options={
                'abstract': False,
                'verbose_name': 'account plan',
                'verbose_name_plural': 'account plans',
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlanSection',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('kind', models.CharField(choices=[('strategy', 'Strategy'), ('area', 'Area')], max_length=10, verbose_name='kind')),
                ('body', models.TextField(blank=True, max_length=50000, verbose_name='body')),
                ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for review'), ('changes_requested', 'Changes requested'), ('approved', 'Approved')], default='draft', max_length=20, verbose_name='status')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                ('approved_version', models.PositiveIntegerField(blank=True, null=True, verbose_name='approved version')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.area', verbose_name='area')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('submitted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={
                'verbose_name': 'historical plan section',
                'verbose_name_plural': 'historical plan sections',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PlanSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('kind', models.CharField(choices=[('strategy', 'Strategy'), ('area', 'Area')], max_length=10, verbose_name='kind')),
                ('body', models.TextField(blank=True, max_length=50000, verbose_name='body')),
                ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ('approved_version', models.PositiveIntegerField(blank=True, null=True, verbose_name='approved version')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for review'), ('changes_requested', 'Changes requested'), ('approved', 'Approved')], default='draft', max_length=20, verbose_name='status')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plan_sections', to='accounts.area', verbose_name='area')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_sections', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={
                'ordering': ['customer', 'kind', 'area__name'],
                'verbose_name': 'plan section',
                'verbose_name_plural': 'plan sections',
            },
        ),
        migrations.CreateModel(
            name='PlanReviewEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('submitted', 'Submitted for review'), ('approved', 'Approved'), ('changes_requested', 'Requested changes')], max_length=20, verbose_name='action')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('comment', models.TextField(blank=True, max_length=5000, verbose_name='comment')),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='insights.accountplan', verbose_name='plan')),
                ('section', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_events', to='insights.plansection', verbose_name='section')),
            ],
            options={
                'ordering': ['-at', '-id'],
                'verbose_name': 'plan review event',
                'verbose_name_plural': 'plan review events',
            },
        ),
        migrations.CreateModel(
            name='PlanItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('kind', models.CharField(choices=[('objective', 'Objective'), ('risk', 'Risk'), ('action', 'Relationship action'), ('offer', 'What we offer'), ('question', 'Open question')], max_length=10, verbose_name='kind')),
                ('title', models.CharField(max_length=300, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('details', models.TextField(blank=True, max_length=5000, verbose_name='details')),
                ('metric', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='metric')),
                ('target', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='target')),
                ('target_on', models.DateField(blank=True, null=True, verbose_name='target on')),
                ('likelihood', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], max_length=10, verbose_name='likelihood')),
                ('impact', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], max_length=10, verbose_name='impact')),
                ('mitigation', models.TextField(blank=True, max_length=5000, verbose_name='mitigation')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due on')),
                ('effort', models.CharField(blank=True, choices=[('small', 'Small (days)'), ('medium', 'Medium (weeks)'), ('large', 'Large (months)')], max_length=10, verbose_name='effort')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_items', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goals', models.ManyToManyField(blank=True, related_name='plan_objectives', to='customers.goal', verbose_name='goals')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_actions', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('stakeholder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_actions', to='customers.stakeholder', verbose_name='stakeholder')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='insights.plansection', verbose_name='section')),
            ],
            options={
                'ordering': ['section', 'kind', 'created_at', 'id'],
                'verbose_name': 'plan item',
                'verbose_name_plural': 'plan items',
            },
        ),
        migrations.CreateModel(
            name='PlanComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=10000, verbose_name='body')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plan_comments', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_comments', to='customers.customer', verbose_name='customer')),
                ('section', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='insights.plansection', verbose_name='section')),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'plan comment',
                'verbose_name_plural': 'plan comments',
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlanItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('kind', models.CharField(choices=[('objective', 'Objective'), ('risk', 'Risk'), ('action', 'Relationship action'), ('offer', 'What we offer'), ('question', 'Open question')], max_length=10, verbose_name='kind')),
                ('title', models.CharField(max_length=300, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('details', models.TextField(blank=True, max_length=5000, verbose_name='details')),
                ('metric', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='metric')),
                ('target', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='target')),
                ('target_on', models.DateField(blank=True, null=True, verbose_name='target on')),
                ('likelihood', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], max_length=10, verbose_name='likelihood')),
                ('impact', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High')], max_length=10, verbose_name='impact')),
                ('mitigation', models.TextField(blank=True, max_length=5000, verbose_name='mitigation')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due on')),
                ('effort', models.CharField(blank=True, choices=[('small', 'Small (days)'), ('medium', 'Medium (weeks)'), ('large', 'Large (months)')], max_length=10, verbose_name='effort')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('stakeholder', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.stakeholder', verbose_name='stakeholder')),
                ('section', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='insights.plansection', verbose_name='section')),
            ],
            options={
                'verbose_name': 'historical plan item',
                'verbose_name_plural': 'historical plan items',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PlanSectionRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('body', models.TextField(blank=True, max_length=50000, verbose_name='body')),
                ('saved_at', models.DateTimeField(verbose_name='saved at')),
                ('items', models.JSONField(blank=True, default=list, verbose_name='items')),
                ('saved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='saved by')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='insights.plansection', verbose_name='section')),
            ],
            options={
                'ordering': ['section', '-version'],
                'verbose_name': 'plan section revision',
                'verbose_name_plural': 'plan section revisions',
            },
        ),
        migrations.CreateModel(
            name='PrepBrief',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content', models.JSONField(verbose_name='content')),
                ('source_data_version', models.PositiveBigIntegerField(verbose_name='source data version')),
                ('built_at', models.DateTimeField(verbose_name='built at')),
                ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='emailed at')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prep_briefs', to='customers.customer', verbose_name='customer')),
                ('planned_meeting', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='prep_brief', to='dialogue.plannedmeeting', verbose_name='planned meeting')),
            ],
            options={
                'verbose_name': 'prep brief',
                'verbose_name_plural': 'prep briefs',
            },
        ),
        migrations.CreateModel(
            name='SummaryBuildState',
            fields=[
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='summary_build', serialize=False, to='customers.customer', verbose_name='customer')),
                ('status', models.CharField(choices=[('idle', 'Idle'), ('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='idle', max_length=10, verbose_name='status')),
                ('requested_at', models.DateTimeField(blank=True, null=True, verbose_name='requested at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('last_success_at', models.DateTimeField(blank=True, null=True, verbose_name='last success at')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('run_count', models.PositiveIntegerField(default=0, verbose_name='run count')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
            ],
            options={
                'verbose_name': 'summary build state',
                'verbose_name_plural': 'summary build states',
                'indexes': [models.Index(fields=['status'], name='insights_su_status_6320cd_idx')],
            },
        ),
        migrations.CreateModel(
            name='AccountSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='number')),
                ('source_data_version', models.PositiveBigIntegerField(verbose_name='source data version')),
                ('content', models.JSONField(verbose_name='content')),
                ('changes', models.JSONField(default=list, verbose_name='changes')),
                ('markdown', models.TextField(verbose_name='markdown')),
                ('html', models.TextField(verbose_name='html')),
                ('content_hash', models.CharField(max_length=64, verbose_name='content hash')),
                ('built_at', models.DateTimeField(verbose_name='built at')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summaries', to='customers.customer', verbose_name='customer')),
            ],
            options={
                'verbose_name_plural': 'account summaries',
                'ordering': ['customer', '-number'],
                'verbose_name': 'account summary',
                'indexes': [models.Index(fields=['built_at'], name='insights_ac_built_a_d78f2c_idx')],
                'constraints': [models.UniqueConstraint(fields=('customer', 'number'), name='unique_summary_number'), models.UniqueConstraint(fields=('customer', 'content_hash'), name='unique_summary_content')],
            },
        ),
        migrations.CreateModel(
            name='DigestDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_start', models.DateField(verbose_name='period start')),
                ('sent_at', models.DateTimeField(verbose_name='sent at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summary_digests', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'digest delivery',
                'verbose_name_plural': 'digest deliveries',
                'constraints': [models.UniqueConstraint(fields=('user', 'period_start'), name='unique_weekly_digest')],
            },
        ),
        migrations.AddConstraint(
            model_name='plansection',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('area__isnull', True), ('kind', 'strategy')), models.Q(('area__isnull', False), ('kind', 'area')), _connector='OR'), name='plan_section_area_matches_kind'),
        ),
        migrations.AddConstraint(
            model_name='plansection',
            constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True), ('kind', 'strategy')), fields=('customer',), name='one_strategy_section'),
        ),
        migrations.AddConstraint(
            model_name='plansection',
            constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True), ('kind', 'area')), fields=('customer', 'area'), name='one_section_per_area'),
        ),
        migrations.AddIndex(
            model_name='planitem',
            index=models.Index(fields=['section', 'kind'], name='insights_pl_section_0df2e1_idx'),
        ),
        migrations.AddConstraint(
            model_name='plansectionrevision',
            constraint=models.UniqueConstraint(fields=('section', 'version'), name='unique_section_revision'),
        ),
    ]

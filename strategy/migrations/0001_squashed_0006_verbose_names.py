"""strategy 0001 to 0006 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0006, as `makemigrations` writes it for an empty
app. Replaying the replaced migrations re-rendered the project's models once per altered
field (the verbose names alone are ~800 AlterField operations): `migrate` on an empty database
took 88 s of CPU; with the squashes it takes about 20 s. Keep the replaced migrations until
every deployment has applied them.
"""

import core.validators
import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('strategy', '0001_initial'), ('strategy', '0002_analysis'), ('strategy', '0003_playbooks_values'), ('strategy', '0004_soft_delete_by'), ('strategy', '0005_scorecard_values'), ('strategy', '0006_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0004_move_drf_tokens'),
        ('accounts', '0007_verbose_names'),
        ('accounts', '__first__'),
        ('customers', '0004_single_line_fields'),
        ('customers', '0006_trigram_extension'),
        ('customers', '0007_verbose_names'),
        ('solutions', '0003_single_line_fields'),
        ('solutions', '0009_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='Division',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('name', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('employees', models.PositiveIntegerField(blank=True, help_text='Its size, in staff.', null=True, verbose_name='employees')),
                ('notes', models.TextField(blank=True, max_length=5000, verbose_name='notes')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='divisions', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goals', models.ManyToManyField(blank=True, related_name='divisions', to='customers.goal', verbose_name='goals')),
                ('head', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='headed_divisions', to='customers.stakeholder', verbose_name='head')),
                ('stakeholders', models.ManyToManyField(blank=True, related_name='divisions', to='customers.stakeholder', verbose_name='stakeholders')),
            ],
            options={
                'ordering': ['name', 'id'],
                'verbose_name': 'division',
                'verbose_name_plural': 'divisions',
            },
        ),
        migrations.CreateModel(
            name='HistoricalAnalysisItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('category', models.CharField(choices=[('strength', 'Strengths'), ('weakness', 'Weaknesses'), ('opportunity', 'Opportunities'), ('threat', 'Threats'), ('political', 'Political'), ('economic', 'Economic'), ('social', 'Social'), ('technological', 'Technological'), ('legal', 'Legal'), ('environmental', 'Environmental')], max_length=20, verbose_name='category')),
                ('text', models.TextField(max_length=2000, verbose_name='text')),
                ('source_kind', models.CharField(blank=True, editable=False, max_length=20, verbose_name='source kind')),
                ('source_version', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='source version')),
                ('is_suggested', models.BooleanField(default=False, editable=False, verbose_name='is suggested')),
                ('is_ignored', models.BooleanField(default=False, editable=False, verbose_name='is ignored')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('goal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.goal', verbose_name='goal')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('option', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.option', verbose_name='option')),
                ('problem', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.problem', verbose_name='problem')),
                ('strategic_move', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.strategicmove', verbose_name='strategic move')),
            ],
            options={
                'verbose_name': 'historical analysis item',
                'verbose_name_plural': 'historical analysis items',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalDivision',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('name', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('employees', models.PositiveIntegerField(blank=True, help_text='Its size, in staff.', null=True, verbose_name='employees')),
                ('notes', models.TextField(blank=True, max_length=5000, verbose_name='notes')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('head', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.stakeholder', verbose_name='head')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical division',
                'verbose_name_plural': 'historical divisions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProposalValue',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(0)], verbose_name='amount')),
                ('currency', models.CharField(max_length=3, verbose_name='currency')),
                ('rate', models.DecimalField(decimal_places=6, default=1, help_text="One unit of the currency in the organisation's currency, when it was given.", max_digits=14, validators=[django.core.validators.MinValueValidator(0)], verbose_name="rate to the organisation's currency")),
                ('recurrence', models.CharField(choices=[('one_off', 'One-off'), ('per_year', 'Per year')], default='one_off', max_length=10, verbose_name='recurrence')),
                ('decision_on', models.DateField(blank=True, null=True, verbose_name='expected decision')),
                ('probability', models.PositiveSmallIntegerField(default=50, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='probability (%)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'verbose_name': 'historical proposal value',
                'verbose_name_plural': 'historical proposal values',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Offering',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('description', models.CharField(blank=True, max_length=300, validators=[core.validators.validate_single_line], verbose_name='description')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('is_active', models.BooleanField(default=True, help_text='Inactive offerings leave the whitespace grid; their cells stay.', verbose_name='is active')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offerings', to='accounts.area', verbose_name='area')),
            ],
            options={
                'ordering': ['area__name', 'position', 'name'],
                'verbose_name': 'offering',
                'verbose_name_plural': 'offerings',
            },
        ),
        migrations.CreateModel(
            name='HistoricalWhitespaceCell',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('status', models.CharField(blank=True, choices=[('', 'Not assessed'), ('installed', 'Installed'), ('proposed', 'Proposed'), ('opportunity', 'Opportunity'), ('not_a_fit', 'Not a fit'), ('competitor', "Competitor's")], max_length=20, verbose_name='status')),
                ('installed_since', models.DateField(blank=True, null=True, verbose_name='installed since')),
                ('annual_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value per year')),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='why')),
                ('competitor', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='competitor')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('division', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='strategy.division', verbose_name='division')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.proposal', verbose_name='proposal')),
                ('offering', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='strategy.offering', verbose_name='offering')),
            ],
            options={
                'verbose_name': 'historical whitespace cell',
                'verbose_name_plural': 'historical whitespace cells',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Playbook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, unique=True, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('industry', models.CharField(blank=True, help_text='Blank: any.', max_length=100, validators=[core.validators.validate_single_line], verbose_name='industry')),
                ('size', models.CharField(blank=True, choices=[('small', 'Small (under 50 employees)'), ('medium', 'Medium (50-249)'), ('large', 'Large (250-999)'), ('enterprise', 'Enterprise (1,000+)')], help_text='Blank: any.', max_length=20, verbose_name='size')),
                ('needs_strategy_section', models.BooleanField(default=True, verbose_name="the lead's strategy section is required")),
                ('required_roles', models.JSONField(blank=True, default=list, help_text='Buying roles a stakeholder with an owner on our side must cover.', verbose_name='required roles')),
                ('min_confirmed_goals', models.PositiveSmallIntegerField(default=1, verbose_name='confirmed goals with linked problems, at least')),
                ('meeting_cadence_days', models.PositiveSmallIntegerField(default=30, verbose_name='a meeting at least every (days)')),
                ('is_active', models.BooleanField(default=True, verbose_name='is active')),
                ('required_areas', models.ManyToManyField(blank=True, help_text='Areas whose plan section is required.', related_name='+', to='accounts.area', verbose_name='required areas')),
                ('required_offerings', models.ManyToManyField(blank=True, help_text="Offerings every division's whitespace cell must be assessed for.", related_name='+', to='strategy.offering', verbose_name='required offerings')),
            ],
            options={
                'ordering': ['name'],
                'verbose_name': 'playbook',
                'verbose_name_plural': 'playbooks',
            },
        ),
        migrations.CreateModel(
            name='HistoricalAccountPlaybook',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('chosen_at', models.DateTimeField(blank=True, editable=False, verbose_name='chosen at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('chosen_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='chosen by')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('playbook', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='strategy.playbook', verbose_name='playbook')),
            ],
            options={
                'verbose_name': 'historical account playbook',
                'verbose_name_plural': 'historical account playbooks',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AccountPlaybook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('chosen_at', models.DateTimeField(auto_now=True, verbose_name='chosen at')),
                ('chosen_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='chosen by')),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='chosen_playbook', to='customers.customer', verbose_name='customer')),
                ('playbook', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='strategy.playbook', verbose_name='playbook')),
            ],
            options={
                'abstract': False,
                'verbose_name': 'account playbook',
                'verbose_name_plural': 'account playbooks',
            },
        ),
        migrations.CreateModel(
            name='ProposalValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(0)], verbose_name='amount')),
                ('currency', models.CharField(max_length=3, verbose_name='currency')),
                ('rate', models.DecimalField(decimal_places=6, default=1, help_text="One unit of the currency in the organisation's currency, when it was given.", max_digits=14, validators=[django.core.validators.MinValueValidator(0)], verbose_name="rate to the organisation's currency")),
                ('recurrence', models.CharField(choices=[('one_off', 'One-off'), ('per_year', 'Per year')], default='one_off', max_length=10, verbose_name='recurrence')),
                ('decision_on', models.DateField(blank=True, null=True, verbose_name='expected decision')),
                ('probability', models.PositiveSmallIntegerField(default=50, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='probability (%)')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer')),
                ('proposal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='estimate', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'verbose_name': 'proposal value',
                'verbose_name_plural': 'proposal values',
            },
        ),
        migrations.CreateModel(
            name='StoredScorecard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('percent', models.PositiveSmallIntegerField(null=True, verbose_name='percent')),
                ('criteria', models.JSONField(default=list, verbose_name='criteria')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
                ('installed_value', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='installed value')),
                ('open_value', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='open value')),
                ('weighted_value', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='weighted value')),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='scorecard', to='customers.customer', verbose_name='customer')),
                ('playbook', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='strategy.playbook', verbose_name='playbook')),
            ],
            options={
                'verbose_name': 'stored scorecard',
                'verbose_name_plural': 'stored scorecards',
            },
        ),
        migrations.CreateModel(
            name='WhitespaceCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('status', models.CharField(blank=True, choices=[('', 'Not assessed'), ('installed', 'Installed'), ('proposed', 'Proposed'), ('opportunity', 'Opportunity'), ('not_a_fit', 'Not a fit'), ('competitor', "Competitor's")], max_length=20, verbose_name='status')),
                ('installed_since', models.DateField(blank=True, null=True, verbose_name='installed since')),
                ('annual_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value per year')),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='why')),
                ('competitor', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='competitor')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='whitespace', to='customers.customer', verbose_name='customer')),
                ('division', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cells', to='strategy.division', verbose_name='division')),
                ('goals', models.ManyToManyField(blank=True, related_name='whitespace', to='customers.goal', verbose_name='goals')),
                ('offering', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cells', to='strategy.offering', verbose_name='offering')),
                ('problems', models.ManyToManyField(blank=True, related_name='whitespace', to='customers.problem', verbose_name='problems')),
                ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='whitespace', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'ordering': ['division', 'offering'],
                'verbose_name': 'whitespace cell',
                'verbose_name_plural': 'whitespace cells',
            },
        ),
        migrations.CreateModel(
            name='AnalysisItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('category', models.CharField(choices=[('strength', 'Strengths'), ('weakness', 'Weaknesses'), ('opportunity', 'Opportunities'), ('threat', 'Threats'), ('political', 'Political'), ('economic', 'Economic'), ('social', 'Social'), ('technological', 'Technological'), ('legal', 'Legal'), ('environmental', 'Environmental')], max_length=20, verbose_name='category')),
                ('text', models.TextField(max_length=2000, verbose_name='text')),
                ('source_kind', models.CharField(blank=True, editable=False, max_length=20, verbose_name='source kind')),
                ('source_version', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='source version')),
                ('is_suggested', models.BooleanField(default=False, editable=False, verbose_name='is suggested')),
                ('is_ignored', models.BooleanField(default=False, editable=False, verbose_name='is ignored')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='analysis_items', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('goal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='analysis_items', to='customers.goal', verbose_name='goal')),
                ('option', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='analysis_items', to='customers.option', verbose_name='option')),
                ('problem', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='analysis_items', to='customers.problem', verbose_name='problem')),
                ('strategic_move', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='analysis_items', to='customers.strategicmove', verbose_name='strategic move')),
            ],
            options={
                'ordering': ['category', 'created_at', 'id'],
                'verbose_name': 'analysis item',
                'verbose_name_plural': 'analysis items',
                'indexes': [models.Index(fields=['customer', 'category'], name='strategy_an_custome_399fd8_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('option__isnull', True), ('problem__isnull', True), ('strategic_move__isnull', True)), models.Q(('goal__isnull', True), ('option__isnull', True), ('strategic_move__isnull', True)), models.Q(('goal__isnull', True), ('option__isnull', True), ('problem__isnull', True)), models.Q(('goal__isnull', True), ('problem__isnull', True), ('strategic_move__isnull', True)), _connector='OR'), name='analysis_item_one_source')],
            },
        ),
        migrations.AddIndex(
            model_name='division',
            index=models.Index(fields=['customer', 'name'], name='strategy_di_custome_ed81c2_idx'),
        ),
        migrations.AddConstraint(
            model_name='offering',
            constraint=models.UniqueConstraint(fields=('area', 'name'), name='offering_unique_name_per_area'),
        ),
        migrations.AddConstraint(
            model_name='proposalvalue',
            constraint=models.CheckConstraint(condition=models.Q(('probability__lte', 100)), name='proposal_value_probability_100'),
        ),
        migrations.AddConstraint(
            model_name='proposalvalue',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('rate__gt', 0)), name='proposal_value_not_negative'),
        ),
        migrations.AddIndex(
            model_name='storedscorecard',
            index=models.Index(fields=['percent'], name='strategy_st_percent_a3b6f0_idx'),
        ),
        migrations.AddIndex(
            model_name='storedscorecard',
            index=models.Index(fields=['open_value'], name='strategy_st_open_va_15f97e_idx'),
        ),
        migrations.AddIndex(
            model_name='storedscorecard',
            index=models.Index(fields=['weighted_value'], name='strategy_st_weighte_1dfc63_idx'),
        ),
        migrations.AddIndex(
            model_name='storedscorecard',
            index=models.Index(fields=['installed_value'], name='strategy_st_install_4e0af2_idx'),
        ),
        migrations.AddConstraint(
            model_name='whitespacecell',
            constraint=models.UniqueConstraint(fields=('division', 'offering'), name='whitespace_one_cell_per_pair'),
        ),
        migrations.AddConstraint(
            model_name='whitespacecell',
            constraint=models.CheckConstraint(condition=models.Q(('annual_value__isnull', True), ('annual_value__gte', 0), _connector='OR'), name='whitespace_value_not_negative'),
        ),
    ]

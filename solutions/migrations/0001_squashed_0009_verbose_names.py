"""solutions 0001 to 0009 in one migration, for new databases (Django's squashed
migrations: a database that has applied the replaced ones carries on from them).

Its operations are the models' state at 0009, as `makemigrations` writes it for an empty
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

    replaces = [('solutions', '0001_initial'), ('solutions', '0002_search_recent_indexes'), ('solutions', '0003_single_line_fields'), ('solutions', '0004_proposal_follows'), ('solutions', '0005_soft_delete'), ('solutions', '0006_partner_soft_delete'), ('solutions', '0007_contribution_soft_delete'), ('solutions', '0008_contribution_recent_index'), ('solutions', '0009_verbose_names')]

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('accounts', '0006_user_time_zone_and_language'),
        ('accounts', '0007_verbose_names'),
        ('accounts', '__first__'),
        ('customers', '0001_initial'),
        ('customers', '0002_search_recent_indexes'),
        ('customers', '0007_verbose_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='Contribution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('request', models.TextField(blank=True, help_text='What is asked for.', max_length=5000, verbose_name='request')),
                ('description', models.TextField(blank=True, help_text='What it adds.', max_length=20000, verbose_name='description')),
                ('effort_days', models.DecimalField(blank=True, decimal_places=1, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='effort days')),
                ('cost_estimate', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='cost estimate')),
                ('status', models.CharField(choices=[('requested', 'Requested'), ('in_progress', 'In progress'), ('done', 'Done'), ('declined', 'Declined')], default='requested', editable=False, max_length=20, verbose_name='status')),
                ('decline_reason', models.CharField(blank=True, max_length=500, validators=[core.validators.validate_single_line], verbose_name='decline reason')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('answered_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='answered at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='accounts.area', verbose_name='area')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('requested_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requested_contributions', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('specialist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to=settings.AUTH_USER_MODEL, verbose_name='specialist')),
            ],
            options={
                'ordering': ['requested_at', 'id'],
                'verbose_name': 'contribution',
                'verbose_name_plural': 'contributions',
            },
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('body', models.TextField(max_length=20000, verbose_name='body')),
                ('edited_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='edited at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comments', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='solutions.comment', verbose_name='parent')),
                ('contribution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='solutions.contribution', verbose_name='contribution')),
            ],
            options={
                'ordering': ['created_at', 'id'],
                'verbose_name': 'comment',
                'verbose_name_plural': 'comments',
            },
        ),
        migrations.CreateModel(
            name='HistoricalPartner',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('name', models.CharField(db_index=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('market', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='market')),
                ('speciality', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='speciality')),
                ('website', models.URLField(blank=True, max_length=300, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='website')),
                ('contact_name', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='contact name')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact email')),
                ('contact_phone', models.CharField(blank=True, max_length=40, validators=[core.validators.validate_single_line], verbose_name='contact phone')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical partner',
                'verbose_name_plural': 'historical partners',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProposal',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('summary', models.TextField(blank=True, max_length=50000, verbose_name='summary')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value')),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[core.validators.validate_single_line], verbose_name='currency')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('presented', 'Presented'), ('accepted', 'Accepted'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='draft', editable=False, max_length=20, verbose_name='status')),
                ('status_changed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='status changed at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'historical proposal',
                'verbose_name_plural': 'historical proposals',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Partner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('name', models.CharField(max_length=200, unique=True, validators=[core.validators.validate_single_line], verbose_name='name')),
                ('market', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='market')),
                ('speciality', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='speciality')),
                ('website', models.URLField(blank=True, max_length=300, validators=[django.core.validators.URLValidator(schemes=['http', 'https'])], verbose_name='website')),
                ('contact_name', models.CharField(blank=True, max_length=200, validators=[core.validators.validate_single_line], verbose_name='contact name')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact email')),
                ('contact_phone', models.CharField(blank=True, max_length=40, validators=[core.validators.validate_single_line], verbose_name='contact phone')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
            ],
            options={
                'ordering': ['name'],
                'verbose_name': 'partner',
                'verbose_name_plural': 'partners',
            },
        ),
        migrations.AddField(
            model_name='contribution',
            name='partner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='solutions.partner', verbose_name='partner'),
        ),
        migrations.CreateModel(
            name='Proposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('title', models.CharField(max_length=200, validators=[core.validators.validate_single_line], verbose_name='title')),
                ('summary', models.TextField(blank=True, max_length=50000, verbose_name='summary')),
                ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='value')),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[core.validators.validate_single_line], verbose_name='currency')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('presented', 'Presented'), ('accepted', 'Accepted'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='draft', editable=False, max_length=20, verbose_name='status')),
                ('status_changed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='status changed at')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='deleted at')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_proposals', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='customers.customer', verbose_name='customer')),
                ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deleted by')),
                ('options', models.ManyToManyField(blank=True, related_name='proposals', to='customers.option', verbose_name='options')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='owned_proposals', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('problems', models.ManyToManyField(blank=True, related_name='proposals', to='customers.problem', verbose_name='problems')),
            ],
            options={
                'ordering': ['-updated_at'],
                'verbose_name': 'proposal',
                'verbose_name_plural': 'proposals',
            },
        ),
        migrations.CreateModel(
            name='HistoricalContribution',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('request', models.TextField(blank=True, help_text='What is asked for.', max_length=5000, verbose_name='request')),
                ('description', models.TextField(blank=True, help_text='What it adds.', max_length=20000, verbose_name='description')),
                ('effort_days', models.DecimalField(blank=True, decimal_places=1, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='effort days')),
                ('cost_estimate', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='cost estimate')),
                ('status', models.CharField(choices=[('requested', 'Requested'), ('in_progress', 'In progress'), ('done', 'Done'), ('declined', 'Declined')], default='requested', editable=False, max_length=20, verbose_name='status')),
                ('decline_reason', models.CharField(blank=True, max_length=500, validators=[core.validators.validate_single_line], verbose_name='decline reason')),
                ('requested_at', models.DateTimeField(blank=True, editable=False, verbose_name='requested at')),
                ('answered_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='answered at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.area', verbose_name='area')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('specialist', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='specialist')),
                ('partner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.partner', verbose_name='partner')),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'verbose_name': 'historical contribution',
                'verbose_name_plural': 'historical contributions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalComment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('body', models.TextField(max_length=20000, verbose_name='body')),
                ('edited_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='edited at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('contribution', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.contribution', verbose_name='contribution')),
                ('customer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.comment', verbose_name='parent')),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'verbose_name': 'historical comment',
                'verbose_name_plural': 'historical comments',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='contribution',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contributions', to='solutions.proposal', verbose_name='proposal'),
        ),
        migrations.AddField(
            model_name='comment',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='solutions.proposal', verbose_name='proposal'),
        ),
        migrations.CreateModel(
            name='ProposalFollow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_following', models.BooleanField(default=True, verbose_name='is following')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='solutions.proposal', verbose_name='proposal')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposal_follows', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'proposal follow',
                'verbose_name_plural': 'proposal follows',
            },
        ),
        migrations.CreateModel(
            name='ProposalTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('presented', 'Presented'), ('accepted', 'Accepted'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='from status')),
                ('to_status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('presented', 'Presented'), ('accepted', 'Accepted'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='to status')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                ('note', models.CharField(blank=True, max_length=500, validators=[core.validators.validate_single_line], verbose_name='note')),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='solutions.proposal', verbose_name='proposal')),
            ],
            options={
                'ordering': ['at', 'id'],
                'verbose_name': 'proposal transition',
                'verbose_name_plural': 'proposal transitions',
            },
        ),
        migrations.CreateModel(
            name='Mention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentions', to='solutions.comment', verbose_name='comment')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentions', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'mention',
                'verbose_name_plural': 'mentions',
                'constraints': [models.UniqueConstraint(fields=('comment', 'user'), name='unique_mention')],
            },
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['customer', 'status'], name='solutions_p_custome_134c2b_idx'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['-created_at', '-id'], name='sol_proposal_recent'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(fields=['specialist', 'status', 'requested_at'], name='solutions_c_special_af4a4e_idx'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(fields=['-requested_at', '-id'], name='sol_contribution_recent'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('partner__isnull', True), ('specialist__isnull', False)), models.Q(('partner__isnull', False), ('specialist__isnull', True)), _connector='OR'), name='contribution_from_specialist_xor_partner'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['proposal', 'created_at'], name='solutions_c_proposa_bbddb7_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['-created_at', '-id'], name='sol_comment_recent'),
        ),
        migrations.AddConstraint(
            model_name='proposalfollow',
            constraint=models.UniqueConstraint(fields=('proposal', 'user'), name='unique_proposal_follow'),
        ),
    ]

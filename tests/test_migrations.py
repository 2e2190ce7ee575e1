"""The squashed migrations (`*/migrations/0001_squashed_*.py`) build what their replaced
migrations build. A new database runs the squashes; an existing one carries on from the
replaced migrations (tests/production/test_upgrade.py), so the two must end in one state:
the same models, fields, options, indexes and constraints, app by app.

The squashes were written from the models' state (not by replaying each AlterField), so this
is what keeps them honest; the PostgreSQL-only steps they carry (dialogue's stored search
vectors, customers' pg_trgm) are exercised by every search test, since the test database is
built by the squashes.
"""

from django.db.migrations.loader import MigrationLoader


def _leaf_states(replace: bool):
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=replace)
    return loader, loader.project_state()


def _squashes(loader: MigrationLoader):
    return {
        key: migration for key, migration in loader.disk_migrations.items() if migration.replaces
    }


def _deconstructed(model_state):
    fields = {name: field.deconstruct()[1:] for name, field in model_state.fields.items()}
    options = {
        # Indexes and constraints by name: their order in the list means nothing to the schema,
        # and the replayed state lists customers' customer_name_id twice (added on both
        # branches that 0008 merges; the database has it once).
        key: (
            sorted({item.name: item.deconstruct() for item in value}.items())
            if key in ("indexes", "constraints")
            else value
        )
        for key, value in model_state.options.items()
    }
    return fields, options, model_state.bases, [name for name, _manager in model_state.managers]


def test_every_app_with_a_squash_ends_in_the_state_of_its_replaced_migrations():
    _, replayed = _leaf_states(replace=False)
    squashed_loader, squashed = _leaf_states(replace=True)
    apps = {key[0] for key in _squashes(squashed_loader)}
    assert apps, "no squashed migrations found"
    for app in sorted(apps):
        replayed_models = {k: v for k, v in replayed.models.items() if k[0] == app}
        squashed_models = {k: v for k, v in squashed.models.items() if k[0] == app}
        assert sorted(squashed_models) == sorted(replayed_models), app
        for key, model_state in replayed_models.items():
            assert _deconstructed(squashed_models[key]) == _deconstructed(model_state), key


def test_a_squash_replaces_an_unbroken_run_of_its_app_from_the_first_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    for (app, name), migration in _squashes(loader).items():
        chain = [key for key in loader.graph.forwards_plan(migration.replaces[-1]) if key[0] == app]
        assert sorted(migration.replaces) == sorted(chain), (app, name)


def test_with_the_squashes_every_app_has_one_leaf_and_the_graph_holds():
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=True)
    loader.graph.validate_consistency()
    assert not loader.detect_conflicts()
    assert all(
        not migration.replaces or key in loader.graph.nodes
        for key, migration in _squashes(loader).items()
    )

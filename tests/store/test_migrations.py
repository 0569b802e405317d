from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from coach.store.db import is_migrated, make_engine, migrate
from coach.store.models import Base


def test_migrations_match_the_models(runtime):
    """The migrated schema equals the ORM models: no change is missing a migration."""
    with runtime.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrate_is_idempotent(database_url):
    engine = make_engine(database_url)
    assert not is_migrated(engine)
    first = migrate(engine)
    assert migrate(engine) == first == "0001"
    assert is_migrated(engine)
    engine.dispose()

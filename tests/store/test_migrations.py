from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from coach.store.db import alembic_config, head_revision, is_migrated, make_engine, migrate
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
    assert migrate(engine) == first == head_revision() == "0005"
    assert is_migrated(engine)
    engine.dispose()


def _to(engine, revision, *, down=False):
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _user_columns(engine):
    return {column["name"] for column in inspect(engine).get_columns("users")}


def test_0002_adds_ui_language_to_existing_users_and_downgrades(database_url):
    """A database made by 0001, with users in it, upgrades in place (and back down)."""
    engine = make_engine(database_url)
    _to(engine, "0001")
    assert "ui_language" not in _user_columns(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, role, language,"
                " is_active, is_demo, created_at)"
                " VALUES ('old', 'Old', 'x', 'rep', 'en', :yes, :no, CURRENT_TIMESTAMP)"
            ),
            {"yes": True, "no": False},
        )
    _to(engine, "0002")
    assert "ui_language" in _user_columns(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, ui_language FROM users")).all()
    assert [tuple(row) for row in rows] == [("old", None)]
    _to(engine, "0001", down=True)
    assert "ui_language" not in _user_columns(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM users")).scalar_one() == "old"
    engine.dispose()


def test_0005_gives_existing_users_session_version_0_and_downgrades(database_url):
    """Existing users keep their sessions (version 0, what an unversioned cookie reads as)."""
    engine = make_engine(database_url)
    _to(engine, "0004")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, role, language,"
                " is_active, is_demo, created_at)"
                " VALUES ('old', 'Old', 'x', 'rep', 'en', :yes, :no, CURRENT_TIMESTAMP)"
            ),
            {"yes": True, "no": False},
        )
    _to(engine, "0005")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT session_version FROM users")).scalar_one() == 0
    _to(engine, "0004", down=True)
    assert "session_version" not in _user_columns(engine)
    engine.dispose()

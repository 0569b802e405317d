"""Migration 0004 adds the API token table to a database that already has users."""

from alembic import command
from sqlalchemy import inspect, text

from coach.store.db import alembic_config, make_engine, migrate


def _to(engine, revision, *, down=False):
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0004_upgrades_in_place_and_downgrades(database_url):
    engine = make_engine(database_url)
    try:
        _to(engine, "0003")
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO users (username, display_name, password_hash, role, language,"
                    " is_active, is_demo, created_at)"
                    " VALUES ('ann', 'Ann', 'x', 'rep', 'en', true, false, CURRENT_TIMESTAMP)"
                )
            )
        assert migrate(engine) >= "0004"  # to the head: later revisions come on top
        assert "api_tokens" in set(inspect(engine).get_table_names())
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO api_tokens (prefix, secret_hash, user_id, name, created_at)"
                    " VALUES ('abc', :h, 1, 'LMS', CURRENT_TIMESTAMP)"
                ),
                {"h": "0" * 64},
            )
        _to(engine, "0003", down=True)
        assert "api_tokens" not in set(inspect(engine).get_table_names())
        with engine.connect() as c:
            assert c.execute(text("SELECT username FROM users")).scalar_one() == "ann"
    finally:
        engine.dispose()

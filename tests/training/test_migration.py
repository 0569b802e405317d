"""Migration 0003 adds the training tables to a database that already has assignments."""

from alembic import command
from sqlalchemy import inspect, text

from coach.store.db import alembic_config, make_engine


def _to(engine, revision, *, down=False):
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0003_upgrades_in_place_and_downgrades(database_url):
    engine = make_engine(database_url)
    _to(engine, "0002")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO teams (name, description, created_at) VALUES ('T', '', CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            text(
                "INSERT INTO assignments (kind, title, note, assignee_team_id, created_at)"
                " VALUES ('clip', 'old task', '', 1, CURRENT_TIMESTAMP)"
            )
        )
    _to(engine, "0003")
    tables = set(inspect(engine).get_table_names())
    assert {"drills", "certificates", "coaching_comments", "key_point_overrides"} <= tables
    indexes = {i["name"] for i in inspect(engine).get_indexes("practice_sessions")}
    assert {"ix_practice_sessions_user_started", "ix_practice_sessions_assignment_id"} <= indexes
    with engine.connect() as c:
        assert c.execute(text("SELECT title, drill_id FROM assignments")).one() == (
            "old task",
            None,
        )
    _to(engine, "0002", down=True)
    assert "drills" not in set(inspect(engine).get_table_names())
    columns = {col["name"] for col in inspect(engine).get_columns("assignments")}
    assert "drill_id" not in columns
    with engine.connect() as c:
        assert c.execute(text("SELECT title FROM assignments")).scalar_one() == "old task"
    engine.dispose()

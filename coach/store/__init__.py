"""Storage: SQLAlchemy 2 rows, Alembic migrations and repository functions."""

from coach.store.db import make_engine, migrate, session_factory, transaction

__all__ = ["make_engine", "migrate", "session_factory", "transaction"]

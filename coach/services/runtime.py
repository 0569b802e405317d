"""The running coach: settings plus the database, opened once and shared by every service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from coach.errors import ConfigurationError
from coach.settings import Settings, get_settings
from coach.store.db import is_migrated, make_engine, session_factory, transaction


@dataclass
class Runtime:
    """What services need to act: the settings and a database session factory."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A database session committed at the end of the block (rolled back on error)."""
        with transaction(self.sessions) as session:
            yield session

    def require_initialised(self) -> None:
        """Raise a clear error when the database has not been set up yet."""
        if not is_migrated(self.engine):
            raise ConfigurationError(
                "the database is not set up yet: run `coach init` first "
                f"(database: {self.engine.url.render_as_string(hide_password=True)})"
            )

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def open_runtime(settings: Settings | None = None) -> Runtime:
    """Open the database named by the settings (read from the environment if not given)."""
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    return Runtime(settings=settings, engine=engine, sessions=session_factory(engine))

"""Shared fixtures: isolated environment, databases (SQLite file and private PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.services.runtime import Runtime, open_runtime
from coach.settings import Settings
from tests.support.postgres import PostgresCluster, start_cluster

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
STRICT = os.environ.get("COACH_TEST_STRICT") == "1"
"""Set by the README test command: a missing test tool fails instead of skipping."""


def missing_tool(reason: str) -> None:
    """Skip when run by hand without a tool; fail under the README test command."""
    if STRICT:
        pytest.fail(f"{reason} (the README test command installs it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No COACH_* variable or .env file from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("COACH_") and name != "COACH_TEST_STRICT":
            monkeypatch.delenv(name, raising=False)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster on loopback for this test run, stopped at the end."""
    try:
        cluster = start_cluster()
    except FileNotFoundError as exc:
        missing_tool(str(exc))
        raise
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database: a SQLite file, or a new database in the private cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a migrated empty database (both backends)."""
    from coach.store.db import migrate

    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    rt = open_runtime(settings)
    migrate(rt.engine)
    try:
        yield rt
    finally:
        rt.close()


STRONG_SECRET = "HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I"
"""A production-grade session secret for tests (never used outside them)."""


def production_view(runtime: Runtime) -> Runtime:
    """The same data dir and database opened as production (``COACH_ENV=production``)."""
    return open_runtime(
        Settings(
            env="production",
            secret_key=STRONG_SECRET,
            data_dir=runtime.settings.data_dir,
            database_url=runtime.settings.resolved_database_url,
        )
    )


@pytest.fixture
def seeded_runtime(runtime: Runtime) -> Runtime:
    """A runtime with the seed content loaded."""
    from coach.services import setup

    setup.initialise(runtime, seeds=SEEDS)
    return runtime



@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[Path]:
    """`coach init` run in this test's data dir, with a fake clip engine.

    The fake engine keeps `coach init` from embedding the seed clips with the real model.
    """
    from typer.testing import CliRunner

    from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
    from coach.cli import app
    from coach.services import clips

    embedder = FakeEmbedder()
    settings = Settings()
    clips.set_engine(settings, clips.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0))
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    yield tmp_path
    clips.set_engine(settings, None)

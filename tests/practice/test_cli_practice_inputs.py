"""`coach practice` checks its input before a session starts (no models needed)."""

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.services.runtime import open_runtime
from coach.store.models import PracticeSessionRow

runner = CliRunner()
SCENARIO = ["practice", "--scenario", "crm-logistics-discovery"]


@pytest.fixture
def initialised():
    assert runner.invoke(app, ["init", "--no-index"]).exit_code == 0


def session_count() -> int:
    runtime = open_runtime()
    try:
        with runtime.transaction() as session:
            return session.query(PracticeSessionRow).count()
    finally:
        runtime.close()


def refused(*args: str) -> str:
    result = runner.invoke(app, [*SCENARIO, *args])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_a_missing_or_wrong_input_starts_no_session(initialised, tmp_path):
    assert "does not exist" in refused("--input", str(tmp_path / "missing.txt"))
    assert "is a folder" in refused("--input", str(tmp_path))
    (tmp_path / "latin1.txt").write_bytes("Grüß Gott\n".encode("latin-1"))
    assert "not UTF-8" in refused("--input", str(tmp_path / "latin1.txt"))
    (tmp_path / "turns.txt").write_text("Hello\n")
    assert "not both" in refused("--input", str(tmp_path / "turns.txt"), "--audio-dir", str(tmp_path))
    assert "does not exist" in refused("--audio-dir", str(tmp_path / "nowhere"))
    assert "is a file" in refused("--audio-dir", str(tmp_path / "turns.txt"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "has no recordings" in refused("--audio-dir", str(empty))
    assert session_count() == 0

"""`coach tokens create|list|revoke`, and that a token made there opens the REST API."""

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from coach.api import create_app
from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.cli import app
from coach.services import clips
from coach.services.practice import PracticeService
from coach.services.runtime import open_runtime
from coach.settings import Settings
from tests.training.world import build

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


@pytest.fixture
def runtime(tmp_path):
    embedder = FakeEmbedder()
    settings = Settings()
    clips.set_engine(settings, clips.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0))
    assert run("init").exit_code == 0
    rt = open_runtime()
    build(rt)
    yield rt
    clips.set_engine(settings, None)


@pytest.mark.parametrize(
    "command", [["tokens"], ["tokens", "create"], ["tokens", "list"], ["tokens", "revoke"]]
)
def test_help_everywhere(command):
    assert run(*command, "--help").exit_code == 0


def test_create_list_revoke_and_use(runtime):
    made = run("tokens", "create", "--user", "ann", "--name", "LMS", "--json")
    assert made.exit_code == 0, made.output
    token = json.loads(made.output)["token"]
    listed = run("tokens", "list", "--user", "ann", "--json")
    rows = json.loads(listed.output)
    assert [r["name"] for r in rows] == ["LMS"] and token not in listed.output
    table = run("tokens", "list", "--for", "ann", "--lang", "zh")
    assert table.exit_code == 0 and "前缀" in table.output and "有效" in table.output

    client = TestClient(
        create_app(runtime, practice=PracticeService(runtime, embedder=FakeEmbedder()), ui=False)
    )
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200

    refused = run("tokens", "revoke", str(rows[0]["id"]), "--user", "bob")
    assert refused.exit_code == 1 and "your own" in refused.output
    done = run("tokens", "revoke", str(rows[0]["id"]), "--user", "ann")
    assert done.exit_code == 0 and "revoked" in done.output
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401


def test_the_operator_must_say_whose_token(runtime):
    plain = run("tokens", "create")
    assert plain.exit_code == 1 and "--for NAME" in plain.output
    made = run("tokens", "create", "--for", "sam")
    assert made.exit_code == 0 and "coach_" in made.output and "shown only now" in made.output
    assert run("tokens", "list", "--user", "sam", "--for", "ann").exit_code == 1
    assert "sam" in run("tokens", "list", "--all").output

"""`coach clips ...` end to end on a SQLite file, with the fake engine registered."""

import json

import pytest
from typer.testing import CliRunner

from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.cli import app
from coach.services import clips
from coach.settings import Settings

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


@pytest.fixture
def cli_env(tmp_path):
    assert run("init").exit_code == 0
    embedder = FakeEmbedder()
    settings = Settings()
    clips.set_engine(settings, clips.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0))
    yield tmp_path
    clips.set_engine(settings, None)


@pytest.mark.parametrize(
    "command",
    [
        ["clips"],
        *[
            ["clips", c]
            for c in (
                "import",
                "calls",
                "turns",
                "cut",
                "tag",
                "show",
                "search",
                "like",
                "save",
                "saved",
                "assign",
                "tasks",
                "done",
                "mine",
                "reindex",
            )
        ],
    ],
)
def test_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_import_cut_search_like_assign_done(cli_env, tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "a.txt").write_text(
        "Rep: Hi, Sam from Zentrix.\nCustomer: Zentrix costs how much per seat?\nRep: Forty-nine, and the pilot is free.\n"
    )
    (calls / "b.json").write_text("{ not json")
    result = run(
        "clips", "import", str(calls), "--scenario", "crm-logistics-discovery", "--user", "trainer"
    )
    assert result.exit_code == 1
    assert "imported 1, skipped 0, failed 1" in result.stdout and "b.json" in result.output
    again = run("clips", "import", str(calls / "a.txt"), "--json")
    assert json.loads(again.stdout)["skipped"] == 1
    denied = run("clips", "import", str(calls), "--user", "rep")
    assert denied.exit_code == 1 and "may not" in denied.output

    listed = json.loads(run("clips", "calls", "--json").stdout)
    call_id = listed[0]["id"]
    assert "  1 customer: Zentrix costs how much per seat?" in run("clips", "turns", call_id).stdout
    cut = run(
        "clips",
        "cut",
        call_id,
        "--title",
        "Price in one line",
        "--turns",
        "1-2",
        "--objection",
        "price",
        "--key-point",
        "handle_objection",
        "--tag",
        "pilot",
        "--user",
        "trainer",
        "--json",
    )
    assert cut.exit_code == 0, cut.output
    clip_id = json.loads(cut.stdout)["id"]
    bad = run("clips", "cut", call_id, "--title", "x", "--turns", "two-three")
    assert bad.exit_code == 1 and "A-B" in bad.output

    found = json.loads(run("clips", "search", "Zentrix", "--json", "--k", "3").stdout)
    assert found[0]["clip_id"] == clip_id
    assert {"clip_id", "title", "text", "tags", "score", "start", "end", "audio"} <= set(found[0])
    assert "objection:price" in found[0]["tags"]
    filtered = json.loads(
        run(
            "clips", "search", "太贵", "--language", "zh", "--tag", "objection:price", "--json"
        ).stdout
    )
    assert filtered and all("objection:price" in r["tags"] for r in filtered)
    plain = run("clips", "search", "Zentrix")
    assert plain.exit_code == 0 and "**Zentrix**" in plain.stdout

    assert "1 likes" in run("clips", "like", clip_id, "--user", "rep").stdout
    no_user = run("clips", "like", clip_id)
    assert no_user.exit_code == 1 and "--user" in no_user.output
    assert "saved" in run("clips", "save", clip_id, "--user", "rep").stdout
    assert clip_id in run("clips", "saved", "--user", "rep").stdout
    assert "free:hot" in run("clips", "tag", clip_id, "--add", "hot", "--user", "trainer").stdout

    assigned = run(
        "clips", "assign", clip_id, "--to-user", "rep", "--due", "2031-01-31", "--user", "trainer"
    )
    assert assigned.exit_code == 0, assigned.output
    task_id = assigned.stdout.split()[1].rstrip(":")
    assert "due 2031-01-31" in assigned.stdout
    bad_due = run("clips", "assign", clip_id, "--to-user", "rep", "--due", "soon")
    assert bad_due.exit_code == 1 and "YYYY-MM-DD" in bad_due.output
    tasks = json.loads(run("clips", "tasks", "--user", "rep", "--json").stdout)
    assert tasks[0]["id"] == int(task_id) and not tasks[0]["done"]
    assert run("clips", "done", task_id, "--user", "rep").exit_code == 0
    assert "done by 1: rep" in run("clips", "tasks", "--user", "trainer", "--given").stdout
    denied = run("clips", "done", task_id, "--user", "rep-zh")
    assert denied.exit_code == 1 and "not given" in denied.output

    shown = run("clips", "show", clip_id)
    assert "likes 1, saved by 1" in shown.stdout
    topics = json.loads(run("clips", "mine", "--json", "--language", "en").stdout)
    assert topics and {"label", "count", "trend", "answers", "kind"} <= set(topics[0])
    assert run("clips", "mine").exit_code == 0
    assert "indexed 49 clips" in run("clips", "reindex", "--user", "admin").stdout
    assert run("clips", "reindex", "--user", "rep").exit_code == 1


def test_errors_are_clear(cli_env):
    result = run("clips", "show", "no-such-clip")
    assert result.exit_code == 1 and "no clip with id 'no-such-clip'" in result.output
    result = run("clips", "search", "x", "--mode", "fuzzy")
    assert result.exit_code == 1 and "unknown search mode" in result.output
    result = run("clips", "turns", "nope")
    assert result.exit_code == 1 and "no imported call" in result.output
    result = run("clips", "search", "x", "--user", "ghost")
    assert result.exit_code == 1 and "no active user" in result.output


def test_without_user_the_local_operator_acts_and_user_roles_are_checked(cli_env, tmp_path):
    assert "local operator, acting as admin" in run("clips", "reindex", "--help").output
    (tmp_path / "a.txt").write_text("Rep: Hello.\nCustomer: What does it cost?\n")
    assert run("clips", "import", str(tmp_path / "a.txt")).exit_code == 0
    assert run("clips", "calls").exit_code == 0
    for command in (["calls"], ["reindex"], ["tag", "en-crm-price-01", "--add", "hot"]):
        denied = run("clips", *command, "--user", "rep")
        assert denied.exit_code == 1 and "a rep may not" in denied.output, command
    no_account = run("clips", "saved")
    assert no_account.exit_code == 1 and "pass --user NAME" in no_account.output
    empty = run("clips", "reindex", "--user", "")
    assert empty.exit_code == 1 and "say who is acting" in empty.output


def test_commands_before_init_say_so():
    result = run("clips", "calls")
    assert result.exit_code == 1 and "coach init" in result.output

"""`coach clips ...` end to end on a SQLite file, with the fake engine registered."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


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


def test_search_errors_say_what_is_wrong(cli_env):
    cases = [
        (["clips", "search", ""], "the search query is empty"),
        (["clips", "search", "price", "--tag", "objection:pricey"], "did you mean objection:price?"),
        (["clips", "search", "price", "--tag", "nonsense"], "unknown tag 'nonsense'"),
        (["clips", "search", "price", "--language", "fr"], "unknown language 'fr'"),
        (["clips", "search", "price", "--scenario", "nope"], "known scenarios: crm-logistics-discovery"),
    ]
    for command, said in cases:
        result = run(*command)
        assert result.exit_code == 1 and said in result.output, (command, result.output)
        assert "no clips found" not in result.output


def test_the_index_is_built_by_init_so_search_shows_no_progress(cli_env):
    result = run("clips", "search", "price")
    assert result.exit_code == 0 and "indexing" not in result.output


def test_control_characters_in_user_text_are_shown_escaped(cli_env, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Rep: Hello\x1b]0;owned\x07 there\x1b[2J, 您好 👋🏽\n"
        "Customer: Fine\r\x1b[31m, thanks\x9b1m \u202egnp.exe\n",
        encoding="utf-8",
    )
    assert run("clips", "import", str(hostile)).exit_code == 0
    call_id = json.loads(run("clips", "calls", "--json").stdout)[0]["id"]
    shown = run("clips", "turns", call_id).stdout
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert raw not in shown
    assert "Hello\\x1b]0;owned\\x07 there\\x1b[2J, 您好 👋🏽" in shown
    assert "\\u202egnp.exe" in shown
    as_json = run("clips", "turns", call_id, "--json").stdout
    assert "\x1b" not in as_json and "\x9b" not in as_json and "\u202e" not in as_json
    turns = json.loads(as_json)
    assert turns[0]["text"].startswith("Hello\x1b]0;owned\x07")  # the data itself is unchanged
    cut = run("clips", "cut", call_id, "--title", "Evil\x1b]0;t\x07 title", "--turns", "0-1")
    assert cut.exit_code == 0 and "\x1b" not in cut.output and "Evil\\x1b]0;t\\x07 title" in cut.output
    found = run("clips", "search", "hello there")
    assert found.exit_code == 0 and "\x1b" not in found.output

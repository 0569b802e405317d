"""`coach drills|report|export|coaching` end to end on a SQLite file with the seed content."""

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.services.runtime import open_runtime
from tests.training.world import NOW, add_session

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def _rep_id(username):
    from coach.store.repositories import users

    rt = open_runtime()
    with rt.transaction() as s:
        user_id = users.get_user_by_username(session=s, username=username).id
    return rt, user_id


@pytest.mark.parametrize(
    "command",
    [
        ["drills"],
        *[["drills", c] for c in ("create", "assign", "list", "status", "certified")],
        ["report"],
        ["report", "team"],
        ["report", "rep"],
        ["export"],
        *[["export", c] for c in ("sessions", "scorecards", "assignments")],
        ["coaching"],
        *[
            ["coaching", c]
            for c in (
                "note",
                "mine",
                "comments",
                "read",
                "review",
                "override-score",
                "override-point",
            )
        ],
    ],
)
def test_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_assign_practise_report_coach_export(cli_env):
    made = run(
        "drills",
        "create",
        "--scenario",
        "crm-logistics-discovery",
        "--mode",
        "freeform",
        "--target",
        "60",
        "--to-team",
        "Demo Team",
        "--due",
        "2099-01-31",
        "--user",
        "trainer",
        "--json",
    )
    assert made.exit_code == 0, made.output
    given = json.loads(made.output)["assignment"]
    assert given["assignee"] == "team Demo Team"
    mine = run("drills", "list", "--mine", "--user", "rep", "--lang", "zh")
    assert mine.exit_code == 0 and "未开始" in mine.output
    rt, rep_id = _rep_id("rep")
    sid = add_session(
        rt,
        rep_id,
        score=75,
        started_at=NOW,
        scenario_id="crm-logistics-discovery",
        persona_id=None,
        points={"greeting": "hit"},
    )
    rt.close()
    status = run("drills", "status", "--user", "manager")
    assert status.exit_code == 0 and "passed" in status.output and "rep-zh" in status.output
    report = run(
        "report",
        "team",
        "Demo Team",
        "--since",
        "2000-01-01",
        "--until",
        "2100-01-01",
        "--user",
        "manager",
        "--json",
    )
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    assert (
        data["mention_rates"][0]["key_point_id"] == "greeting" and data["drills"][0]["passed"] == 1
    )
    table = run(
        "report",
        "team",
        "Demo Team",
        "--since",
        "2000-01-01",
        "--until",
        "2100-01-01",
        "--user",
        "manager",
    )
    assert (
        table.exit_code == 0 and "Key-point mention rate" in table.output and "100%" in table.output
    )
    assert (
        "要点提及率"
        in run("report", "team", "Demo Team", "--lang", "zh", "--user", "manager").output
    )
    note = run("coaching", "note", sid, "Ask about their volumes first", "--user", "manager")
    assert note.exit_code == 0, note.output
    assert "Ask about their volumes first" in run("coaching", "mine", "--user", "rep").output
    over = run(
        "coaching",
        "override-point",
        sid,
        "greeting",
        "missed",
        "--comment",
        "Too curt",
        "--user",
        "manager",
    )
    assert over.exit_code == 0 and "hit -> missed by manager" in over.output
    out = cli_env / "cards.csv"
    done = run(
        "export",
        "scorecards",
        "--team",
        "Demo Team",
        "--since",
        "2000-01-01",
        "--until",
        "2100-01-01",
        "--out",
        str(out),
        "--user",
        "manager",
    )
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "missed" in out.read_text(
        encoding="utf-8-sig"
    )


def test_errors_are_one_clear_line(cli_env):
    cases = [
        (["report", "team", "Demo Team", "--user", "rep"], "may not read team analytics"),
        (["report", "team", "Demo Team", "--since", "yesterday"], "--since must be a date"),
        (["drills", "create", "--scenario", "nope", "--mode", "freeform"], "no scenario"),
        (["drills", "assign", "99", "--to-user", "rep"], "no drill with id 99"),
        (["drills", "assign", "1", "--to-user", "rep", "--to-team", "Demo Team"], "exactly one"),
        (
            ["export", "sessions", "--team", "Demo Team", "--user", "trainer"],
            "may not export sessions",
        ),
        (["coaching", "note", "nope", "hi"], "--user NAME"),
        (["drills", "list", "--lang", "fr"], "--lang is en or zh"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 1, args
        assert message in result.output, (args, result.output)

import json

import pytest
from typer.testing import CliRunner

from coach.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init"],
        ["serve"],
        ["scenarios"],
        ["scenarios", "list"],
        ["scenarios", "validate"],
        ["users"],
        ["users", "add"],
        ["users", "list"],
    ],
)
def test_help_everywhere(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_validate_seeds_ok():
    result = run("scenarios", "validate", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_validate_malformed_file_names_file_field_line(tmp_path):
    bad = tmp_path / "scenarios" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "id: bad\ntitle: Bad\nlanguage: en\nkey_points:\n  - id: k\n    description: d\n    weigth: 2\n"
    )
    result = run("scenarios", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert "bad.yaml:7: key_points[0].weigth: unknown field" in result.output
    report = json.loads(run("scenarios", "validate", str(tmp_path), "--json").stdout)
    assert report["ok"] is False and report["issues"][0]["line"] == 7


def test_init_list_and_users_round_trip():
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "scenarios: " in result.output and "created" in result.output
    again = run("init")
    assert again.exit_code == 0 and "created" not in again.output
    listed = json.loads(run("scenarios", "list", "--json").stdout)
    assert {row["language"] for row in listed} == {"en", "zh"}
    assert "crm-logistics-discovery" in run("scenarios", "list").output
    added = run(
        "users",
        "add",
        "casey",
        "--role",
        "manager",
        "--team",
        "West",
        "--password",
        "long enough pass",
    )
    assert added.exit_code == 0, added.output
    users = {u["username"]: u for u in json.loads(run("users", "list", "--json").stdout)}
    assert users["casey"]["team"] == "West" and users["rep"]["is_demo"]
    assert "password" not in json.dumps(users)


def test_users_add_errors_are_clear():
    assert run("init", "--no-seeds").exit_code == 0
    weak = run("users", "add", "dan", "--password", "short")
    assert weak.exit_code == 1 and "at least" in weak.output
    role = run("users", "add", "dan", "--role", "boss", "--password", "long enough pass")
    assert role.exit_code == 1 and "unknown role" in role.output
    prompted = run("users", "add", "dan", input="long enough pass\nlong enough pass\n")
    assert prompted.exit_code == 0, prompted.output
    dup = run("users", "add", "dan", "--password", "long enough pass")
    assert dup.exit_code == 1 and "taken" in dup.output


def test_users_commands_check_the_acting_user():
    assert run("init").exit_code == 0
    assert "local operator, acting as admin" in run("users", "list", "--help").output
    denied = run("users", "add", "dan", "--password", "long enough pass", "--user", "trainer")
    assert denied.exit_code == 1 and "a trainer may not" in denied.output
    added = run("users", "add", "dan", "--password", "long enough pass", "--user", "admin")
    assert added.exit_code == 0, added.output
    team = json.loads(run("users", "list", "--json", "--user", "manager").stdout)
    assert "dan" not in {u["username"] for u in team} and len(team) == 5
    assert "dan" in run("users", "list").stdout
    denied = run("users", "list", "--user", "rep")
    assert denied.exit_code == 1 and "a rep may not" in denied.output
    other = run("users", "list", "--team", "Elsewhere", "--user", "trainer")
    assert other.exit_code == 1 and "only their own team" in other.output


def test_commands_before_init_say_what_to_do():
    result = run("scenarios", "list")
    assert result.exit_code == 1 and "coach init" in result.output


def test_version():
    assert run("--version").output.startswith("coach ")

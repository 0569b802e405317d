"""``coach users reset-password|team`` and ``coach teams``: the admin's tools at the terminal."""

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from coach.cli import app

runner = CliRunner()


def run(*args: str, **kwargs: Any) -> Result:
    return runner.invoke(app, list(args), **kwargs)


@pytest.mark.parametrize(
    "command",
    [["users", "reset-password"], ["users", "team"], ["teams"], ["teams", "list"], ["teams", "add"], ["teams", "rename"]],
)
def test_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output
    assert "admins only" in " ".join(result.output.split())


def test_teams_and_moves_round_trip() -> None:
    assert run("init", "--no-index").exit_code == 0
    added = run("teams", "add", "East", "--description", "New reps")
    assert added.exit_code == 0 and "added team East" in added.output
    assert run("teams", "add", "East").exit_code == 1
    moved = run("users", "team", "rep", "East")
    assert moved.exit_code == 0 and "rep is now in East" in moved.output
    teams = {t["name"]: t for t in json.loads(run("teams", "list", "--json").stdout)}
    assert teams["East"]["members"] == 1 and teams["Demo Team"]["managers"] == ["manager"]
    assert re.search(r"East\s+1/1", run("teams", "list").output)
    renamed = run("teams", "rename", "East", "West")
    assert renamed.exit_code == 0 and "is now West" in renamed.output
    out = run("users", "team", "rep", "--none")
    assert out.exit_code == 0 and "no team" in out.output
    missing = run("users", "team", "rep", "Nowhere")
    assert missing.exit_code == 1 and "no team 'Nowhere'" in missing.output
    assert run("users", "team", "rep").exit_code == 1  # neither a team nor --none


def test_reset_password_given_prompted_or_generated() -> None:
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    assert run("init", "--no-index").exit_code == 0
    assert run("users", "add", "dana", "--password", "a long passphrase").exit_code == 0
    given = run("users", "reset-password", "dana", "--password", "another long phrase")
    assert given.exit_code == 0 and "password of dana changed" in given.output
    weak = run("users", "reset-password", "dana", "--password", "short")
    assert weak.exit_code == 1 and "至少" in weak.output
    prompted = run("users", "reset-password", "dana", input="third long phrase\nthird long phrase\n")
    assert prompted.exit_code == 0, prompted.output
    made = run("users", "reset-password", "dana", "--generate")
    assert made.exit_code == 0 and "shown once" in made.output
    secret = made.output.strip().rsplit(" ", 1)[-1]
    assert accounts.authenticate(open_runtime(), username="dana", password=secret).username == "dana"


def test_only_admins_may_use_them() -> None:
    assert run("init", "--no-index").exit_code == 0
    for args in (
        ["users", "reset-password", "rep", "--password", "another long phrase"],
        ["users", "team", "rep", "--none"],
        ["teams", "list"],
        ["teams", "add", "Mine"],
        ["teams", "rename", "Demo Team", "Mine"],
    ):
        denied = run(*args, "--user", "manager")
        assert denied.exit_code == 1 and "a manager may not" in denied.output, args
    assert run("teams", "list", "--user", "admin").exit_code == 0

"""``coach users reset-password|team`` and ``coach teams list|add|rename``: the admin's tools.

The same services as the web app's Admin tab (``coach.services.accounts``), so the same
rules hold: admins only (or the local operator), the password policy, argon2 hashes.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from coach.cli import UserOption, acting, app, fail, users_app
from coach.cli.output import echo_json, say

teams_app = typer.Typer(help="List, add and rename teams (admins only).", no_args_is_help=True)
app.add_typer(teams_app, name="teams")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _runtime() -> Any:
    from coach.services.runtime import open_runtime

    return open_runtime()


@users_app.command("reset-password")
def users_reset_password(
    username: Annotated[str, typer.Argument(help="Whose password to set.")],
    password: Annotated[
        str | None,
        typer.Option(help="The new password (also read from COACH_NEW_PASSWORD; else prompted)."),
    ] = None,
    generate: Annotated[
        bool,
        typer.Option("--generate", help="Make up a strong password and print it once."),
    ] = False,
    user: UserOption = None,
) -> None:
    """Set a user's password (admins only); it must pass the password policy."""
    from coach.services import accounts

    runtime = _runtime()
    accounts.check_can_manage_users(runtime, actor=acting(user))
    secret = None if generate else password or os.environ.get("COACH_NEW_PASSWORD")
    if not generate and not secret:
        secret = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    reset = accounts.reset_password(runtime, actor=acting(user), username=username, password=secret)
    if reset.generated is not None:
        say(
            f"new password for {reset.user.username} (shown once): {reset.generated}",
            multiline=False,
        )
    else:
        say(f"password of {reset.user.username} changed", multiline=False)


@users_app.command("team")
def users_team(
    username: Annotated[str, typer.Argument(help="Who moves.")],
    team: Annotated[
        str | None, typer.Argument(help="An existing team (see `coach teams list`).")
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="Take the user out of every team.")] = False,
    user: UserOption = None,
) -> None:
    """Move a user to another team, or out of every team with --none (admins only)."""
    from coach.services import accounts

    if (team is None) == (not none):
        raise fail("give a team name, or --none to take the user out of every team")
    moved = accounts.set_team(_runtime(), actor=acting(user), username=username, team=team)
    say(f"{moved.username} is now in {moved.team or 'no team'}", multiline=False)


@teams_app.command("list")
def teams_list(as_json: AsJson = False, user: UserOption = None) -> None:
    """List teams with their member counts and managers (admins only)."""
    from coach.services import accounts

    rows = accounts.list_teams(_runtime(), actor=acting(user))
    if as_json:
        echo_json([row.model_dump(mode="json") for row in rows])
        return
    if not rows:
        typer.echo("no teams: add one with `coach teams add NAME`")
        return
    for row in rows:
        managers = ", ".join(row.managers) or "-"
        say(
            f"{row.name:<24} {row.active_members:>3}/{row.members:<3} members  managers: {managers}",
            multiline=False,
        )


@teams_app.command("add")
def teams_add(
    name: Annotated[str, typer.Argument(help="The new team's name.")],
    description: Annotated[str, typer.Option(help="A line about the team.")] = "",
    user: UserOption = None,
) -> None:
    """Add an empty team (admins only); move people in with `coach users team`."""
    from coach.services import accounts

    added = accounts.add_team(_runtime(), actor=acting(user), name=name, description=description)
    say(f"added team {added.name}", multiline=False)


@teams_app.command("rename")
def teams_rename(
    name: Annotated[str, typer.Argument(help="The team's name now.")],
    new_name: Annotated[str, typer.Argument(help="Its new name.")],
    user: UserOption = None,
) -> None:
    """Rename a team (admins only); its members stay in it."""
    from coach.services import accounts

    renamed = accounts.rename_team(_runtime(), actor=acting(user), name=name, new_name=new_name)
    say(f"team {name} is now {renamed.name}", multiline=False)

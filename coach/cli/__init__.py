"""The ``coach`` command line: set up, serve, and manage content and users.

Commands only parse arguments, call a service and print the result. Commands of a larger
area live in their own module here (``coach/cli/NAME.py``) and are registered at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coach import __version__
from coach.accounts import LOCAL_ADMIN
from coach.errors import CoachError

app = typer.Typer(
    help="coach: AI sales-practice coach. Practise calls, get scored, learn from top performers.",
    no_args_is_help=True,
    add_completion=False,
)
scenarios_app = typer.Typer(
    help="List and validate scenarios, personas and clip files.", no_args_is_help=True
)
users_app = typer.Typer(help="Add and list users.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(users_app, name="users")


def fail(error: Exception) -> typer.Exit:
    """Print an error for the user and return the exit to raise (code 1)."""
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Act as this user; their role is checked (default: the local operator, acting as admin).",
    ),
]
"""``--user NAME``: who acts. Pass it through :func:`acting` to the service."""


def acting(user: str | None) -> str:
    """The actor for a service call: ``--user NAME``, or the local operator when it is left out.

    Only a missing option means the operator: an empty ``--user ""`` goes to the service as
    given and is refused there, so nothing typed by mistake acts as an admin.
    """
    return LOCAL_ADMIN if user is None else user


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"coach {__version__}")
        raise typer.Exit()


@app.command()
def init(
    seeds: Annotated[
        Path | None, typer.Option(help="Seed content folder (default: the bundled seeds/).")
    ] = None,
    no_seeds: Annotated[
        bool, typer.Option("--no-seeds", help="Only create/migrate the schema.")
    ] = False,
) -> None:
    """Create or migrate the database and load the seed content. Safe to run again."""
    from coach.services import setup
    from coach.services.runtime import open_runtime

    try:
        runtime = open_runtime()
        report = setup.initialise(runtime, seeds=seeds, load_seeds=not no_seeds)
    except CoachError as error:
        raise fail(error) from error
    for line in report.lines():
        typer.echo(line)
    typer.secho("ready: start the app with `coach serve`", fg=typer.colors.GREEN)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
) -> None:
    """Start the web app (UI at /, API at /api) on http://127.0.0.1:7860 by default."""
    import os

    from coach.services.runtime import open_runtime

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        runtime = open_runtime()
        runtime.require_initialised()
    except CoachError as error:
        raise fail(error) from error
    settings = runtime.settings
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "tmp").resolve()))
    bind_host, bind_port = host or settings.host, port or settings.port
    import uvicorn

    from coach.api import create_app

    typer.echo(f"coach is running on http://{bind_host}:{bind_port} (Ctrl+C to stop)")
    uvicorn.run(create_app(runtime, warm_up=True), host=bind_host, port=bind_port, log_level="warning")


@scenarios_app.command("list")
def scenarios_list(
    language: Annotated[str | None, typer.Option(help="Only this language (en or zh).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the registered scenarios with their key points, personas and practice modes."""
    from coach.services import content
    from coach.services.runtime import open_runtime

    try:
        rows = content.list_scenarios(open_runtime(), language=language)
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps([row.model_dump() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no scenarios: run `coach init`")
        return
    for row in rows:
        typer.echo(
            f"{row.id:<28} {row.language}  {row.key_points:>2} key points  "
            f"modes: {', '.join(row.modes):<40} {row.title}"
        )


@scenarios_app.command("validate")
def scenarios_validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of YAML content.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check scenario, persona, clip and users files; report each problem's file, field, line."""
    from coach.services import content

    report = content.validate_paths(paths)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for issue in report.issues:
            typer.secho(str(issue), fg=typer.colors.RED, err=True)
        typer.echo(report.summary())
    if report.issues:
        raise typer.Exit(code=1)


@users_app.command("add")
def users_add(
    username: Annotated[
        str, typer.Argument(help="Login name (lower case letters, digits, . _ -).")
    ],
    role: Annotated[str, typer.Option(help="rep, trainer, manager or admin.")] = "rep",
    team: Annotated[str | None, typer.Option(help="Team name (created if new).")] = None,
    display_name: Annotated[
        str | None, typer.Option("--name", help="Name shown in the app.")
    ] = None,
    language: Annotated[str, typer.Option(help="UI language: en or zh.")] = "en",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (prompted for when left out; also read from COACH_NEW_PASSWORD)."
        ),
    ] = None,
    user: UserOption = None,
) -> None:
    """Add a user (admins only). The password is hashed with argon2id, never stored as given."""
    import os

    from coach.accounts import Role
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    if role not in {r.value for r in Role}:
        raise fail(ValueError(f"unknown role {role!r}; use rep, trainer, manager or admin"))
    secret = password or os.environ.get("COACH_NEW_PASSWORD")
    if not secret:
        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        added = accounts.add_user(
            open_runtime(),
            username=username,
            password=secret,
            role=role,
            team=team,
            display_name=display_name,
            language=language,
            actor=acting(user),
        )
    except CoachError as error:
        raise fail(error) from error
    team_text = f", team {added.team}" if added.team else ""
    typer.echo(f"added {added.username} ({added.role}{team_text})")


@users_app.command("list")
def users_list(
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    user: UserOption = None,
) -> None:
    """List users with their role and team (trainers and managers: their own team)."""
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    try:
        rows = accounts.list_users(open_runtime(), actor=acting(user), team=team, role=role)
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    if as_json:
        typer.echo(
            json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False, indent=2)
        )
        return
    for row in rows:
        flags = " (demo)" if row.is_demo else ""
        flags += " (disabled)" if not row.is_active else ""
        typer.echo(
            f"{row.username:<16} {row.role:<8} {row.team or '-':<20} {row.display_name}{flags}"
        )


# Command modules register themselves on `app` when imported.
# (registrations go here)
from coach.cli import clips as _clips  # noqa: E402,F401
from coach.cli import evaluation as _evaluation  # noqa: E402,F401
from coach.cli import practice as _practice  # noqa: E402,F401
from coach.cli import speech as _speech  # noqa: E402,F401


def main() -> None:
    """Run the command line (the ``coach`` entry point)."""
    try:
        app()
    except CoachError as error:  # pragma: no cover - typer handles most exits itself
        raise fail(error) from error

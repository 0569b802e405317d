"""The ``coach`` command line: set up, serve, and manage content and users.

Commands only parse arguments, call a service and print the result. Commands of a larger
area live in their own module here (``coach/cli/NAME.py``) and are registered at the end.

One place turns the coach's errors into one line: :class:`CoachCommands` catches a
:class:`~coach.errors.CoachError` (bad settings included), invalid data and a file that
cannot be read or written, from any command, prints ``error: ...`` and exits with 1. User
text is printed through :func:`coach.cli.output.say` (terminal controls escaped).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from coach import __version__
from coach.accounts import LOCAL_ADMIN
from coach.cli.output import ProgressBar, echo_json, say
from coach.errors import CoachError

T = TypeVar("T")

WS_PING_TIMEOUT_S = 60.0
"""How long ``coach serve`` waits for a voice socket's keepalive answer before closing it."""


def fail(error: Exception | str) -> typer.Exit:
    """Print an error for the user and return the exit to raise (code 1)."""
    say(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _one_line(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return f"invalid {error.title}: " + "; ".join(parts)


def _os_error(error: OSError) -> str:
    what = error.strerror or str(error)
    return f"{what}: {error.filename}" if error.filename else what


class CoachCommands(TyperGroup):
    """The root command group: any command's CoachError, invalid data or file error -> one line.

    Bad ``COACH_*`` settings arrive as a ConfigurationError from
    :func:`coach.settings.get_settings`, so they too end as one line and exit code 1.
    """

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        """Run the command; print the coach's errors as ``error: ...`` and exit with 1."""
        try:
            return super().invoke(ctx)
        except CoachError as error:
            raise fail(error) from error
        except ValidationError as error:
            raise fail(_one_line(error)) from error
        except OSError as error:
            raise fail(_os_error(error)) from error


app = typer.Typer(
    cls=CoachCommands,
    help="coach: AI sales-practice coach. Practise calls, get scored, learn from top performers.",
    no_args_is_help=True,
    add_completion=False,
)
scenarios_app = typer.Typer(
    help="List and validate scenarios, personas and clip files.", no_args_is_help=True
)
users_app = typer.Typer(
    help="Add, list, enable and disable users, change their role and team, reset their password.", no_args_is_help=True
)
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(users_app, name="users")


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Act as this user; their role is checked (default: the local operator, acting as admin).",
    ),
]
"""``--user NAME``: who acts. Pass it through :func:`acting` to the service."""


def check_language_option(language: str | None) -> None:
    """Refuse a ``--language`` other than en or zh (instead of silently finding nothing)."""
    if language is not None and language not in ("en", "zh"):
        raise fail(f"--language must be en or zh, not {language!r}")


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


def _with_progress(label: str, work: Callable[[ProgressBar], T], warning: str) -> T | None:
    """Run an optional step of ``coach init`` with a progress bar; a failure is a warning.

    ``warning`` is formatted with the ``error``; the step's result, or None if it failed.
    """
    bar = ProgressBar(label)
    try:
        result = work(bar)
    except Exception as error:  # an optional step: the database is ready without it
        bar.close()
        say("warning: " + warning.format(error=error), fg=typer.colors.YELLOW, err=True)
        return None
    bar.close()
    return result


@app.command()
def init(
    seeds: Annotated[
        Path | None, typer.Option(help="Seed content folder (default: the bundled seeds/).")
    ] = None,
    no_seeds: Annotated[
        bool, typer.Option("--no-seeds", help="Only create/migrate the schema.")
    ] = False,
    no_index: Annotated[
        bool,
        typer.Option(
            "--no-index", help="Do not build the clip search index now (the first search will)."
        ),
    ] = False,
    demo_history: Annotated[
        bool,
        typer.Option(
            "--demo-history",
            help="Dev mode: give the demo team six weeks of scored practice calls (once).",
        ),
    ] = False,
) -> None:
    """Create or migrate the database, load the seed content, build the clip index. Safe to run again."""
    from coach.services import setup
    from coach.services.runtime import open_runtime

    runtime = open_runtime()
    report = setup.initialise(runtime, seeds=seeds, load_seeds=not no_seeds)
    for line in report.lines():
        say(line)
    if not no_index:
        built = _with_progress(
            "indexing the clip library",
            lambda bar: setup.build_clip_index(runtime, progress=bar),
            # the database is ready: a search can still build the index
            "the clip index was not built ({error}); the first search builds it",
        )
        if built is not None:
            say(built.line())
    if demo_history and not no_seeds:
        from coach.services.demo_history import seed_demo_history

        history = _with_progress(
            "recording the demo team's practice calls",
            lambda bar: seed_demo_history(runtime, progress=bar),
            "the demo history stopped part way ({error}); the app works without it",
        )
        if history is not None:
            say(history.line())
    typer.secho("ready: start the app with `coach serve`", fg=typer.colors.GREEN)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
) -> None:
    """Start the web app (UI at /, API at /api) on http://127.0.0.1:7860 by default."""
    import os

    from coach.services.runtime import open_runtime

    if port is not None and not 1 <= port <= 65535:
        raise fail(f"--port must be between 1 and 65535, not {port}")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    runtime = open_runtime()
    runtime.require_initialised()
    settings = runtime.settings
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "tmp").resolve()))
    bind_host, bind_port = host or settings.host, port or settings.port
    import logging

    import uvicorn

    from coach.api import create_app

    # The app's own warnings (a failed second pass, a full disk, a dead LLM server) with
    # their time, level and module, not the bare message Python prints without a handler.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    typer.echo(f"coach is running on http://{bind_host}:{bind_port} (Ctrl+C to stop)")
    uvicorn.run(
        create_app(runtime, warm_up=True),
        host=bind_host,
        port=bind_port,
        log_level="warning",
        # Keepalive pings find dead sockets; on a box busy with many calls the server's own
        # loop may answer late, and uvicorn's 20 s default closed live calls under load.
        ws_ping_interval=20.0,
        ws_ping_timeout=WS_PING_TIMEOUT_S,
    )


@scenarios_app.command("list")
def scenarios_list(
    language: Annotated[str | None, typer.Option(help="Only this language (en or zh).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the registered scenarios with their key points, personas and practice modes."""
    from coach.services import content
    from coach.services.runtime import open_runtime

    check_language_option(language)
    rows = content.list_scenarios(open_runtime(), language=language)
    if as_json:
        echo_json([row.model_dump() for row in rows])
        return
    if not rows:
        typer.echo("no scenarios: run `coach init`")
        return
    for row in rows:
        say(
            f"{row.id:<28} {row.language}  {row.key_points:>2} key points  "
            f"modes: {', '.join(row.modes):<40} {row.title}",
            multiline=False,
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
        echo_json(report.as_dict())
    else:
        for issue in report.issues:
            say(issue, fg=typer.colors.RED, err=True)
        say(report.summary())
    if report.issues:
        raise typer.Exit(code=1)


@scenarios_app.command("delete")
def scenarios_delete(
    item_id: Annotated[str, typer.Argument(help="Id of a scenario or persona saved in the editor.")],
    persona: Annotated[
        bool, typer.Option("--persona", help="Delete a persona (default: a scenario).")
    ] = False,
    user: UserOption = None,
) -> None:
    """Delete a scenario or persona saved in the editor (trainers, admins); refused while in use.

    Built-in seeds, content loaded from another folder and anything a drill, assignment,
    session or certificate uses are kept, and the message says why.
    """
    from coach.services import content
    from coach.services.runtime import open_runtime

    kind = "persona" if persona else "scenario"
    deleted = content.delete_document(open_runtime(), actor=acting(user), kind=kind, item_id=item_id)
    unlinked = deleted.unlinked_clips + deleted.unlinked_calls
    also = f"; {unlinked} clip(s) and call(s) stay in the library, unlinked" if unlinked else ""
    say(f"deleted {kind} {item_id} ({deleted.path or 'no file'}){also}", multiline=False)


@users_app.command("add")
def users_add(
    username: Annotated[
        str,
        typer.Argument(
            help="Login name: 2-32 lower case letters, digits, . _ - (a letter or digit first)."
        ),
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

    from coach.accounts import check_language, check_role, check_username
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    # Everything that can be refused is refused before anyone types a password.
    check_role(role)
    check_username(username)
    check_language(language)
    runtime = open_runtime()
    accounts.check_can_manage_users(runtime, actor=acting(user))
    secret = password or os.environ.get("COACH_NEW_PASSWORD")
    if not secret:
        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    added = accounts.add_user(
        runtime,
        username=username,
        password=secret,
        role=role,
        team=team,
        display_name=display_name,
        language=language,
        actor=acting(user),
    )
    team_text = f", team {added.team}" if added.team else ""
    say(f"added {added.username} ({added.role}{team_text})", multiline=False)


@users_app.command("list")
def users_list(
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    user: UserOption = None,
) -> None:
    """List users with their role and team (trainers and managers: their own team)."""
    from coach.accounts import check_role
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    if role is not None:
        check_role(role)
    rows = accounts.list_users(open_runtime(), actor=acting(user), team=team, role=role)
    if as_json:
        echo_json([row.model_dump(mode="json") for row in rows])
        return
    for row in rows:
        flags = " (demo)" if row.is_demo else ""
        flags += " (disabled)" if not row.is_active else ""
        say(
            f"{row.username:<16} {row.role:<8} {row.team or '-':<20} {row.display_name}{flags}",
            multiline=False,
        )


@users_app.command("role")
def users_role(
    username: Annotated[str, typer.Argument(help="Whose role to change.")],
    role: Annotated[str, typer.Argument(help="rep, trainer, manager or admin.")],
    user: UserOption = None,
) -> None:
    """Change a user's role (admins only; the last active admin keeps theirs)."""
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    changed = accounts.change_role(open_runtime(), actor=acting(user), username=username, role=role)
    say(f"{changed.username} is now {changed.role}", multiline=False)


def _set_active(username: str, user: str | None, *, active: bool) -> None:
    from coach.services import accounts
    from coach.services.runtime import open_runtime

    changed = accounts.set_active(
        open_runtime(), actor=acting(user), username=username, active=active
    )
    say(f"{changed.username} is {'enabled' if active else 'disabled'}", multiline=False)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="Who may no longer sign in.")],
    user: UserOption = None,
) -> None:
    """Disable a user's login (admins only; never the last active admin)."""
    _set_active(username, user, active=False)


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="Who may sign in again.")],
    user: UserOption = None,
) -> None:
    """Enable a disabled user's login again (admins only)."""
    _set_active(username, user, active=True)


# Command modules register themselves on `app` when imported.
# (registrations go here)
from coach.cli import accounts as _accounts  # noqa: E402,F401
from coach.cli import clips as _clips  # noqa: E402,F401
from coach.cli import evaluation as _evaluation  # noqa: E402,F401
from coach.cli import practice as _practice  # noqa: E402,F401
from coach.cli import speech as _speech  # noqa: E402,F401
from coach.cli import tokens as _tokens  # noqa: E402,F401
from coach.cli import training as _training  # noqa: E402,F401


def main() -> None:
    """Run the command line (the ``coach`` entry point); errors are printed by CoachCommands."""
    app()

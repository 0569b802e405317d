"""``coach tokens create|list|revoke``: API tokens for the REST API (``/api/v1``).

A token is printed once, when it is made; only its SHA-256 digest is stored. Users manage
their own tokens (``--user NAME``); the local operator and admins manage anyone's
(``--for NAME``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from coach.cli import UserOption, acting, app, fail
from coach.cli.output import echo_json, say
from coach.errors import CoachError

tokens_app = typer.Typer(
    help="API tokens for the REST API: create (shown once), list, revoke.", no_args_is_help=True
)
app.add_typer(tokens_app, name="tokens")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
For = Annotated[
    str | None, typer.Option("--for", help="Whose tokens (admins; default: the --user's own).")
]
WORDS = {
    "en": ("id", "prefix", "user", "name", "created", "last used", "state", "active", "revoked"),
    "zh": ("编号", "前缀", "用户", "名称", "创建", "最近使用", "状态", "有效", "已撤销"),
}


def _runtime() -> Any:
    from coach.services.runtime import open_runtime

    return open_runtime()


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Option(help="A name to recognise it by, e.g. 'LMS'.")] = "",
    owner: For = None,
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Create an API token and print it once (keep it: it cannot be shown again)."""
    from coach.services import tokens

    try:
        made = tokens.create_token(_runtime(), actor=acting(user), username=owner, name=name)
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json({"token": made.token, **made.record.model_dump(mode="json")})
        return
    say(f"created API token {made.record.id} for {made.record.user}; it is shown only now:")
    say(made.token)
    say("send it as: Authorization: Bearer <token>")


@tokens_app.command("list")
def tokens_list(
    owner: For = None,
    everyone: Annotated[bool, typer.Option("--all", help="Everyone's tokens (admins).")] = False,
    user: UserOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Words in the table: en or zh.")] = "en",
    as_json: AsJson = False,
) -> None:
    """List API tokens (never their secrets): your own, one user's, or everyone's."""
    from coach.services import tokens

    if lang not in WORDS:
        raise fail(ValueError(f"--lang is en or zh, not {lang!r}"))
    try:
        rows = tokens.list_tokens(_runtime(), actor=acting(user), username=owner, everyone=everyone)
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json([row.model_dump(mode="json") for row in rows])
        return
    w = WORDS[lang]
    say("\t".join(w[:7]))
    for row in rows:
        state = w[7] if row.active else w[8]
        cells = [str(row.id), row.prefix, row.user, row.name or "-"]
        cells += [_when(row.created_at), _when(row.last_used_at), state]
        say("\t".join(cells))


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id (see `coach tokens list`).")],
    user: UserOption = None,
) -> None:
    """Revoke an API token (yours; admins: anyone's); it stops working at once."""
    from coach.services import tokens

    try:
        row = tokens.revoke_token(_runtime(), actor=acting(user), token_id=token_id)
    except CoachError as error:
        raise fail(error) from error
    say(f"revoked API token {row.id} ({row.prefix}) of {row.user}")

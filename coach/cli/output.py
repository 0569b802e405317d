"""What the command line prints: user-written text made safe for the terminal, and JSON.

Every line that can hold text a user wrote (a transcript turn, a clip title, a username, an
error that quotes an argument) goes through :func:`say`, which shows control characters as
visible escapes (:func:`coach.text.terminal.safe_terminal`), so a line in a transcript can
never retitle, clear or rewrite the terminal.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from coach.text.terminal import safe_json, safe_terminal

__all__ = ["ProgressBar", "echo_json", "say"]


def say(
    text: object,
    *,
    err: bool = False,
    fg: str | None = None,
    bold: bool | None = None,
    multiline: bool = True,
) -> None:
    """Print ``text`` (made terminal-safe) on stdout, or stderr with ``err``, in a colour."""
    typer.secho(safe_terminal(text, multiline=multiline), err=err, fg=fg, bold=bold)


def echo_json(data: Any, *, indent: int | None = 2) -> None:
    """Print ``data`` as JSON (non-ASCII kept readable, terminal controls escaped)."""
    typer.echo(safe_json(json.dumps(data, ensure_ascii=False, indent=indent, default=str)))


class ProgressBar:
    """A progress bar on stderr, opened on the first report (stdout stays clean for --json).

    Call it with ``(done, total)``; :meth:`close` it when the work is over (also after errors).
    """

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int, *_: Any) -> None:
        """Move the bar to ``done`` of ``total``."""
        if self.bar is None:
            self.bar = typer.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """Finish the bar's line, if it was opened."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

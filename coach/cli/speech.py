"""``coach transcribe`` and ``coach speak``: the speech models from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coach.cli import app, fail
from coach.errors import CoachError


@app.command()
def transcribe(
    file: Annotated[
        Path, typer.Argument(help="Audio file: WAV, FLAC, MP3, OGG/Opus, WebM or M4A.")
    ],
    language: Annotated[
        str | None, typer.Option(help="en or zh (default: detect which of the two).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print language, text, segments and duration as JSON.")
    ] = False,
) -> None:
    """Transcribe a recording with the embedded Whisper model (offline)."""
    from coach.services import speech

    try:
        result = speech.transcribe_file(file, language=language)
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        typer.echo(result.text)


@app.command()
def speak(
    text: Annotated[str, typer.Argument(help="What to say.")],
    language: Annotated[str, typer.Option(help="en or zh.")],
    out: Annotated[Path, typer.Option(help="WAV file to write (16-bit mono).")],
    voice: Annotated[
        str | None,
        typer.Option(help="Voice name, or engine:voice (e.g. piper:joe, kokoro:zm_yunyang)."),
    ] = None,
) -> None:
    """Speak text into a WAV file with the embedded voices (offline)."""
    from coach.services import speech

    try:
        spoken = speech.speak(text, language=language, out=out, voice=voice)
    except CoachError as error:
        raise fail(error) from error
    typer.echo(
        f"wrote {spoken.path} ({spoken.duration:.1f} s, {spoken.sample_rate} Hz, "
        f"{len(spoken.sentences)} sentence(s))"
    )

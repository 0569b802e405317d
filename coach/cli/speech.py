"""``coach transcribe`` and ``coach speak``: the speech models from the command line.

Arguments are checked before a model loads, so a typo costs no wait and prints one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coach.cli import app, fail
from coach.cli.output import echo_json, say

LANGUAGES = ("en", "zh")


def _check_language(language: str | None, *, optional: bool) -> None:
    if language is None and optional:
        return
    if language not in LANGUAGES:
        raise fail(f"--language {language!r} is not offered: use en (English) or zh (Mandarin)")


def check_output_file(out: Path) -> None:
    """Refuse an ``--out`` that is a folder or sits in a folder that does not exist."""
    if out.is_dir():
        raise fail(f"--out {out} is a folder: give a file name, e.g. {out / 'speech.wav'}")
    if not out.parent.is_dir():
        raise fail(f"--out {out}: the folder {out.parent} does not exist; create it first")


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

    _check_language(language, optional=True)
    if not file.is_file():
        if file.is_dir():
            raise fail(f"{file} is a folder: give an audio file")
        raise fail(f"no such audio file: {file}; check the path")
    result = speech.transcribe_file(file, language=language)
    if as_json:
        echo_json(result.as_dict(), indent=None)
    else:
        say(result.text)


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

    _check_language(language, optional=False)
    if not text.strip():
        raise fail("the text to speak is empty")
    check_output_file(out)
    spoken = speech.speak(text, language=language, out=out, voice=voice)
    say(
        f"wrote {spoken.path} ({spoken.duration:.1f} s, {spoken.sample_rate} Hz, "
        f"{len(spoken.sentences)} sentence(s))"
    )

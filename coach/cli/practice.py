"""``coach practice``: a practice session in the terminal, or scripted from a file.

The rep's turns (a file, a folder of recordings) are read and checked before the session
starts, so a wrong path starts nothing. Once it has started, a session always ends: if a
turn fails or the run is interrupted, it is ended (``ended_by`` says why) and scored, never
left ``active``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from coach.cli import app, fail
from coach.cli.output import echo_json, say
from coach.errors import CoachError

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".webm", ".m4a")
END_COMMAND = "/end"
"""Typed (or written as a line of an ``--input`` file), it ends and scores the session."""

Turns = list[tuple[str | None, Path | None]]


def _show(step: dict[str, Any]) -> None:
    if step.get("marks"):
        marks = step["marks"]
        bad = [t for t in marks["tokens"] if t["status"] not in ("ok", "homophone")]
        shown = " ".join(f"[{t['text']}→{t['said'] or '∅'}]" for t in bad[:8])
        say(f"  reading {marks['accuracy']:.0%} {shown}", fg=typer.colors.BLUE)
    if step.get("customer"):
        say(f"customer> {step['customer']}", fg=typer.colors.CYAN)
    if step.get("notice"):
        say(f"  note: {step['notice']}", fg=typer.colors.RED)
    if step.get("hint"):
        say(f"  hint: {step['hint']}", fg=typer.colors.YELLOW)
    if step.get("prompt"):
        say(f"  {step['prompt']}", fg=typer.colors.MAGENTA)


def read_turns(input_file: Path | None, audio_dir: Path | None) -> Turns | None:
    """The scripted turns (None: interactive), checked before any session starts.

    An ``--input`` file has one rep turn a line; a line ``/end`` ends the call there, as
    typing it does. An ``--audio-dir`` holds one recording a turn, taken in name order.
    """
    if input_file is not None and audio_dir is not None:
        raise fail("give --input FILE or --audio-dir DIR, not both")
    if input_file is not None:
        if not input_file.is_file():
            what = "is a folder" if input_file.is_dir() else "does not exist"
            raise fail(f"--input {input_file} {what}: give a text file with one rep turn a line")
        try:
            lines = input_file.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise fail(f"--input {input_file} is not UTF-8 text: save it as UTF-8") from None
        turns: Turns = []
        for line in lines:
            if line.strip() == END_COMMAND:
                turns.append((END_COMMAND, None))
                break
            if line.strip():
                turns.append((line.strip(), None))
        return turns
    if audio_dir is not None:
        if not audio_dir.is_dir():
            what = "is a file" if audio_dir.exists() else "does not exist"
            raise fail(f"--audio-dir {audio_dir} {what}: give a folder of recordings")
        files = sorted(
            p for p in audio_dir.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
        )
        if not files:
            raise fail(f"--audio-dir {audio_dir} has no recordings ({', '.join(AUDIO_SUFFIXES)})")
        return [(None, path) for path in files]
    return None


@app.command()
def practice(
    scenario: Annotated[str, typer.Option(help="Scenario id (see: coach scenarios list).")],
    mode: Annotated[
        str, typer.Option(help="readalong, recitation, scripted or freeform.")
    ] = "freeform",
    persona: Annotated[
        str | None,
        typer.Option(help="Persona id for the AI customer (default: the scenario's first)."),
    ] = None,
    user: Annotated[str, typer.Option(help="Who practises (a user name).")] = "rep",
    input_file: Annotated[
        Path | None, typer.Option("--input", help="Rep turns, one per line: run without prompts.")
    ] = None,
    audio_dir: Annotated[
        Path | None,
        typer.Option(help="A folder of rep recordings, one turn per file, in name order."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Makes the built-in customer's choices repeatable.")
    ] = 0,
    engine: Annotated[
        str,
        typer.Option(help="Who plays the customer: auto (the LLM if configured), builtin or llm."),
    ] = "auto",
    hints: Annotated[
        bool,
        typer.Option("--hints/--no-hints", help="Hints in scripted dialogue (off = exam mode)."),
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the session and its evaluation as JSON.")
    ] = False,
) -> None:
    """Practise a call: type your turns (or feed a file or recordings); get the scorecard at the end.

    In the terminal: /end finishes and scores the session, /repeat repeats the read-along line.
    """
    from coach.cli.evaluation import format_scorecard
    from coach.services.practice import PracticeService
    from coach.services.runtime import open_runtime

    scripted = read_turns(input_file, audio_dir)
    runtime = open_runtime()
    transcriber = None
    if audio_dir is not None:
        from coach.services import speech

        transcriber = speech.get_transcriber(runtime.settings)
    service = PracticeService(runtime, transcriber=transcriber)
    try:
        started = service.start(
            actor=user,
            scenario_id=scenario,
            mode=mode,
            persona_id=persona,
            seed=seed,
            engine=engine,
            hints=hints,
        )
    except ValueError as error:
        raise fail(error) from error
    try:
        ended_by = _run(service, started, user, scripted, as_json=as_json)
    except BaseException as error:
        # Whatever stopped the run (a failed turn, Ctrl+C, a bug), the session is ended.
        why = "interrupted" if isinstance(error, KeyboardInterrupt | typer.Abort) else "error"
        _end_quietly(service, started.session_id, user, why)
        if isinstance(error, CoachError):
            raise fail(f"{error} (session {started.session_id} was ended)") from error
        raise
    evaluation = service.end(started.session_id, actor=user, ended_by=ended_by)
    if as_json:
        payload = {
            "session_id": started.session_id,
            "turns": service.transcript(started.session_id, actor=user),
            "ended_by": ended_by,
            "evaluation": evaluation,
        }
        echo_json(payload)
    else:
        say(f"\ncall ended: {ended_by}\n", bold=True)
        say(format_scorecard(evaluation))


def _end_quietly(service: Any, session_id: str, user: str, why: str) -> None:
    """End a session whose run failed; a second failure here must not hide the first."""
    try:
        service.end(session_id, actor=user, ended_by=why)
    except Exception as error:
        say(f"warning: could not score session {session_id}: {error}", fg="yellow", err=True)


def _run(service: Any, started: Any, user: str, scripted: Turns | None, *, as_json: bool) -> str:
    """Play the turns (typed, or from ``scripted``) until the call or the input ends."""
    if not as_json:
        say(f"session {started.session_id} · {started.scenario_id} · {started.mode}", bold=True)
        _show({"customer": started.customer, "prompt": started.prompt})
    index = 0
    while True:
        if scripted is None:
            try:
                said = typer.prompt("you", prompt_suffix="> ")
            except (EOFError, typer.Abort):
                said = END_COMMAND
            if said.strip() == END_COMMAND:
                return "rep"
            text, audio = said, None
        else:
            if index >= len(scripted):
                return "input_exhausted"
            text, audio = scripted[index]
            index += 1
            if text == END_COMMAND:
                return "rep"
        try:
            result = service.take_turn(started.session_id, actor=user, text=text, audio=audio)
        except CoachError as error:
            if scripted is not None:
                raise
            say(f"  {error}", fg=typer.colors.RED, err=True)
            continue
        if not as_json:
            if audio is not None:
                say(f"you> {result.rep_text}")
            _show(result.as_dict())
        if result.ended_by is not None:
            return str(result.ended_by)

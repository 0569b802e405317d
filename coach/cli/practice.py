"""``coach practice``: a practice session in the terminal, or scripted from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from coach.cli import app, fail
from coach.errors import CoachError

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".webm", ".m4a")


def _show(step: dict[str, Any]) -> None:
    if step.get("marks"):
        marks = step["marks"]
        bad = [t for t in marks["tokens"] if t["status"] not in ("ok", "homophone")]
        shown = " ".join(f"[{t['text']}→{t['said'] or '∅'}]" for t in bad[:8])
        typer.secho(f"  reading {marks['accuracy']:.0%} {shown}", fg=typer.colors.BLUE)
    if step.get("customer"):
        typer.secho(f"customer> {step['customer']}", fg=typer.colors.CYAN)
    if step.get("notice"):
        typer.secho(f"  note: {step['notice']}", fg=typer.colors.RED)
    if step.get("hint"):
        typer.secho(f"  hint: {step['hint']}", fg=typer.colors.YELLOW)
    if step.get("prompt"):
        typer.secho(f"  {step['prompt']}", fg=typer.colors.MAGENTA)


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

    interactive = input_file is None and audio_dir is None
    try:
        runtime = open_runtime()
        transcriber = None
        if audio_dir is not None:
            from coach.services import speech

            transcriber = speech.get_transcriber(runtime.settings)
        service = PracticeService(runtime, transcriber=transcriber)
        started = service.start(
            actor=user,
            scenario_id=scenario,
            mode=mode,
            persona_id=persona,
            seed=seed,
            engine=engine,
            hints=hints,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    if not as_json:
        typer.secho(f"session {started.session_id} · {scenario} · {mode}", bold=True)
        _show({"customer": started.customer, "prompt": started.prompt})
    turns: list[tuple[str | None, Path | None]]
    if input_file is not None:
        lines = input_file.read_text(encoding="utf-8").splitlines()
        turns = [(line.strip(), None) for line in lines if line.strip()]
    elif audio_dir is not None:
        files = sorted(p for p in audio_dir.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
        turns = [(None, path) for path in files]
    else:
        turns = []
    ended_by: str | None = None
    index = 0
    while True:
        if interactive:
            try:
                said = typer.prompt("you", prompt_suffix="> ")
            except (EOFError, typer.Abort):
                said = "/end"
            if said.strip() == "/end":
                ended_by = "rep"
                break
            text, audio = said, None
        else:
            if index >= len(turns):
                ended_by = "input_exhausted"
                break
            text, audio = turns[index]
            index += 1
        try:
            result = service.take_turn(
                started.session_id, actor=user, text=text, audio=audio
            )
        except CoachError as error:
            typer.secho(f"  {error}", fg=typer.colors.RED, err=True)
            if interactive:
                continue
            raise fail(error) from error
        if not as_json:
            if audio is not None:
                typer.echo(f"you> {result.rep_text}")
            _show(result.as_dict())
        if result.ended_by is not None:
            ended_by = result.ended_by
            break
    try:
        evaluation = service.end(started.session_id, actor=user, ended_by=ended_by or "rep")
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        payload = {
            "session_id": started.session_id,
            "turns": service.transcript(started.session_id, actor=user),
            "ended_by": ended_by,
            "evaluation": evaluation,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.secho(f"\ncall ended: {ended_by}\n", bold=True)
        typer.echo(format_scorecard(evaluation))

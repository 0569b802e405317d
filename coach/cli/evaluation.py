"""``coach evaluate``: score a transcript against a scenario and print the scorecard."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from coach.cli import UserOption, acting, app, fail
from coach.errors import CoachError
from coach.text.terminal import safe_terminal

_LABELS = {
    "en": {
        "score": "Score",
        "points": "Key points",
        "delivery": "Delivery",
        "compliance": "Compliance",
        "strengths": "Strengths",
        "improve": "To improve",
        "profile": "Ability profile",
        "none": "none",
        "unsure": "low confidence",
    },
    "zh": {
        "score": "得分",
        "points": "关键点",
        "delivery": "表达",
        "compliance": "合规",
        "strengths": "做得好的",
        "improve": "需要改进",
        "profile": "能力画像",
        "none": "无",
        "unsure": "把握不大",
    },
}
_MARK = {"hit": "✔", "partial": "◐", "missed": "✘"}


def _safe(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` escaped for the terminal (a transcript must not move the cursor or recolour)."""
    return safe_terminal(text, multiline=keep_newlines)


def format_scorecard(result: dict[str, Any]) -> str:
    """A readable scorecard for the terminal."""
    labels = _LABELS.get(result.get("language", "en"), _LABELS["en"])
    out = [
        f"{labels['score']}: {result['score']:.1f} / 100   ({result['scenario']}, {result['mode']})"
    ]
    out += [f"  · {note}" for note in result.get("score_notes", [])]
    out.append(f"\n{labels['points']}:")
    for point in result["key_points"]:
        where = (
            f" [turn {point['turn']}] {_safe(point['evidence'])}"
            if point["turn"] is not None
            else ""
        )
        required = " *" if point.get("required") else ""
        extra = f"  (needs: {', '.join(point['missing'])})" if point.get("missing") else ""
        if point.get("low_confidence"):
            extra += f"  [{labels['unsure']}]"
        out.append(
            f"  {_MARK[point['status']]} {_safe(point['id'])}{required}: {point['status']}{where}{extra}"
        )
    if "readalong" in result:
        reading = result["readalong"]
        out.append(
            f"\nRead-along accuracy: {reading['accuracy']:.1%} of {reading['reference_tokens']} tokens"
        )
        for kind in ("substituted", "omitted", "inserted"):
            items = reading[kind]
            if items:
                shown = ", ".join(
                    f"{_safe(i['expected'] or '')}→{_safe(i['said'] or '')}" for i in items[:8]
                )
                out.append(f"  {kind}: {len(items)} ({shown})")
    if "recitation" in result:
        rec = result["recitation"]
        out.append(f"\nRecitation coverage: {rec['coverage']:.0%}")
        for item in rec["must_say"]:
            out.append(f"  must say “{item['phrase']}”: {item['status']}")
        if rec["out_of_order"]:
            out.append(f"  stages out of order: {', '.join(rec['out_of_order'])}")
    d = result["delivery"]
    rate = d.get("words_per_minute")
    unit = "chars/min" if d.get("rate_unit") == "characters_per_minute" else "words/min"
    est = f"  (estimated: {', '.join(d['estimated'])})" if d.get("estimated") else ""
    talk = f"{d['talk_ratio']:.0%}" if d.get("talk_ratio") is not None else "-"
    out.append(
        f"\n{labels['delivery']}: talk {talk}, {rate if rate is not None else '-'} {unit}, "
        f"{d['filler_count']} fillers, {d['questions']} questions, longest monologue "
        f"{d['longest_monologue_s']}s{est}"
    )
    out.append(
        f"{labels['compliance']}: "
        + (
            "; ".join(
                f"turn {c['turn']}: “{c['phrase']}” ({c['reason']})" for c in result["compliance"]
            )
            or labels["none"]
        )
    )
    profile = ", ".join(f"{k} {v:.0f}" for k, v in result["profile"].items() if v is not None)
    out.append(f"{labels['profile']}: {profile}")
    out.append(f"\n{labels['strengths']}:")
    out += [f"  + {_safe(line)}" for line in result["feedback"]["strengths"]] or [
        f"  {labels['none']}"
    ]
    out.append(f"{labels['improve']}:")
    out += [f"  - {_safe(line)}" for line in result["feedback"]["improvements"]] or [
        f"  {labels['none']}"
    ]
    return "\n".join(out)


def format_bulk(bulk: dict[str, Any]) -> str:
    """One line per call, then each key point's hit rate and the throughput."""
    zh = bulk.get("language") == "zh"
    out = []
    for call in bulk["calls"]:
        # A transcript folder names each call by its file, the library by its id and title.
        name = call["file"] if "file" in call else f"{call['call_id']} {call['title']}"
        if "error" in call:
            out.append(f"  ✘ {_safe(name)}: {_safe(call['error'])}")
            continue
        marks = " ".join(f"{_MARK[p['status']]}{_safe(p['id'])}" for p in call["key_points"])
        out.append(f"  {call['score']:5.1f}  {_safe(name)}  {marks}")
    summary = bulk["summary"]
    label = "通话" if zh else "calls"
    out.append(
        f"\n{summary['scored']}/{summary['total']} {label} scored"
        + (f", mean {summary['mean_score']:.1f}" if summary["mean_score"] is not None else "")
        + f"; {summary['calls_per_second']} calls/s"
    )
    for pid, counts in summary["key_points"].items():
        out.append(
            f"  {_safe(pid)}: hit {counts['hit_rate']:.0%}, mentioned {counts['mention_rate']:.0%} "
            f"({counts['hit']} hit, {counts['partial']} partial, {counts['missed']} missed)"
        )
    return "\n".join(out)


@app.command()
def evaluate(
    scenario: Annotated[
        str, typer.Option(help="Scenario id (from the database) or a scenario YAML file.")
    ],
    transcript: Annotated[
        Path | None, typer.Option(help="Transcript: JSON, or 'Name: text' lines.")
    ] = None,
    transcripts: Annotated[
        Path | None,
        typer.Option(help="A folder of transcripts (*.json, *.txt) to score in bulk."),
    ] = None,
    library_calls: Annotated[
        bool,
        typer.Option("--library-calls", help="Score the clip library's imported calls in bulk."),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="With --library-calls: only calls from this day on (YYYY-MM-DD)."),
    ] = None,
    user: UserOption = None,
    mode: Annotated[
        str, typer.Option(help="freeform, scripted, readalong or recitation.")
    ] = "freeform",
    rep: Annotated[
        str | None, typer.Option(help="Which speaker is the rep (default: Rep / 销售).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result object as JSON.")
    ] = False,
    force_language: Annotated[
        bool,
        typer.Option(
            "--force-language",
            help="Score a transcript even when it is not in the scenario's language.",
        ),
    ] = False,
) -> None:
    """Score a call transcript against a scenario's SOP and print the scorecard."""
    from coach.evaluator import MODES
    from coach.services import evaluation
    from coach.services.runtime import open_runtime

    if mode not in MODES:
        raise fail(ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}"))
    if sum((transcript is not None, transcripts is not None, library_calls)) != 1:
        raise fail(
            ValueError("give one of --transcript FILE, --transcripts FOLDER or --library-calls")
        )
    if since is not None and not library_calls:
        raise fail(ValueError("--since goes with --library-calls"))
    if transcripts is not None or library_calls:
        try:
            if library_calls:
                bulk = evaluation.evaluate_library_calls(
                    open_runtime(),
                    actor=acting(user),
                    scenario=scenario,
                    since=date.fromisoformat(since) if since else None,
                    mode=mode,
                )
            else:
                assert transcripts is not None
                bulk = evaluation.evaluate_folder(
                    open_runtime(),
                    scenario=scenario,
                    folder=transcripts,
                    mode=mode,
                    rep=rep,
                    force_language=force_language,
                )
        except (CoachError, ValueError) as error:
            raise fail(CoachError(_safe(error, keep_newlines=True))) from error
        typer.echo(json.dumps(bulk, ensure_ascii=False, indent=2) if as_json else format_bulk(bulk))
        return
    assert transcript is not None
    try:
        runtime = open_runtime()
        result = evaluation.evaluate_files(
            runtime,
            scenario=scenario,
            transcript=transcript,
            mode=mode,
            rep=rep,
            force_language=force_language,
        )
    except (CoachError, ValueError) as error:
        # The message may quote the file (speaker names, paths): escape it for the terminal.
        raise fail(CoachError(_safe(error, keep_newlines=True))) from error
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_scorecard(result))

"""``coach clips``: import calls, cut and tag clips, search, like, save, assign, mine.

``--user NAME`` acts as that user, and the server-side role checks apply: reps search,
mine, like, save and mark their tasks done; trainers import and read calls, cut, tag and
reindex; trainers and managers assign. Without ``--user`` the local operator acts, as an
admin (:data:`coach.accounts.LOCAL_ADMIN`); liking, saving and tasks need a real account.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from coach.cli import UserOption, acting, app, check_language_option, fail
from coach.cli.output import ProgressBar, echo_json, say
from coach.errors import CoachError

clips_app = typer.Typer(
    help="The clip library: import calls, cut and tag clips, search, like, save, assign, mine.",
    no_args_is_help=True,
)
app.add_typer(clips_app, name="clips")

User = UserOption
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _runtime() -> Any:
    from coach.services.runtime import open_runtime

    return open_runtime()


def _span(text: str, what: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[-:]\s*(\d+(?:\.\d+)?)\s*", text)
    if not match:
        raise ValueError(f"{what} must look like A-B (e.g. 2-5), not {text!r}")
    return float(match.group(1)), float(match.group(2))


@clips_app.command("import")
def clips_import(
    paths: Annotated[list[Path], typer.Argument(help="Transcript files, recordings, or folders.")],
    scenario: Annotated[str | None, typer.Option(help="Scenario id the calls belong to.")] = None,
    language: Annotated[
        str | None, typer.Option(help="en or zh (default: detect per call).")
    ] = None,
    rep: Annotated[
        str | None, typer.Option(help="Which speaker is the rep in text transcripts.")
    ] = None,
    rep_channel: Annotated[
        str, typer.Option(help="Stereo recordings: the rep's channel, left or right.")
    ] = "left",
    clip_whole_calls: Annotated[
        bool, typer.Option("--clip-whole-calls", help="Also make each new call one clip.")
    ] = False,
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Import whole calls; a re-run skips what is already imported, bad files are listed."""
    from coach.services import clips

    if rep_channel not in ("left", "right"):
        raise fail(ValueError("--rep-channel is left or right"))
    if language not in (None, "en", "zh"):
        raise fail(ValueError("--language is en or zh"))
    bar = ProgressBar("importing")
    try:
        summary = clips.import_calls(
            _runtime(),
            paths,
            actor=acting(user),
            scenario=scenario,
            language=language,
            rep=rep,
            rep_channel="right" if rep_channel == "right" else "left",
            progress=bar,
            clip_whole_calls=clip_whole_calls,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    finally:
        bar.close()
    if as_json:
        echo_json(summary.model_dump())
    else:
        for item in summary.items:
            if item["status"] == "failed":
                say(f"failed: {item['path']}: {item['message']}", fg="red", err=True)
            for warning in item["warnings"]:
                say(f"warning: {item['path']}: {warning}", fg="yellow", err=True)
        say(summary.summary() + (f", {len(summary.clips)} clips" if summary.clips else ""))
    if summary.failed:
        raise typer.Exit(code=1)


@clips_app.command("calls")
def clips_calls(
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """List imported calls, newest first (trainers and admins)."""
    from coach.services import clips

    check_language_option(language)

    try:
        rows = clips.list_calls(_runtime(), actor=acting(user), language=language, limit=limit)
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json([row.model_dump(mode="json") for row in rows])
        return
    if not rows:
        say("no calls: import some with `coach clips import PATH`")
    for row in rows:
        audio = " audio" if row.audio else ""
        say(
            f"{row.id}  {row.date:%Y-%m-%d}  {row.language}  {row.turns:>3} turns{audio}  {row.title}"
        )


@clips_app.command("turns")
def clips_turns(
    call_id: Annotated[str, typer.Argument(help="Call id (see `coach clips calls`).")],
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Show a call's turns with their numbers and times, to choose what to clip (trainers)."""
    from coach.services import clips

    try:
        turns = clips.get_call_turns(_runtime(), call_id=call_id, actor=acting(user))
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json(turns)
        return
    for index, turn in enumerate(turns):
        when = f"[{turn['start']:.1f}-{turn['end']:.1f}s] " if "start" in turn else ""
        say(f"{index:>3} {when}{turn['speaker']}: {turn['text']}")


@clips_app.command("cut")
def clips_cut(
    call_id: Annotated[str, typer.Argument(help="Call id (see `coach clips calls`).")],
    title: Annotated[str, typer.Option(help="The clip's title.")],
    turns: Annotated[
        str | None, typer.Option(help="Turn span, first-last (0-based, inclusive): 2-5.")
    ] = None,
    time: Annotated[str | None, typer.Option(help="Time span in seconds: 12.5-48.")] = None,
    key_point: Annotated[
        list[str] | None, typer.Option("--key-point", help="Key point it shows (repeatable).")
    ] = None,
    objection: Annotated[
        str | None, typer.Option(help="price, timing, trust, competitor, authority, need...")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="Stage: opening, discovery...")] = None,
    scenario: Annotated[str | None, typer.Option(help="Scenario id (default: the call's).")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="kind:value or a free tag (repeatable).")
    ] = None,
    notes: Annotated[str, typer.Option(help="Why this is worth learning from.")] = "",
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Cut a clip from an imported call by turns or by time, with title and tags."""
    from coach.services import clips

    try:
        if (turns is None) == (time is None):
            raise ValueError("give --turns A-B or --time S-E")
        span: dict[str, Any] = {}
        if turns is not None:
            first, last = _span(turns, "--turns")
            span = {"start_turn": int(first), "end_turn": int(last)}
        elif time is not None:
            start, end = _span(time, "--time")
            span = {"start_s": start, "end_s": end}
        tags: list[str | tuple[str, str]] = [("key_point", k) for k in key_point or []]
        tags += [("objection", objection)] if objection else []
        tags += [("stage", stage)] if stage else []
        tags += [("scenario", scenario)] if scenario else []
        tags += list(tag or [])
        record = clips.cut_clip(
            _runtime(),
            call_id=call_id,
            title=title,
            actor=acting(user),
            tags=tags,
            notes=notes,
            **span,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    if as_json:
        echo_json(record.model_dump())
        return
    say(f"clip {record.id}: {record.title} ({len(record.turns)} turns)")
    say(f"tags: {', '.join(record.tags)}")
    if record.audio:
        say(f"audio: {record.audio}")


@clips_app.command("tag")
def clips_tag(
    clip_id: Annotated[str, typer.Argument(help="Clip id.")],
    add: Annotated[list[str] | None, typer.Option("--add", help="kind:value to add.")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="kind:value to remove.")
    ] = None,
    user: User = None,
) -> None:
    """Add or remove a clip's tags (kinds: key_point, objection, scenario, language, stage, free)."""
    from coach.services import clips

    try:
        record = clips.tag_clip(
            _runtime(), clip_id=clip_id, add=add or [], remove=remove or [], actor=acting(user)
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    say(f"{record.id}: {', '.join(record.tags)}")


@clips_app.command("show")
def clips_show(
    clip_id: Annotated[str, typer.Argument(help="Clip id.")],
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Show a clip: turns, tags, notes, likes."""
    from coach.services import clips

    try:
        record = clips.get_clip(_runtime(), clip_id=clip_id, actor=acting(user))
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json(record.model_dump())
        return
    say(f"{record.id}: {record.title}")
    say(f"tags: {', '.join(record.tags)}")
    say(f"likes {record.likes}, saved by {record.favourites}")
    say(record.text)
    if record.notes:
        say(f"notes: {record.notes}")
    if record.audio:
        say(f"audio: {record.audio}")


@clips_app.command("search")
def clips_search(
    query: Annotated[str, typer.Argument(help="What to look for, in your words.")],
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="kind:value or a bare value; all must match (repeatable)."),
    ] = None,
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    scenario: Annotated[str | None, typer.Option(help="Only this scenario.")] = None,
    k: Annotated[int, typer.Option("--k", help="How many results.")] = 10,
    mode: Annotated[
        str, typer.Option(help="hybrid (default), vector (meaning only) or lexical (words).")
    ] = "hybrid",
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Search clips by meaning and by exact words; show the matching sentences."""
    from coach.services import clips

    bar = ProgressBar("indexing the clip library")
    try:
        outcome = clips.search_outcome(
            _runtime(),
            query,
            actor=acting(user),
            tags=tag or [],
            language=language,
            scenario=scenario,
            k=k,
            mode=mode,  # type: ignore[arg-type]
            progress=bar,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    finally:
        bar.close()
    results = outcome.results
    if outcome.notice is not None:
        # one line on stderr, so the results (and --json) on stdout stay as they are
        say(f"note: {outcome.notice}", fg=typer.colors.YELLOW, err=True)
    if as_json:
        echo_json([r.as_json() for r in results])
        return
    if not results:
        say("no clips found")
    for rank, r in enumerate(results, start=1):
        say(f"{rank}. {r.clip_id}  {r.score:.2f}  {r.title}  (♥ {r.likes})")
        for line in r.highlights:
            say(f"     {line}")


@clips_app.command("like")
def clips_like(
    clip_id: Annotated[str, typer.Argument(help="Clip id.")],
    user: User = None,
    undo: Annotated[bool, typer.Option("--undo", help="Take the like back.")] = False,
) -> None:
    """Like a clip (as --user)."""
    from coach.services import clips

    try:
        record = clips.like(_runtime(), clip_id=clip_id, actor=acting(user), liked=not undo)
    except CoachError as error:
        raise fail(error) from error
    say(f"{record.id}: {record.likes} likes{' (you like it)' if record.liked else ''}")


@clips_app.command("save")
def clips_save(
    clip_id: Annotated[str, typer.Argument(help="Clip id.")],
    user: User = None,
    undo: Annotated[bool, typer.Option("--undo", help="Remove it from your saved clips.")] = False,
) -> None:
    """Save a clip to your favourites (as --user)."""
    from coach.services import clips

    try:
        record = clips.save(_runtime(), clip_id=clip_id, actor=acting(user), saved=not undo)
    except CoachError as error:
        raise fail(error) from error
    say(f"{record.id}: {'saved' if record.saved else 'not saved'}")


@clips_app.command("saved")
def clips_saved(user: User = None, as_json: AsJson = False) -> None:
    """List the clips you saved (as --user)."""
    from coach.services import clips

    try:
        rows = clips.favourites(_runtime(), actor=acting(user))
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json([r.model_dump() for r in rows])
        return
    for r in rows:
        say(f"{r.id}  {r.title}")


@clips_app.command("assign")
def clips_assign(
    clip_id: Annotated[str, typer.Argument(help="Clip id.")],
    to_user: Annotated[str | None, typer.Option("--to-user", help="A rep's username.")] = None,
    to_team: Annotated[str | None, typer.Option("--to-team", help="A team name.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    note: Annotated[str, typer.Option(help="What to look for in it.")] = "",
    user: User = None,
) -> None:
    """Assign a clip to study to a rep or a team, with a due date."""
    from coach.services import clips

    try:
        when = date.fromisoformat(due) if due else None
    except ValueError as error:
        raise fail(ValueError(f"--due must be YYYY-MM-DD, not {due!r}")) from error
    try:
        record = clips.assign(
            _runtime(),
            clip_id=clip_id,
            actor=acting(user),
            to_user=to_user,
            to_team=to_team,
            due=when,
            note=note,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    due_text = f", due {record.due_at:%Y-%m-%d}" if record.due_at else ""
    say(f"assignment {record.id}: {record.title} -> {record.assignee}{due_text}")


@clips_app.command("tasks")
def clips_tasks(
    user: User = None,
    given: Annotated[bool, typer.Option("--given", help="The tasks you gave, not got.")] = False,
    as_json: AsJson = False,
) -> None:
    """List your clip tasks (or, with --given, the ones you assigned and who completed them)."""
    from coach.services import clips

    try:
        runtime = _runtime()
        rows = (
            clips.assigned_by(runtime, actor=acting(user))
            if given
            else clips.my_tasks(runtime, actor=acting(user))
        )
    except CoachError as error:
        raise fail(error) from error
    if as_json:
        echo_json([r.model_dump(mode="json") for r in rows])
        return
    for r in rows:
        due = f"due {r.due_at:%Y-%m-%d}" if r.due_at else "no due date"
        status = (
            f"done by {len(r.completed_by)}: {', '.join(r.completed_by)}"
            if given
            else ("done" if r.done else "to do")
        )
        say(f"{r.id:>4}  {due}  {r.assignee:<16} {status:<10} {r.title}")


@clips_app.command("done")
def clips_done(
    assignment_id: Annotated[int, typer.Argument(help="Assignment id (see `coach clips tasks`).")],
    user: User = None,
) -> None:
    """Mark a clip task done (as --user)."""
    from coach.services import clips

    try:
        record = clips.mark_done(_runtime(), assignment_id=assignment_id, actor=acting(user))
    except CoachError as error:
        raise fail(error) from error
    say(f"assignment {record.id} done: {record.title}")


@clips_app.command("mine")
def clips_mine(
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    period: Annotated[str, typer.Option(help="Trend per month or week.")] = "month",
    min_count: Annotated[int, typer.Option(help="Only topics raised this often.")] = 1,
    top: Annotated[int, typer.Option(help="At most this many topics.")] = 20,
    user: User = None,
    as_json: AsJson = False,
) -> None:
    """Recurring customer questions and objections, with trend and the best answers."""
    from coach.services import clips

    if period not in ("month", "week"):
        raise fail(ValueError("--period is month or week"))
    check_language_option(language)
    try:
        topics = clips.mine(
            _runtime(),
            actor=acting(user),
            language=language,
            period="week" if period == "week" else "month",
            min_count=min_count,
            top=top,
        )
    except (CoachError, ValueError) as error:
        raise fail(error) from error
    if as_json:
        echo_json(topics)
        return
    if not topics:
        say("nothing found: import calls or add clips first")
    for topic in topics:
        about = f", {topic['concern']}" if topic["concern"] else ""
        say(
            f"{topic['count']:>3}x  {topic['kind']}{about} ({topic['language']}, "
            f"{topic['direction']}): {topic['label']}"
        )
        for answer in topic["answers"]:
            where = f" [{', '.join(answer['clip_ids'])}]" if answer["clip_ids"] else ""
            say(f"       ↳ ♥{answer['likes']} {answer['text'][:110]}{where}")


@clips_app.command("reindex")
def clips_reindex(user: User = None) -> None:
    """Rebuild the search index from the database (embeds every clip again)."""
    from coach.services import clips

    bar = ProgressBar("indexing")
    try:
        report = clips.reindex(_runtime(), actor=acting(user), progress=bar)
    except CoachError as error:
        raise fail(error) from error
    finally:
        bar.close()
    say(f"indexed {report.upserted} clips in {report.target}")

"""The trainer's and the manager's commands: drills, reports, exports and coaching.

``coach drills``, ``coach report``, ``coach export`` and ``coach coaching``.

``--user NAME`` acts as that user and the server-side rules apply: reps see their own drills
and coaching; trainers create and assign drills for their team; managers also read team
reports, export, and override scores. Without ``--user`` the local operator acts, as an admin.
``--lang zh`` prints the tables' words in Mandarin.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from coach.cli import UserOption, acting, app, fail
from coach.cli.output import echo_json, say
from coach.errors import CoachError

drills_app = typer.Typer(
    help="Drills: create, assign to reps or teams, list, and each rep's status.",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="Team and rep reports (managers; reps: their own).", no_args_is_help=True
)
export_app = typer.Typer(
    help="Export a team's sessions, scorecards or assignments as CSV (UTF-8 with BOM) or JSON.",
    no_args_is_help=True,
)
coaching_app = typer.Typer(
    help="Coaching comments, 'Coaching for me', and score overrides.", no_args_is_help=True
)
app.add_typer(drills_app, name="drills")
app.add_typer(report_app, name="report")
app.add_typer(export_app, name="export")
app.add_typer(coaching_app, name="coaching")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Lang = Annotated[str, typer.Option("--lang", help="Words in tables: en or zh.")]
Since = Annotated[str | None, typer.Option(help="Start of the period, YYYY-MM-DD (UTC).")]
Until = Annotated[
    str | None, typer.Option(help="End of the period, YYYY-MM-DD (UTC, exclusive; default now).")
]
ERRORS = (CoachError, ValueError)


def _runtime() -> Any:
    from coach.services.runtime import open_runtime

    return open_runtime()


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(ValueError(f"{option} must be a date like 2026-01-31, not {value!r}")) from None


def _lang(value: str) -> str:
    if value not in ("en", "zh"):
        raise fail(ValueError(f"--lang is en or zh, not {value!r}"))
    return value


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else "-"


def _num(value: float | None, pattern: str = "{:.0f}") -> str:
    return pattern.format(value) if value is not None else "-"


def _pct(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "-"


def _signed(value: float | None, percent: bool = False) -> str:
    if value is None:
        return ""
    return f"{value * 100:+.0f}pt" if percent else f"{value:+.1f}"


# --- drills ----------------------------------------------------------------------------------


@drills_app.command("create")
def drills_create(
    scenario: Annotated[str, typer.Option(help="Scenario id (see `coach scenarios list`).")],
    mode: Annotated[str, typer.Option(help="readalong, recitation, scripted or freeform.")],
    title: Annotated[str, typer.Option(help="Title (default: the scenario's and the mode).")] = "",
    persona: Annotated[str | None, typer.Option(help="Persona id (freeform).")] = None,
    target: Annotated[float | None, typer.Option(help="Target score 0-100 (pass mark).")] = None,
    exam: Annotated[bool, typer.Option("--exam", help="Exam mode: no hints.")] = False,
    max_attempts: Annotated[
        int | None, typer.Option("--max-attempts", help="Exam: attempts allowed.")
    ] = None,
    certification: Annotated[
        bool, typer.Option("--certification", help="Passing certifies the rep (needs --target).")
    ] = False,
    note: Annotated[str, typer.Option(help="A note for the reps.")] = "",
    team: Annotated[str | None, typer.Option(help="Admins: the team it belongs to.")] = None,
    to_user: Annotated[
        str | None, typer.Option("--to-user", help="Assign it to this rep now.")
    ] = None,
    to_team: Annotated[
        str | None, typer.Option("--to-team", help="Assign it to this team now.")
    ] = None,
    due: Annotated[str | None, typer.Option(help="Due date when assigning, YYYY-MM-DD.")] = None,
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Create a drill (trainers, managers, admins); assign it at once with --to-user/--to-team."""
    from coach.services import training

    due_day = _day(due, "--due")
    try:
        drill = training.create_drill(
            _runtime(),
            actor=acting(user),
            scenario_id=scenario,
            mode=mode,
            title=title,
            persona_id=persona,
            target_score=target,
            exam=exam,
            max_attempts=max_attempts,
            certification=certification,
            note=note,
            team=team,
        )
        given = None
        if to_user is not None or to_team is not None:
            given = training.assign_drill(
                _runtime(),
                actor=acting(user),
                drill_id=drill.id,
                to_user=to_user,
                to_team=to_team,
                due=due_day,
            )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(
            {
                "drill": drill.model_dump(mode="json"),
                "assignment": given.model_dump(mode="json") if given else None,
            }
        )
        return
    kind = "certification" if drill.certification else "exam" if drill.exam else "drill"
    say(f"created {kind} {drill.id}: {drill.title}")
    if given is not None:
        say(
            f"assigned {drill.id} to {given.assignee} (assignment {given.id}, due {_when(given.due_at)})"
        )


@drills_app.command("assign")
def drills_assign(
    drill_id: Annotated[int, typer.Argument(help="Drill id (see `coach drills list`).")],
    to_user: Annotated[str | None, typer.Option("--to-user", help="A rep's username.")] = None,
    to_team: Annotated[
        str | None, typer.Option("--to-team", help="A team: every rep, new ones too.")
    ] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD (end of day, UTC).")] = None,
    note: Annotated[str, typer.Option(help="A note for the reps.")] = "",
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Give a drill to a rep or a whole team of yours, with a due date."""
    from coach.services import training

    try:
        given = training.assign_drill(
            _runtime(),
            actor=acting(user),
            drill_id=drill_id,
            to_user=to_user,
            to_team=to_team,
            due=_day(due, "--due"),
            note=note,
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(given.model_dump(mode="json"))
        return
    say(
        f"assigned drill {drill_id} to {given.assignee} (assignment {given.id}, due {_when(given.due_at)})"
    )


@drills_app.command("list")
def drills_list(
    mine: Annotated[
        bool, typer.Option("--mine", help="My drills and clip tasks, most urgent first.")
    ] = False,
    user: UserOption = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """Coaches: the drills of your team. With --mine: your own drills and clip tasks."""
    from coach.services import training
    from coach.training import label

    words = _lang(lang)
    try:
        rows: list[Any] = (
            training.my_drills(_runtime(), actor=acting(user))
            if mine
            else training.list_drills(_runtime(), actor=acting(user))
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(training.as_json(rows))
        return
    if not rows:
        say(label("nothing", words))
        return
    for row in rows:
        if mine:
            extra = (
                f"best {_num(row.best_score)}/{_num(row.target_score)}"
                if row.kind == "drill"
                else ""
            )
            if row.attempts_left is not None:
                extra += f", {row.attempts_left} left"
            say(
                f"{row.assignment_id:>5}  {label(row.kind, words):<6} {label(row.status, words):<12} "
                f"due {_when(row.due_at):<10}  {row.title}  {extra}"
            )
        else:
            kind = "certification" if row.certification else "exam" if row.exam else "drill"
            say(
                f"{row.id:>5}  {label(kind, words):<13} {row.scenario_id:<28} {row.mode:<10} "
                f"target {_num(row.target_score):>3}  {row.title}"
            )


@drills_app.command("status")
def drills_status(
    drill_id: Annotated[int | None, typer.Argument(help="One drill (default: all yours).")] = None,
    user: UserOption = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """Each rep's status on each assignment: not started, in progress, passed, failed, overdue."""
    from coach.services import training
    from coach.training import label

    words = _lang(lang)
    try:
        rows = training.drill_status_report(_runtime(), actor=acting(user), drill_id=drill_id)
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(training.as_json(rows))
        return
    if not rows:
        say(label("nothing", words))
    for row in rows:
        left = f" ({row.attempts_left} left)" if row.attempts_left is not None else ""
        say(
            f"{row.assignment_id:>5}  {row.rep:<16} {label(row.status.value, words):<12} "
            f"attempts {row.attempts}{left:<10} best {_num(row.best_score):>3}/{_num(row.target_score):<3} "
            f"due {_when(row.due_at)}  {row.title}"
        )


@drills_app.command("certified")
def drills_certified(
    team: Annotated[str | None, typer.Option(help="A team (coaches: yours).")] = None,
    rep: Annotated[str | None, typer.Option(help="One rep.")] = None,
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Who is certified on which scenario, and when."""
    from coach.services import training

    try:
        rows = training.certifications(_runtime(), actor=acting(user), team=team, rep=rep)
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(training.as_json(rows))
        return
    for row in rows:
        say(f"{row.rep:<16} {row.scenario_id:<28} {row.score:>5.1f}  {_when(row.certified_at)}")


# --- reports ---------------------------------------------------------------------------------


def _print_report(report: Any, words: str) -> None:
    from coach.training import label

    def head(key: str) -> None:
        say("")
        say(label(key, words), bold=True)

    say(
        f"{report.scope} {report.name}: {report.period['since'][:10]} .. {report.period['until'][:10]}"
    )
    head("volume")
    for v in report.volume:
        weeks = "  ".join(f"{w.week[5:]}:{w.sessions}" for w in v.weeks)
        say(
            f"  {v.rep:<16} {v.sessions:>4} ({label('previous', words)} {v.previous}, {v.change:+d})  {weeks}"
        )
    head("scores")
    for s in report.scores:
        say(
            f"  {s.rep:<16} {s.scenario_id:<28} {s.average:>5.1f} n={s.sessions:<4} {_signed(s.change)}"
        )
    head("mention")
    for m in report.mention_rates:
        say(
            f"  {m.scenario_id:<28} {m.key_point_id:<24} {_pct(m.rate):>5} "
            f"({m.hits}/{m.sessions}) {_signed(m.change, percent=True)}"
        )
    head("weakest")
    for w in report.weakest:
        say(f"  {w.rep:<16} {w.key_point_id:<24} {_pct(w.rate):>5} ({w.hits}/{w.sessions})")
    head("leaderboard")
    for r in report.leaderboard:
        say(f"  {r.rank:>3}. {r.rep:<16} {r.average:>5.1f} n={r.sessions}")
    head("completion")
    for d in report.drills:
        say(
            f"  {d.assignment_id:>5} {d.title:<36} {label('passed', words)} {d.passed}/{d.assigned}  "
            f"{label('failed', words)} {d.failed}  {label('overdue', words)} {d.overdue}"
        )
    head("sticking")
    for p in report.sticking_points:
        say(
            f"  {p.key_point_id:<24} {_pct(p.agreed_rate):>5} ({p.agreed_hits}/{p.agreed_calls}) vs "
            f"{_pct(p.hung_up_rate):>5} ({p.hung_up_hits}/{p.hung_up_calls})  {_signed(p.lift, percent=True)}"
        )


@report_app.command("team")
def report_team(
    name: Annotated[str, typer.Argument(help="Team name.")],
    since: Since = None,
    until: Until = None,
    last: Annotated[
        int, typer.Option(help="Leaderboard: average of each rep's last N sessions.")
    ] = 5,
    min_sessions: Annotated[
        int, typer.Option(help="Leaderboard: at least this many sessions.")
    ] = 3,
    user: UserOption = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """A team's dashboard for a period (default: the last 28 days), with the change against the one before."""
    from coach.services import analytics

    words = _lang(lang)
    try:
        report = analytics.team_report(
            _runtime(),
            actor=acting(user),
            team=name,
            since=_day(since, "--since"),
            until=_day(until, "--until"),
            last_n=last,
            min_sessions=min_sessions,
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(report.model_dump(mode="json"))
        return
    _print_report(report, words)


@report_app.command("rep")
def report_rep(
    name: Annotated[str, typer.Argument(help="The rep's username.")],
    since: Since = None,
    until: Until = None,
    user: UserOption = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """One rep's report (the rep, their manager, admins)."""
    from coach.services import analytics

    words = _lang(lang)
    try:
        report = analytics.rep_report(
            _runtime(),
            actor=acting(user),
            rep=name,
            since=_day(since, "--since"),
            until=_day(until, "--until"),
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(report.model_dump(mode="json"))
        return
    _print_report(report, words)


# --- exports ---------------------------------------------------------------------------------


def _export(
    kind: str,
    team: str,
    since: str | None,
    until: str | None,
    out: Path | None,
    as_json: bool,
    user: str | None,
) -> None:
    from coach.services import exports

    try:
        args: dict[str, Any] = {
            "actor": acting(user),
            "kind": kind,
            "team": team,
            "since": _day(since, "--since"),
            "until": _day(until, "--until"),
        }
        if as_json:
            rows = exports.export_json(_runtime(), **args)
            if out is None:
                echo_json(rows)
                return
            import json

            out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
            count = len(rows)
        elif out is None:
            exports.write_csv(_runtime(), out=sys.stdout, **args)
            return
        else:
            count = exports.write_csv(_runtime(), out=out, **args)
    except ERRORS as error:
        raise fail(error) from error
    except OSError as error:
        raise fail(ValueError(f"cannot write {out}: {error.strerror}")) from error
    say(f"wrote {count} rows to {out}", err=True)


TeamOption = Annotated[str, typer.Option("--team", help="Team name.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="File to write (default: stdout).")]


@export_app.command("sessions")
def export_sessions(
    team: TeamOption,
    since: Since = None,
    until: Until = None,
    out: OutOption = None,
    as_json: AsJson = False,
    user: UserOption = None,
) -> None:
    """One row per session: rep, scenario, mode, outcome, evaluator and override scores (default: last 365 days)."""
    _export("sessions", team, since, until, out, as_json, user)


@export_app.command("scorecards")
def export_scorecards(
    team: TeamOption,
    since: Since = None,
    until: Until = None,
    out: OutOption = None,
    as_json: AsJson = False,
    user: UserOption = None,
) -> None:
    """One row per key-point result: evaluator status, override, final status, evidence."""
    _export("scorecards", team, since, until, out, as_json, user)


@export_app.command("assignments")
def export_assignments(
    team: TeamOption,
    since: Since = None,
    until: Until = None,
    out: OutOption = None,
    as_json: AsJson = False,
    user: UserOption = None,
) -> None:
    """One row per assignment and rep: drills and clip tasks given in the period, with status."""
    _export("assignments", team, since, until, out, as_json, user)


# --- coaching --------------------------------------------------------------------------------


@coaching_app.command("note")
def coaching_note(
    session_id: Annotated[str, typer.Argument(help="The session's id.")],
    text: Annotated[str, typer.Argument(help="The comment.")],
    turn: Annotated[
        int | None, typer.Option(help="Comment on this turn (numbered from 0).")
    ] = None,
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Leave a coaching comment on a session (or one turn) of a rep you coach."""
    from coach.services import coaching

    try:
        note = coaching.add_comment(
            _runtime(), actor=acting(user), session_id=session_id, body=text, turn_index=turn
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(note.model_dump(mode="json"))
        return
    say(f"comment {note.id} left on {session_id}" + (f", turn {turn}" if turn is not None else ""))


def _print_comments(rows: list[Any]) -> None:
    for row in rows:
        flag = " " if row.read_at else "*"
        where = f"turn {row.turn_index}" if row.turn_index is not None else "session"
        say(
            f"{flag}{row.id:>5}  {_when(row.created_at)}  {row.author or '-':<12} {row.session_id} ({where})"
        )
        if row.turn_text:
            say(f"        > {row.turn_text}")
        say(f"        {row.body}")


@coaching_app.command("mine")
def coaching_mine(
    unread: Annotated[bool, typer.Option("--unread", help="Only comments not read yet.")] = False,
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Coaching for me: comments on my sessions, newest first (* = unread)."""
    from coach.services import coaching

    try:
        rows = coaching.coaching_for_me(_runtime(), actor=acting(user), unread_only=unread)
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json([r.model_dump(mode="json") for r in rows])
        return
    _print_comments(rows)


@coaching_app.command("comments")
def coaching_comments(
    session_id: Annotated[str, typer.Argument(help="The session's id.")],
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """The comments on one session."""
    from coach.services import coaching

    try:
        rows = coaching.session_comments(_runtime(), actor=acting(user), session_id=session_id)
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json([r.model_dump(mode="json") for r in rows])
        return
    _print_comments(rows)


@coaching_app.command("read")
def coaching_read(
    comment_id: Annotated[int, typer.Argument(help="The comment's id.")],
    user: UserOption = None,
) -> None:
    """Mark a comment on one of my sessions read."""
    from coach.services import coaching

    try:
        coaching.mark_read(_runtime(), actor=acting(user), comment_id=comment_id)
    except ERRORS as error:
        raise fail(error) from error
    say(f"comment {comment_id} marked read")


def _print_review(review: Any) -> None:
    over = (
        f" -> {review.override_score:g} by {review.override_by}: {review.override_comment}"
        if review.override_score is not None
        else ""
    )
    say(f"{review.session_id} ({review.rep}) score {review.original_score:g}{over}")
    for kp in review.key_points:
        change = f" -> {kp.override} by {kp.override_by}: {kp.comment}" if kp.override else ""
        say(f"  {kp.id:<24} {kp.original}{change}")


@coaching_app.command("review")
def coaching_review(
    session_id: Annotated[str, typer.Argument(help="The session's id.")],
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """A scorecard with the evaluator's original next to any override."""
    from coach.services import coaching

    try:
        review = coaching.review(_runtime(), actor=acting(user), session_id=session_id)
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(review.model_dump(mode="json"))
        return
    _print_review(review)


@coaching_app.command("override-score")
def coaching_override_score(
    session_id: Annotated[str, typer.Argument(help="The session's id.")],
    score: Annotated[float, typer.Argument(help="The score to set, 0-100.")],
    comment: Annotated[str, typer.Option(help="Why (required).")],
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Override a session's score (managers, admins); the evaluator's stays stored."""
    from coach.services import coaching

    try:
        review = coaching.override_score(
            _runtime(), actor=acting(user), session_id=session_id, score=score, comment=comment
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(review.model_dump(mode="json"))
        return
    _print_review(review)


@coaching_app.command("override-point")
def coaching_override_point(
    session_id: Annotated[str, typer.Argument(help="The session's id.")],
    key_point: Annotated[str, typer.Argument(help="The key point's id.")],
    status: Annotated[str, typer.Argument(help="hit, partial or missed.")],
    comment: Annotated[str, typer.Option(help="Why (required).")],
    user: UserOption = None,
    as_json: AsJson = False,
) -> None:
    """Override one key point's status (managers, admins); the evaluator's stays stored."""
    from coach.services import coaching

    try:
        review = coaching.override_key_point(
            _runtime(),
            actor=acting(user),
            session_id=session_id,
            key_point_id=key_point,
            status=status,
            comment=comment,
        )
    except ERRORS as error:
        raise fail(error) from error
    if as_json:
        echo_json(review.model_dump(mode="json"))
        return
    _print_review(review)

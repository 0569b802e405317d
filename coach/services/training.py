"""Training service: create and assign drills, per-rep status, "my drills", exam attempts, certificates.

Trainers, managers and admins create drills and give them to reps or to a whole team (their
own team; admins any). A team assignment reaches the team's reps as they are when it is
read, so new members get it too. A rep's status on a drill comes from their attempts:
sessions started for it (:func:`start_attempt`, which applies the exam rules) and, for a
practice drill, sessions of the same scenario and mode started after it was given.
Passing a certification drill records a dated certificate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.errors import CoachError, PermissionDenied
from coach.services import actors, scope
from coach.services.runtime import Runtime
from coach.store.models import AssignmentRow, DrillRow, TeamRow, UserRow, utcnow
from coach.store.repositories import content as content_repo
from coach.store.repositories import training as training_repo
from coach.store.repositories import users as users_repo
from coach.training.drills import DrillRules
from coach.training.status import (
    AttemptStats,
    DrillStatus,
    attempts_left,
    drill_status,
    urgency,
)

if TYPE_CHECKING:
    from coach.services.practice import PracticeService, Started


class Record(BaseModel):
    """Base of the records this service returns: plain, immutable data."""

    model_config = ConfigDict(frozen=True)


class DrillRecord(Record):
    """A drill's definition."""

    id: int
    title: str
    scenario_id: str
    persona_id: str | None
    mode: str
    target_score: float | None
    exam: bool
    max_attempts: int | None
    certification: bool
    team: str | None
    note: str
    created_at: datetime


class AssignmentView(Record):
    """A drill given to a rep or a team."""

    id: int
    drill_id: int
    title: str
    assignee: str
    due_at: datetime | None
    note: str
    created_at: datetime


class RepStatus(Record):
    """One rep's standing on one drill assignment."""

    assignment_id: int
    drill_id: int
    title: str
    rep: str
    team: str | None
    status: DrillStatus
    attempts: int
    attempts_left: int | None
    best_score: float | None
    target_score: float | None
    due_at: datetime | None
    last_attempt_at: datetime | None


class Task(Record):
    """One entry of "my drills": a drill or a clip task, with what is left to do."""

    kind: str
    assignment_id: int
    title: str
    status: str
    due_at: datetime | None
    scenario_id: str | None = None
    mode: str | None = None
    target_score: float | None = None
    exam: bool = False
    certification: bool = False
    attempts: int = 0
    attempts_left: int | None = None
    best_score: float | None = None
    clip_id: str | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        """Nothing is left to do (passed, failed, or a clip task marked done)."""
        return self.status in ("passed", "failed", "done")


class Attempt(Record):
    """One attempt at a drill."""

    session_id: str
    started_at: datetime
    status: str
    score: float | None


class CertificateRecord(Record):
    """A rep certified on a scenario by passing a certification drill."""

    rep: str
    team: str | None
    scenario_id: str
    drill_id: int | None
    session_id: str | None
    score: float
    certified_at: datetime


def due_at(value: date | datetime | None) -> datetime | None:
    """A due date (end of that day, UTC) or datetime as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, dtime(23, 59, 59), tzinfo=UTC)


def _team_name(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    row = session.get(TeamRow, team_id)
    return row.name if row is not None else None


def _drill_record(session: Session, row: DrillRow) -> DrillRecord:
    return DrillRecord(
        id=row.id,
        title=row.title,
        scenario_id=row.scenario_id,
        persona_id=row.persona_id,
        mode=row.mode,
        target_score=row.target_score,
        exam=row.exam,
        max_attempts=row.max_attempts,
        certification=row.certification,
        team=_team_name(session, row.team_id),
        note=row.note,
        created_at=row.created_at,
    )


def _assignment_view(session: Session, row: AssignmentRow) -> AssignmentView:
    if row.assignee_user_id is not None:
        assignee = users_repo.get_user(session=session, user_id=row.assignee_user_id).username
    else:
        assignee = f"team {_team_name(session, row.assignee_team_id) or '(deleted)'}"
    assert row.drill_id is not None
    return AssignmentView(
        id=row.id,
        drill_id=row.drill_id,
        title=row.title,
        assignee=assignee,
        due_at=row.due_at,
        note=row.note,
        created_at=row.created_at,
    )


def _coach(session: Session, actor: str, what: str) -> actors.Actor:
    who = actors.resolve(session, actor)
    scope.require_role(who, scope.COACHES, what)
    return who


def _visible_drill(who: actors.Actor, row: DrillRow) -> None:
    """Coaches use their team's drills and the ones made for everyone."""
    if scope.is_admin(who) or row.team_id is None or row.team_id == who.team_id:
        return
    raise PermissionDenied(f"drill {row.id} belongs to another team")


def _check_content(session: Session, rules: DrillRules) -> None:
    scenario = content_repo.get_scenario(session=session, scenario_id=rules.scenario_id)
    if rules.persona_id is not None:
        persona = content_repo.get_persona(session=session, persona_id=rules.persona_id)
        if persona.language != scenario.language:
            raise CoachError(
                f"persona {persona.id!r} speaks {persona.language} but scenario "
                f"{scenario.id!r} is in {scenario.language}; pick one of: "
                f"{', '.join(scenario.personas) or '(none)'}"
            )
    modes = []
    if scenario.script:
        modes += ["readalong", "recitation"]
    if scenario.flow is not None:
        modes.append("scripted")
    if scenario.personas or rules.persona_id:
        modes.append("freeform")
    if rules.mode not in modes:
        raise CoachError(
            f"scenario {scenario.id!r} cannot be practised in {rules.mode} mode; "
            f"use one of: {', '.join(modes) or '(none)'}"
        )


def create_drill(
    runtime: Runtime,
    *,
    actor: str,
    scenario_id: str,
    mode: str,
    title: str = "",
    persona_id: str | None = None,
    target_score: float | None = None,
    exam: bool = False,
    max_attempts: int | None = None,
    certification: bool = False,
    note: str = "",
    team: str | None = None,
) -> DrillRecord:
    """Define a drill (trainers, managers, admins). It belongs to the actor's team.

    Admins may name the ``team`` it belongs to, or leave it for every team.
    """
    try:
        rules = DrillRules(
            title=title,
            scenario_id=scenario_id,
            persona_id=persona_id,
            mode=mode,
            target_score=target_score,
            exam=exam or certification,
            max_attempts=max_attempts,
            certification=certification,
            note=note,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CoachError(f"bad drill: {where + ': ' if where else ''}{first['msg']}") from exc
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = _coach(session, actor, "create drills")
        if team is not None:
            team_id: int | None = scope.team(session, who, team).id
        else:
            team_id = None if scope.is_admin(who) else who.team_id
        _check_content(session, rules)
        if not rules.title:
            scenario = content_repo.get_scenario(session=session, scenario_id=scenario_id)
            rules = rules.model_copy(update={"title": f"{scenario.title} ({mode})"[:300]})
        row = training_repo.create_drill(
            session=session, rules=rules, team_id=team_id, created_by=who.user_id
        )
        return _drill_record(session, row)


def assign_drill(
    runtime: Runtime,
    *,
    actor: str,
    drill_id: int,
    to_user: str | None = None,
    to_team: str | None = None,
    due: date | datetime | None = None,
    note: str = "",
) -> AssignmentView:
    """Give a drill to a rep or to a whole team (coaches: of their own team), with a due date."""
    if (to_user is None) == (to_team is None):
        raise CoachError("assign to exactly one of: a user (--to-user), a team (--to-team)")
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = _coach(session, actor, "assign drills")
        drill = training_repo.get_drill(session=session, drill_id=drill_id)
        _visible_drill(who, drill)
        user_id = team_id = None
        if to_user is not None:
            target = scope.user(session, who, to_user)
            if not target.is_active:
                raise CoachError(f"{target.username} is disabled; enable the account first")
            user_id = target.id
        else:
            assert to_team is not None
            team_id = scope.team(session, who, to_team).id
        row = training_repo.assign_drill(
            session=session,
            drill=drill,
            assigned_by=who.user_id,
            assignee_user_id=user_id,
            assignee_team_id=team_id,
            due_at=due_at(due),
            note=note,
        )
        return _assignment_view(session, row)


def list_drills(runtime: Runtime, *, actor: str) -> list[DrillRecord]:
    """The drills a coach may use (their team's and everyone's; admins: all), newest first."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = _coach(session, actor, "list drills (reps: see `coach drills list --mine`)")
        rows = training_repo.list_drills(session=session, team_ids=scope.team_ids(who))
        return [_drill_record(session, row) for row in rows]


def list_assignments(
    runtime: Runtime, *, actor: str, drill_id: int | None = None
) -> list[AssignmentView]:
    """Drill assignments of the coach's team (admins: all), soonest due first."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = _coach(session, actor, "list drill assignments")
        rows = training_repo.drill_assignments(
            session=session, drill_id=drill_id, team_ids=scope.team_ids(who)
        )
        return [_assignment_view(session, row) for row in rows]


def _statuses(
    session: Session,
    assignment: AssignmentRow,
    drill: DrillRow,
    reps: list[UserRow],
    now: datetime,
) -> list[RepStatus]:
    rules = training_repo.rules_of(drill)
    stats = training_repo.attempt_stats(
        session=session, assignment=assignment, drill=drill, user_ids=[r.id for r in reps]
    )
    out = []
    for rep in reps:
        got = stats.get(rep.id, AttemptStats())
        out.append(
            RepStatus(
                assignment_id=assignment.id,
                drill_id=drill.id,
                title=assignment.title or drill.title,
                rep=rep.username,
                team=_team_name(session, rep.team_id),
                status=drill_status(rules, got, due_at=assignment.due_at, now=now),
                attempts=got.attempts,
                attempts_left=attempts_left(rules, got),
                best_score=got.best_score,
                target_score=drill.target_score,
                due_at=assignment.due_at,
                last_attempt_at=got.last_attempt_at,
            )
        )
    return out


def statuses_in_scope(
    session: Session,
    who: actors.Actor,
    *,
    drill_id: int | None = None,
    now: datetime | None = None,
    team_ids: list[int] | None = None,
) -> list[RepStatus]:
    """Every (assignment, rep) status the actor may see, for one drill or all of them.

    ``team_ids`` narrows it to teams the caller has already checked the actor may see.
    """
    now = now or utcnow()
    visible = team_ids if team_ids is not None else scope.team_ids(who)
    rows = training_repo.drill_assignments(session=session, drill_id=drill_id, team_ids=visible)
    out: list[RepStatus] = []
    drills: dict[int, DrillRow] = {}
    for row in rows:
        assert row.drill_id is not None
        drill = drills.get(row.drill_id) or training_repo.get_drill(
            session=session, drill_id=row.drill_id
        )
        drills[drill.id] = drill
        reps = training_repo.assignees(session=session, assignment=row)
        if visible is not None:
            reps = [r for r in reps if r.team_id in visible]
        out.extend(_statuses(session, row, drill, reps, now))
    return out


def drill_status_report(
    runtime: Runtime, *, actor: str, drill_id: int | None = None, now: datetime | None = None
) -> list[RepStatus]:
    """Each rep's status on each assignment of a drill (or of every drill) the coach can see."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = _coach(session, actor, "read drill status")
        if drill_id is not None:
            _visible_drill(who, training_repo.get_drill(session=session, drill_id=drill_id))
        return statuses_in_scope(session, who, drill_id=drill_id, now=now)


def my_drills(runtime: Runtime, *, actor: str, now: datetime | None = None) -> list[Task]:
    """The actor's drills and clip tasks in one list, most urgent first.

    Overdue first, then open tasks by due date (undated after), then the ones done.
    """
    from coach.services import clips as clips_service

    runtime.require_initialised()
    now = now or utcnow()
    tasks: list[Task] = []
    with runtime.transaction() as session:
        user = actors.account(session, actor, "practice", "asking for their drills")
        for row in training_repo.drill_assignments_for_user(session=session, user=user):
            assert row.drill_id is not None
            drill = training_repo.get_drill(session=session, drill_id=row.drill_id)
            (status,) = _statuses(session, row, drill, [user], now)
            tasks.append(
                Task(
                    kind="drill",
                    assignment_id=row.id,
                    title=status.title,
                    status=status.status.value,
                    due_at=row.due_at,
                    scenario_id=drill.scenario_id,
                    mode=drill.mode,
                    target_score=drill.target_score,
                    exam=drill.exam,
                    certification=drill.certification,
                    attempts=status.attempts,
                    attempts_left=status.attempts_left,
                    best_score=status.best_score,
                    note=row.note or drill.note,
                )
            )
    for clip in clips_service.my_tasks(runtime, actor=actor):
        if clip.done:
            clip_status = "done"
        elif clip.due_at is not None and _aware(clip.due_at) < now:
            clip_status = DrillStatus.OVERDUE.value
        else:
            clip_status = DrillStatus.NOT_STARTED.value
        tasks.append(
            Task(
                kind="clip",
                assignment_id=clip.id,
                title=clip.title,
                status=clip_status,
                due_at=clip.due_at,
                clip_id=clip.clip_id,
                note=clip.note,
            )
        )
    return sorted(tasks, key=lambda t: (*_urgency(t), t.assignment_id))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _urgency(task: Task) -> tuple[int, datetime]:
    status = DrillStatus.PASSED if task.status == "done" else DrillStatus(task.status)
    return urgency(status, task.due_at)


def _assigned_to(
    session: Session, user: UserRow, assignment_id: int
) -> tuple[AssignmentRow, DrillRow]:
    row, drill = training_repo.get_drill_assignment(session=session, assignment_id=assignment_id)
    if not training_repo.is_given_to(row, user):
        # Same answer whether the drill exists for another team or not at all.
        raise PermissionDenied(f"drill assignment {assignment_id} is not given to {user.username}")
    return row, drill


def check_attempt(session: Session, user: UserRow, assignment_id: int) -> DrillRules:
    """Whether ``user`` may start an attempt at this assignment now; return its rules.

    Refuses a drill not given to them (another team's, say) and an exam whose attempts
    are used up. Meant to be called inside the transaction that starts the session.
    """
    row, drill = _assigned_to(session, user, assignment_id)
    rules = training_repo.rules_of(drill)
    stats = training_repo.attempt_stats(
        session=session, assignment=row, drill=drill, user_ids=[user.id]
    ).get(user.id, AttemptStats())
    left = attempts_left(rules, stats)
    if left == 0:
        raise CoachError(
            f"no attempts left at drill {drill.id} ({stats.attempts} of {rules.max_attempts} used)"
        )
    if stats.open_attempts and rules.is_exam:
        raise CoachError(
            f"an exam attempt at drill {drill.id} is still open: finish it before starting another"
        )
    return rules


def start_attempt(
    runtime: Runtime,
    practice: PracticeService,
    *,
    actor: str,
    assignment_id: int,
    seed: int = 0,
    engine: str = "auto",
) -> Started:
    """Start a practice session for a drill given to the actor, with the drill's rules.

    The session is linked to the assignment; an exam runs without hints and counts
    against its attempt limit.
    """
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = actors.account(session, actor, "practice", "practising")
        row, drill = _assigned_to(session, user, assignment_id)
        rules = check_attempt(session, user, assignment_id)
    return practice.start(
        actor=actor,
        scenario_id=drill.scenario_id,
        mode=drill.mode,
        persona_id=drill.persona_id,
        seed=seed,
        hints=rules.hints,
        assignment_id=row.id,
        engine=engine,
    )


def my_attempts(runtime: Runtime, *, actor: str, assignment_id: int) -> list[Attempt]:
    """The actor's attempts at one of their drills, oldest first."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        user = actors.account(session, actor, "practice", "asking for their attempts")
        row, drill = _assigned_to(session, user, assignment_id)
        return [
            Attempt(session_id=s.id, started_at=s.started_at, status=s.status, score=score)
            for s, score in training_repo.attempts(
                session=session, assignment=row, drill=drill, user_id=user.id
            )
        ]


# --- certification ---------------------------------------------------------------------------


def record_scorecard(session: Session, session_id: str) -> int:
    """After a session is scored (or its score overridden): record a certificate it earned.

    Call inside the transaction that saved the scorecard. Returns the certificates added.
    """
    from coach.store.models import PracticeSessionRow

    row = session.get(PracticeSessionRow, session_id)
    if row is None or row.assignment_id is None:
        return 0
    return training_repo.record_certificates(session=session, user_ids=[row.user_id])


def certifications(
    runtime: Runtime, *, actor: str, team: str | None = None, rep: str | None = None
) -> list[CertificateRecord]:
    """Who is certified on what: a rep's own; a coach's team; admins any team or everyone."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        user_ids: list[int] | None
        if rep is not None:
            user_ids = [scope.user(session, who, rep).id]
        elif team is not None:
            scope.require_role(who, scope.COACHES, "see a team's certificates")
            team_row = scope.team(session, who, team)
            user_ids = [u.id for u in users_repo.list_users(session=session, team_id=team_row.id)]
        elif who.role == Role.REP or not (scope.is_admin(who) or who.team_id is not None):
            if who.user_id is None:
                raise PermissionDenied("say whose certificates: pass --user NAME or --team NAME")
            user_ids = [who.user_id]
        elif scope.is_admin(who):
            user_ids = None
        else:
            user_ids = [u.id for u in users_repo.list_users(session=session, team_id=who.team_id)]
        training_repo.record_certificates(session=session, user_ids=user_ids)
        return [
            CertificateRecord(
                rep=user.username,
                team=_team_name(session, user.team_id),
                scenario_id=cert.scenario_id,
                drill_id=cert.drill_id,
                session_id=cert.session_id,
                score=cert.score,
                certified_at=cert.certified_at,
            )
            for cert, user in training_repo.list_certificates(session=session, user_ids=user_ids)
        ]


def as_json(records: list[Any]) -> list[dict[str, Any]]:
    """Records as JSON-ready dicts."""
    return [r.model_dump(mode="json") for r in records]


__all__ = [
    "AssignmentView",
    "Attempt",
    "CertificateRecord",
    "DrillRecord",
    "RepStatus",
    "Task",
    "as_json",
    "assign_drill",
    "certifications",
    "check_attempt",
    "create_drill",
    "drill_status_report",
    "list_assignments",
    "list_drills",
    "my_attempts",
    "my_drills",
    "record_scorecard",
    "start_attempt",
]

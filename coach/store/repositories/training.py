"""Repository functions for drills, their assignments, attempts and certificates.

A drill given to a team is one assignment row; who it reaches is decided when it is read
(the team's active reps at that moment), so a rep who joins later gets it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.errors import NotFoundError
from coach.store.models import (
    AssignmentRow,
    CertificateRow,
    DrillRow,
    PracticeSessionRow,
    ScorecardRow,
    UserRow,
    utcnow,
)
from coach.training.drills import DrillRules
from coach.training.status import AttemptStats


def final_score() -> ColumnElement[float]:
    """A session's score as analytics and drills see it: the override when there is one."""
    return func.coalesce(ScorecardRow.override_score, ScorecardRow.score)


def create_drill(
    *, session: Session, rules: DrillRules, team_id: int | None, created_by: int | None
) -> DrillRow:
    """Store a drill's definition (it reaches nobody until it is assigned)."""
    row = DrillRow(
        title=rules.title,
        scenario_id=rules.scenario_id,
        persona_id=rules.persona_id,
        mode=rules.mode,
        target_score=rules.target_score,
        exam=rules.is_exam,
        max_attempts=rules.max_attempts,
        certification=rules.certification,
        team_id=team_id,
        note=rules.note,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


def get_drill(*, session: Session, drill_id: int) -> DrillRow:
    """The drill with this id; NotFoundError if there is none."""
    row = session.get(DrillRow, drill_id)
    if row is None:
        raise NotFoundError(f"no drill with id {drill_id} (see `coach drills list`)")
    return row


def rules_of(row: DrillRow) -> DrillRules:
    """The domain rules of a stored drill."""
    return DrillRules(
        title=row.title,
        scenario_id=row.scenario_id,
        persona_id=row.persona_id,
        mode=row.mode,
        target_score=row.target_score,
        exam=row.exam,
        max_attempts=row.max_attempts,
        certification=row.certification,
        note=row.note,
    )


def list_drills(*, session: Session, team_ids: Iterable[int] | None = None) -> list[DrillRow]:
    """Drills, newest first: all of them, or those of these teams plus the ones for everyone."""
    query = select(DrillRow).order_by(DrillRow.created_at.desc(), DrillRow.id.desc())
    if team_ids is not None:
        query = query.where(or_(DrillRow.team_id.in_(list(team_ids)), DrillRow.team_id.is_(None)))
    return list(session.scalars(query))


def assign_drill(
    *,
    session: Session,
    drill: DrillRow,
    assigned_by: int | None,
    assignee_user_id: int | None = None,
    assignee_team_id: int | None = None,
    due_at: datetime | None = None,
    note: str = "",
) -> AssignmentRow:
    """Give a drill to one user or to a whole team (one row either way)."""
    if (assignee_user_id is None) == (assignee_team_id is None):
        raise ValueError("assign to exactly one of: a user, a team")
    row = AssignmentRow(
        kind="drill",
        title=drill.title,
        scenario_id=drill.scenario_id,
        persona_id=drill.persona_id,
        mode=drill.mode,
        target_score=drill.target_score,
        drill_id=drill.id,
        assigned_by=assigned_by,
        assignee_user_id=assignee_user_id,
        assignee_team_id=assignee_team_id,
        due_at=due_at,
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def get_drill_assignment(*, session: Session, assignment_id: int) -> tuple[AssignmentRow, DrillRow]:
    """A drill assignment and its drill; NotFoundError for a clip task or a missing id."""
    row = session.get(AssignmentRow, assignment_id)
    if row is None or row.drill_id is None:
        raise NotFoundError(
            f"no drill assignment with id {assignment_id} (see `coach drills list --mine`)"
        )
    return row, get_drill(session=session, drill_id=row.drill_id)


def drill_assignments(
    *,
    session: Session,
    drill_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    created_since: datetime | None = None,
) -> list[AssignmentRow]:
    """Drill assignments, soonest due first; ``team_ids``: given to those teams or their members."""
    query = (
        select(AssignmentRow)
        .where(AssignmentRow.drill_id.is_not(None))
        .order_by(AssignmentRow.due_at.is_(None), AssignmentRow.due_at, AssignmentRow.id)
    )
    if drill_id is not None:
        query = query.where(AssignmentRow.drill_id == drill_id)
    if team_ids is not None:
        teams = list(team_ids)
        members = select(UserRow.id).where(UserRow.team_id.in_(teams))
        query = query.where(
            or_(
                AssignmentRow.assignee_team_id.in_(teams),
                AssignmentRow.assignee_user_id.in_(members),
            )
        )
    if created_since is not None:
        query = query.where(AssignmentRow.created_at >= created_since)
    return list(session.scalars(query))


def drill_assignments_for_user(*, session: Session, user: UserRow) -> list[AssignmentRow]:
    """Drills given to this user directly or to the user's team (reps only for teams)."""
    mine: list[ColumnElement[bool]] = [AssignmentRow.assignee_user_id == user.id]
    if user.team_id is not None and user.role == Role.REP.value:
        mine.append(AssignmentRow.assignee_team_id == user.team_id)
    query = (
        select(AssignmentRow)
        .where(AssignmentRow.drill_id.is_not(None), or_(*mine))
        .order_by(AssignmentRow.id)
    )
    return list(session.scalars(query))


def assignees(*, session: Session, assignment: AssignmentRow) -> list[UserRow]:
    """Who an assignment reaches now: its user, or the team's active reps (by username)."""
    if assignment.assignee_user_id is not None:
        user = session.get(UserRow, assignment.assignee_user_id)
        return [user] if user is not None else []
    query = (
        select(UserRow)
        .where(
            UserRow.team_id == assignment.assignee_team_id,
            UserRow.role == Role.REP.value,
            UserRow.is_active.is_(True),
        )
        .order_by(UserRow.username)
    )
    return list(session.scalars(query))


def is_given_to(assignment: AssignmentRow, user: UserRow) -> bool:
    """Whether the assignment reaches this user (directly, or as a rep of the team)."""
    if assignment.assignee_user_id is not None:
        return assignment.assignee_user_id == user.id
    return (
        assignment.assignee_team_id is not None
        and assignment.assignee_team_id == user.team_id
        and user.role == Role.REP.value
        and user.is_active
    )


def linked_sessions(assignment: AssignmentRow, drill: DrillRow) -> ColumnElement[bool]:
    """Which sessions are attempts at this drill assignment.

    A session started for it (``assignment_id``) always is. For a practice drill, so is a
    session of the same scenario and mode (and persona, if the drill names one) started
    after the drill was given and not for another assignment. An exam counts only the
    attempts started for it: those ran without hints and were counted.
    """
    explicit = PracticeSessionRow.assignment_id == assignment.id
    if drill.exam or drill.certification:
        return explicit
    same: list[ColumnElement[bool]] = [
        PracticeSessionRow.assignment_id.is_(None),
        PracticeSessionRow.scenario_id == drill.scenario_id,
        PracticeSessionRow.mode == drill.mode,
        PracticeSessionRow.started_at >= assignment.created_at,
    ]
    if drill.persona_id is not None:
        same.append(PracticeSessionRow.persona_id == drill.persona_id)
    return or_(explicit, and_(*same))


def attempt_stats(
    *, session: Session, assignment: AssignmentRow, drill: DrillRow, user_ids: Iterable[int]
) -> dict[int, AttemptStats]:
    """Attempts per user at one assignment, in one grouped query."""
    ids = list(user_ids)
    if not ids:
        return {}
    query = (
        select(
            PracticeSessionRow.user_id,
            func.count(PracticeSessionRow.id),
            func.sum(case((PracticeSessionRow.status == "active", 1), else_=0)),
            func.max(final_score()),
            func.max(PracticeSessionRow.started_at),
        )
        .outerjoin(ScorecardRow, ScorecardRow.session_id == PracticeSessionRow.id)
        .where(PracticeSessionRow.user_id.in_(ids), linked_sessions(assignment, drill))
        .group_by(PracticeSessionRow.user_id)
    )
    return {
        user_id: AttemptStats(
            attempts=int(count),
            open_attempts=int(open_ or 0),
            best_score=float(best) if best is not None else None,
            last_attempt_at=last,
        )
        for user_id, count, open_, best, last in session.execute(query)
    }


def attempts(
    *, session: Session, assignment: AssignmentRow, drill: DrillRow, user_id: int
) -> list[tuple[PracticeSessionRow, float | None]]:
    """One user's attempts at an assignment, oldest first, with each final score."""
    query = (
        select(PracticeSessionRow, final_score())
        .outerjoin(ScorecardRow, ScorecardRow.session_id == PracticeSessionRow.id)
        .where(PracticeSessionRow.user_id == user_id, linked_sessions(assignment, drill))
        .order_by(PracticeSessionRow.started_at, PracticeSessionRow.id)
    )
    return [
        (row, float(score) if score is not None else None) for row, score in session.execute(query)
    ]


# --- certificates ----------------------------------------------------------------------------


def record_certificates(*, session: Session, user_ids: Iterable[int] | None = None) -> int:
    """Record a certificate for every passed certification attempt that has none yet.

    Idempotent: one certificate per rep and certification drill, dated by the first
    passing session. Returns how many were added.
    """
    have = (
        select(literal(1))
        .where(
            CertificateRow.user_id == PracticeSessionRow.user_id,
            CertificateRow.drill_id == DrillRow.id,
        )
        .exists()
    )
    query = (
        select(PracticeSessionRow, DrillRow, final_score())
        .join(AssignmentRow, AssignmentRow.id == PracticeSessionRow.assignment_id)
        .join(DrillRow, DrillRow.id == AssignmentRow.drill_id)
        .join(ScorecardRow, ScorecardRow.session_id == PracticeSessionRow.id)
        .where(
            DrillRow.certification.is_(True),
            final_score() >= DrillRow.target_score,
            ~have,
        )
        .order_by(PracticeSessionRow.started_at, PracticeSessionRow.id)
    )
    if user_ids is not None:
        query = query.where(PracticeSessionRow.user_id.in_(list(user_ids)))
    seen: set[tuple[int, int]] = set()
    added = 0
    for practice, drill, score in session.execute(query).all():
        key = (practice.user_id, drill.id)
        if key in seen:
            continue
        seen.add(key)
        cert = CertificateRow(
            user_id=practice.user_id,
            scenario_id=drill.scenario_id,
            drill_id=drill.id,
            session_id=practice.id,
            score=float(score),
            certified_at=practice.ended_at or utcnow(),
        )
        try:
            # Another process may record the same certificate at the same moment.
            with session.begin_nested():
                session.add(cert)
                session.flush()
        except IntegrityError:
            continue
        added += 1
    return added


def list_certificates(
    *, session: Session, user_ids: Iterable[int] | None = None
) -> list[tuple[CertificateRow, UserRow]]:
    """Certificates with their reps, by rep then date."""
    query = (
        select(CertificateRow, UserRow)
        .join(UserRow, UserRow.id == CertificateRow.user_id)
        .order_by(UserRow.username, CertificateRow.certified_at, CertificateRow.id)
    )
    if user_ids is not None:
        query = query.where(CertificateRow.user_id.in_(list(user_ids)))
    return [(cert, user) for cert, user in session.execute(query)]


def backdate_drill(*, session: Session, drill_id: int, at: datetime) -> None:
    """Date a drill and its assignments back to ``at`` (the demo history's weeks-old drills)."""
    drill = get_drill(session=session, drill_id=drill_id)
    drill.created_at = at
    for row in session.scalars(select(AssignmentRow).where(AssignmentRow.drill_id == drill_id)):
        row.created_at = at
    session.flush()

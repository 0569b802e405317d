"""Repository functions for assignments (drills and clip tasks) and their completion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from coach.errors import NotFoundError
from coach.store.models import AssignmentCompletionRow, AssignmentRow, UserRow

KINDS = ("drill", "clip")


def create_assignment(
    *,
    session: Session,
    kind: str,
    assigned_by: int | None,
    assignee_user_id: int | None = None,
    assignee_team_id: int | None = None,
    scenario_id: str | None = None,
    persona_id: str | None = None,
    mode: str | None = None,
    target_score: float | None = None,
    clip_id: str | None = None,
    due_at: datetime | None = None,
    title: str = "",
    note: str = "",
) -> AssignmentRow:
    """Give a drill (scenario + mode + target) or a clip to a rep or to a whole team."""
    if kind not in KINDS:
        raise ValueError(f"an assignment is a drill or a clip, not {kind!r}")
    if (assignee_user_id is None) == (assignee_team_id is None):
        raise ValueError("assign to exactly one of: a user, a team")
    if kind == "drill" and (scenario_id is None or mode is None):
        raise ValueError("a drill needs a scenario and a mode")
    if kind == "clip" and clip_id is None:
        raise ValueError("a clip task needs a clip")
    if target_score is not None and not 0 <= target_score <= 100:
        raise ValueError("a target score is between 0 and 100")
    row = AssignmentRow(
        kind=kind,
        title=title,
        scenario_id=scenario_id,
        persona_id=persona_id,
        mode=mode,
        target_score=target_score,
        clip_id=clip_id,
        assigned_by=assigned_by,
        assignee_user_id=assignee_user_id,
        assignee_team_id=assignee_team_id,
        due_at=due_at,
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def get_assignment(*, session: Session, assignment_id: int) -> AssignmentRow:
    """The assignment with this id; raise NotFoundError if there is none."""
    row = session.get(AssignmentRow, assignment_id)
    if row is None:
        raise NotFoundError(f"no assignment with id {assignment_id}")
    return row


def list_assignments_for_user(*, session: Session, user_id: int) -> list[AssignmentRow]:
    """Assignments given to a user directly or to the user's team, soonest due first."""
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    conditions = [AssignmentRow.assignee_user_id == user_id]
    if user.team_id is not None:
        conditions.append(AssignmentRow.assignee_team_id == user.team_id)
    query = (
        select(AssignmentRow)
        .where(or_(*conditions))
        .options(selectinload(AssignmentRow.completions))
        .order_by(AssignmentRow.due_at.is_(None), AssignmentRow.due_at, AssignmentRow.id)
    )
    return list(session.scalars(query))


def list_assignments_by(*, session: Session, assigned_by: int) -> list[AssignmentRow]:
    """Assignments a trainer or manager gave, newest first."""
    query = (
        select(AssignmentRow)
        .where(AssignmentRow.assigned_by == assigned_by)
        .options(selectinload(AssignmentRow.completions))
        .order_by(AssignmentRow.created_at.desc(), AssignmentRow.id.desc())
    )
    return list(session.scalars(query))


def complete_assignment(
    *, session: Session, assignment_id: int, user_id: int, session_id: str | None = None
) -> AssignmentCompletionRow:
    """Mark an assignment done by a user (idempotent: returns the earlier mark if any)."""
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    existing = session.scalar(
        select(AssignmentCompletionRow).where(
            AssignmentCompletionRow.assignment_id == assignment_id,
            AssignmentCompletionRow.user_id == user_id,
        )
    )
    if existing is not None:
        return existing
    row = AssignmentCompletionRow(user_id=user_id, session_id=session_id)
    assignment.completions.append(row)
    session.flush()
    return row


def is_completed(*, session: Session, assignment_id: int, user_id: int) -> bool:
    """True when the user has marked this assignment done."""
    return (
        session.scalar(
            select(AssignmentCompletionRow.id).where(
                AssignmentCompletionRow.assignment_id == assignment_id,
                AssignmentCompletionRow.user_id == user_id,
            )
        )
        is not None
    )

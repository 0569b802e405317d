"""Whose data an actor may see in training, reports and exports.

Reps see only their own data; trainers and managers see their own team; admins (and the
local operator) see everything. Functions here raise PermissionDenied with a one-line
reason, and never reveal whether a record of another team exists beyond that.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coach.accounts import Role
from coach.errors import NotFoundError, PermissionDenied
from coach.services.actors import Actor
from coach.store.models import PracticeSessionRow, TeamRow, UserRow
from coach.store.repositories import users as users_repo

COACHES = frozenset({Role.TRAINER, Role.MANAGER, Role.ADMIN})
"""Who gives drills, reads drill status and leaves coaching comments."""
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
"""Who reads team analytics, exports sessions and scorecards and overrides scores."""


def require_role(who: Actor, roles: frozenset[Role], what: str) -> None:
    """PermissionDenied unless the actor's role is one of ``roles``."""
    if who.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise PermissionDenied(f"a {who.role.value} may not {what} (allowed: {allowed})")


def is_admin(who: Actor) -> bool:
    """Admins and the local operator see every team."""
    return who.role == Role.ADMIN


def team_ids(who: Actor) -> list[int] | None:
    """The teams the actor coaches: None for all (admins), else their own team (or none)."""
    if is_admin(who):
        return None
    return [who.team_id] if who.team_id is not None else []


def team(session: Session, who: Actor, name: str) -> TeamRow:
    """The team called ``name``, if the actor may see it (admins: any; coaches: their own)."""
    row = users_repo.get_team_by_name(session=session, name=name)
    if row is None:
        if is_admin(who):
            raise NotFoundError(f"no team {name!r} (see `coach users list`)")
        raise PermissionDenied(f"you can only see your own team, not {name!r}")
    if not is_admin(who) and row.id != who.team_id:
        raise PermissionDenied(f"you can only see your own team, not {name!r}")
    return row


def user(session: Session, who: Actor, username: str) -> UserRow:
    """The user called ``username``, if the actor may see their data.

    Everyone sees themselves; coaches see the members of their team; admins see everyone.
    """
    row = users_repo.get_user_by_username(session=session, username=username.strip())
    if row is not None and (
        row.id == who.user_id
        or is_admin(who)
        or (who.role in COACHES and who.team_id is not None and row.team_id == who.team_id)
    ):
        return row
    if row is None and is_admin(who):
        raise NotFoundError(f"no user {username!r} (see `coach users list`)")
    raise PermissionDenied(f"you may not see {username!r}'s data: only your own team's")


def may_coach(who: Actor, owner: UserRow) -> bool:
    """Whether the actor coaches this user (admin, or a coach of the same team)."""
    if is_admin(who):
        return True
    return who.role in COACHES and who.team_id is not None and owner.team_id == who.team_id


def practice_session(
    session: Session, who: Actor, session_id: str, *, coach_only: bool = False
) -> PracticeSessionRow:
    """A practice session the actor may read: their own (unless ``coach_only``) or a coachee's."""
    row = session.get(PracticeSessionRow, session_id)
    if row is None:
        raise NotFoundError(f"no practice session with id {session_id!r}")
    owner = row.user
    if not coach_only and who.user_id is not None and owner.id == who.user_id:
        return row
    if may_coach(who, owner) and (owner.id != who.user_id or is_admin(who)):
        return row
    raise PermissionDenied(
        "this practice session is not yours: you can only open your own or your team's"
    )

"""A small organisation for training tests: two teams, each with reps and coaches.

North: rep ``ann`` and ``bob``, trainer ``tina``, manager ``mona``.
South: rep ``sam``, trainer ``theo``, manager ``max``. Admin ``ada`` has no team.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.accounts import Role
from coach.store.repositories import content, scorecards, sessions, users
from tests.store.helpers import PERSONA, SCENARIO

NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
"""A moment just after the test runs: sessions "at NOW" come after any drill made in a test."""
KEY_POINTS = ("greeting", "next_step")

PEOPLE = {
    "ann": ("North", Role.REP),
    "bob": ("North", Role.REP),
    "tina": ("North", Role.TRAINER),
    "mona": ("North", Role.MANAGER),
    "sam": ("South", Role.REP),
    "theo": ("South", Role.TRAINER),
    "max": ("South", Role.MANAGER),
    "ada": (None, Role.ADMIN),
}


def build(runtime) -> dict[str, int]:
    """Create the teams, people and content; return user ids by name."""
    ids = {}
    with runtime.transaction() as s:
        content.upsert_persona(session=s, persona=PERSONA)
        content.upsert_scenario(session=s, scenario=SCENARIO)
        teams = {name: users.create_team(session=s, name=name).id for name in ("North", "South")}
        for name, (team, role) in PEOPLE.items():
            ids[name] = users.create_user(
                session=s,
                username=name,
                display_name=name.title(),
                password_hash="x",
                role=role,
                team_id=teams[team] if team else None,
            ).id
    return ids


def add_session(
    runtime,
    user_id: int,
    *,
    score: float | None = 50.0,
    points: dict[str, str] | None = None,
    started_at: datetime | None = None,
    mode: str = "freeform",
    ended_by: str | None = "rep",
    assignment_id: int | None = None,
    status: str = "completed",
    scenario_id: str = "tiny",
    persona_id: str | None = "pat",
) -> str:
    """A session started at ``started_at`` (default NOW - 1 day), scored unless score is None."""
    when = started_at or NOW - timedelta(days=1)
    with runtime.transaction() as s:
        row = sessions.create_session(
            session=s,
            user_id=user_id,
            scenario_id=scenario_id,
            mode=mode,
            language="en",
            persona_id=persona_id if mode == "freeform" else None,
            assignment_id=assignment_id,
        )
        row.started_at = when
        if status != "active":
            sessions.end_session(
                session=s, session_id=row.id, ended_by=ended_by or "rep", status=status
            )
            row.ended_at = when + timedelta(minutes=5)
            if ended_by is None:
                row.ended_by = None
        if score is not None:
            marks = points or dict.fromkeys(KEY_POINTS, "hit")
            result = {
                "score": score,
                "key_points": [
                    {"id": kp, "status": st, "turn": 0 if st != "missed" else None}
                    for kp, st in marks.items()
                ],
            }
            scorecards.save_scorecard(session=s, session_id=row.id, result=result)
        return row.id

"""The database tables, as SQLAlchemy 2 ORM rows.

Rows stay inside ``coach.store`` and the services; the UI, CLI and API see records.
Content (scenarios, personas) is stored as the validated document in a JSON column, plus
the columns needed to list and filter it, so files and the database round-trip exactly.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A new random id for sessions, clips and other records made at run time."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff on every backend."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class TeamRow(Base):
    """A team of users (reps with their trainers and managers)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[UserRow]] = relationship(back_populates="team")


class UserRow(Base):
    """A person who logs in. ``password_hash`` is an argon2 hash, never the password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(8), default="en")
    # The web app's language as the user chose it; None: follow the browser.
    ui_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Signed into every session cookie; a password reset bumps it, ending the user's sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    team: Mapped[TeamRow | None] = relationship(back_populates="members")


class ScenarioRow(Base):
    """A scenario, registered from a file or written in the UI; ``document`` is the whole file."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_path: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PersonaRow(Base):
    """A simulated customer persona; ``document`` is the whole persona card."""

    __tablename__ = "personas"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), index=True)
    difficulty: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_path: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PracticeSessionRow(Base):
    """One practice session of a rep: a scenario, a mode, its turns and its scorecard."""

    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    persona_id: Mapped[str | None] = mapped_column(ForeignKey("personas.id"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    mode: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    ended_by: Mapped[str | None] = mapped_column(String(24))
    engine: Mapped[str] = mapped_column(String(32), default="builtin")
    seed: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[UserRow] = relationship()
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="session", order_by="TurnRow.index", cascade="all, delete-orphan"
    )
    scorecard: Mapped[ScorecardRow | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", uselist=False
    )


class TurnRow(Base):
    """One turn of a practice session, written as soon as it happens."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "index", name="uq_turns_session_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(String(500))
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[PracticeSessionRow] = relationship(back_populates="turns")


class ScorecardRow(Base):
    """The evaluator's result for a session, plus a manager's override if any."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), unique=True
    )
    score: Mapped[float] = mapped_column(Float)
    stage_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    delivery: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    compliance: Mapped[list[Any]] = mapped_column(JSON, default=list)
    feedback: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    override_score: Mapped[float | None] = mapped_column(Float)
    override_comment: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[PracticeSessionRow] = relationship(back_populates="scorecard")
    key_points: Mapped[list[KeyPointResultRow]] = relationship(
        back_populates="scorecard",
        cascade="all, delete-orphan",
        order_by="KeyPointResultRow.position",
    )

    @property
    def final_score(self) -> float:
        """The score a manager set, or else the evaluator's."""
        return self.override_score if self.override_score is not None else self.score


class KeyPointResultRow(Base):
    """Whether one key point was hit in a session, with the evidence."""

    __tablename__ = "key_point_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    key_point_id: Mapped[str] = mapped_column(String(80), index=True)
    stage: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(8))
    evidence: Mapped[str | None] = mapped_column(Text)
    turn_index: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    scorecard: Mapped[ScorecardRow] = relationship(back_populates="key_points")


class AssignmentRow(Base):
    """A drill (scenario + mode + target) or a clip to study, given to a rep or a team."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300), default="")
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id"))
    persona_id: Mapped[str | None] = mapped_column(ForeignKey("personas.id"))
    mode: Mapped[str | None] = mapped_column(String(16))
    target_score: Mapped[float | None] = mapped_column(Float)
    clip_id: Mapped[str | None] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assignee_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The drill this assignment gives out (kind "drill" made by the training service).
    drill_id: Mapped[int | None] = mapped_column(
        ForeignKey("drills.id", ondelete="CASCADE"), index=True
    )

    completions: Mapped[list[AssignmentCompletionRow]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan"
    )


class AssignmentCompletionRow(Base):
    """A rep marking an assignment done (a team assignment has one per rep)."""

    __tablename__ = "assignment_completions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id", name="uq_completion_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="SET NULL")
    )
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assignment: Mapped[AssignmentRow] = relationship(back_populates="completions")


class CallRow(Base):
    """An imported call: its transcript turns and, when there is one, its audio."""

    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(80), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), index=True)
    scenario_id: Mapped[str | None] = mapped_column(ForeignKey("scenarios.id", ondelete="SET NULL"))
    turns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    audio_path: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(500), default="")
    source_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    outcome: Mapped[str] = mapped_column(String(120), default="")
    duration_s: Mapped[float | None] = mapped_column(Float)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class ClipRow(Base):
    """An excerpt of a call (or a standalone transcript) with its turns, tags and audio."""

    __tablename__ = "clips"

    id: Mapped[str] = mapped_column(String(80), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), index=True)
    scenario_id: Mapped[str | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL"), index=True
    )
    call_id: Mapped[str | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), index=True
    )
    turns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    start_turn: Mapped[int | None] = mapped_column(Integer)
    end_turn: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    audio_path: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    tags: Mapped[list[ClipTagRow]] = relationship(
        back_populates="clip", cascade="all, delete-orphan", order_by="ClipTagRow.id"
    )

    @property
    def text(self) -> str:
        """The clip's turns as ``speaker: text`` lines."""
        return "\n".join(f"{turn['speaker']}: {turn['text']}" for turn in self.turns)


class ClipTagRow(Base):
    """One tag of a clip: its kind (key_point, objection, stage, free...) and its value."""

    __tablename__ = "clip_tags"
    __table_args__ = (UniqueConstraint("clip_id", "kind", "value", name="uq_clip_tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    value: Mapped[str] = mapped_column(String(120), index=True)

    clip: Mapped[ClipRow] = relationship(back_populates="tags")


class ClipLikeRow(Base):
    """A user liking a clip."""

    __tablename__ = "clip_likes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    clip_id: Mapped[str] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClipFavouriteRow(Base):
    """A user saving a clip to their favourites."""

    __tablename__ = "clip_favourites"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    clip_id: Mapped[str] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- training: drills, certificates, coaching, overrides -------------------------------------


class DrillRow(Base):
    """A drill: what to practise (scenario, persona, mode), the target, and its exam rules.

    It is given out through assignments (to reps or to a whole team); a certification drill
    is an exam whose pass mark is ``target_score``.
    """

    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    persona_id: Mapped[str | None] = mapped_column(ForeignKey("personas.id"))
    mode: Mapped[str] = mapped_column(String(16))
    target_score: Mapped[float | None] = mapped_column(Float)
    exam: Mapped[bool] = mapped_column(Boolean, default=False)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    certification: Mapped[bool] = mapped_column(Boolean, default=False)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificateRow(Base):
    """A rep passing a certification drill on a scenario, dated, with the session that did it."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "drill_id", name="uq_certificates_user_drill"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("scenarios.id"), index=True)
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drills.id", ondelete="SET NULL"))
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="SET NULL")
    )
    score: Mapped[float] = mapped_column(Float)
    certified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CoachingCommentRow(Base):
    """A trainer's or manager's comment on a session, or on one turn of it."""

    __tablename__ = "coaching_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    turn_index: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KeyPointOverrideRow(Base):
    """A manager's status for one key point of a session; the evaluator's result stays stored.

    Keyed by session, not by scorecard row, so it survives a re-evaluation of the session.
    """

    __tablename__ = "key_point_overrides"
    __table_args__ = (
        UniqueConstraint("session_id", "key_point_id", name="uq_key_point_overrides_point"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"))
    key_point_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text)
    override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Analytics read sessions by rep and time, and drill attempts by assignment. On PostgreSQL
# the columns they group by ride along (INCLUDE), so a team's year is an index-only scan
# instead of a scan of every session (bench/analytics_bench.py).
Index(
    "ix_practice_sessions_user_started",
    PracticeSessionRow.user_id,
    PracticeSessionRow.started_at,
    postgresql_include=["id", "scenario_id", "mode", "ended_by"],
)
# Reading a session's score after finding it by rep and time: index-only on both backends
# (SQLite's rowid is the id).
Index(
    "ix_scorecards_session_score",
    ScorecardRow.session_id,
    ScorecardRow.score,
    ScorecardRow.override_score,
    postgresql_include=["id"],
)
# Mention rates, weak points and sticking points read each scorecard's key points and
# their statuses: covering on both backends (SQLite's rowid is the id).
Index(
    "ix_key_point_results_scorecard_status",
    KeyPointResultRow.scorecard_id,
    KeyPointResultRow.key_point_id,
    KeyPointResultRow.status,
    postgresql_include=["id"],
)
Index("ix_practice_sessions_assignment_id", PracticeSessionRow.assignment_id)


class ApiTokenRow(Base):
    """A user's API token for the REST API: only a SHA-256 digest of its secret is stored.

    ``prefix`` is the token's public id, used to find the row; the secret after it is
    checked against ``secret_hash`` in constant time.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[UserRow] = relationship(foreign_keys=[user_id])

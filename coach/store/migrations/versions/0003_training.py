"""training: drills, certificates, coaching comments, key-point overrides, analytics indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("scenario_id", sa.String(length=80), nullable=False),
        sa.Column("persona_id", sa.String(length=80), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("target_score", sa.Float(), nullable=True),
        sa.Column("exam", sa.Boolean(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("certification", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_drills_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"], ["personas.id"], name=op.f("fk_drills_persona_id_personas")
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"], ["scenarios.id"], name=op.f("fk_drills_scenario_id_scenarios")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_drills_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
    )
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drills_scenario_id"), ["scenario_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_drills_team_id"), ["team_id"], unique=False)

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=80), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drill_id"],
            ["drills.id"],
            name=op.f("fk_certificates_drill_id_drills"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"], ["scenarios.id"], name=op.f("fk_certificates_scenario_id_scenarios")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_certificates_session_id_practice_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_certificates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("user_id", "drill_id", name="uq_certificates_user_drill"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_scenario_id"), ["scenario_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_certificates_user_id"), ["user_id"], unique=False)

    op.create_table(
        "coaching_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_coaching_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_coaching_comments_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_comments")),
    )
    with op.batch_alter_table("coaching_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coaching_comments_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "key_point_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("key_point_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("override_by", sa.Integer(), nullable=True),
        sa.Column("override_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["override_by"],
            ["users.id"],
            name=op.f("fk_key_point_overrides_override_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_key_point_overrides_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_point_overrides")),
        sa.UniqueConstraint("session_id", "key_point_id", name="uq_key_point_overrides_point"),
    )

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assignments_drill_id"), ["drill_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_drill_id_drills"),
            "drills",
            ["drill_id"],
            ["id"],
            ondelete="CASCADE",
        )

    # Analytics read a team's sessions by rep and time; drill status reads attempts by drill.
    # The included columns (PostgreSQL) and the status in the key-point index make the
    # dashboard's scans index-only (bench/analytics_bench.py).
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_practice_sessions_assignment_id", ["assignment_id"], unique=False)
        batch_op.create_index(
            "ix_practice_sessions_user_started",
            ["user_id", "started_at"],
            unique=False,
            postgresql_include=["id", "scenario_id", "mode", "ended_by"],
        )
    with op.batch_alter_table("scorecards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scorecards_session_score",
            ["session_id", "score", "override_score"],
            unique=False,
            postgresql_include=["id"],
        )
    with op.batch_alter_table("key_point_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_key_point_results_scorecard_status",
            ["scorecard_id", "key_point_id", "status"],
            unique=False,
            postgresql_include=["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("key_point_results", schema=None) as batch_op:
        batch_op.drop_index("ix_key_point_results_scorecard_status")
    with op.batch_alter_table("scorecards", schema=None) as batch_op:
        batch_op.drop_index("ix_scorecards_session_score")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_sessions_user_started")
        batch_op.drop_index("ix_practice_sessions_assignment_id")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_assignments_drill_id_drills"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_assignments_drill_id"))
        batch_op.drop_column("drill_id")
    op.drop_table("key_point_overrides")
    with op.batch_alter_table("coaching_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_comments_session_id"))
    op.drop_table("coaching_comments")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_user_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_scenario_id"))
    op.drop_table("certificates")
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drills_team_id"))
        batch_op.drop_index(batch_op.f("ix_drills_scenario_id"))
    op.drop_table("drills")

"""Aggregate queries for team and rep analytics, computed in the database.

Every function returns grouped rows (one per rep, week, key point...), never one row per
session, so a year of a large team stays cheap. Scores and key-point statuses are the
final ones: a manager's override when there is one, else the evaluator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from coach.store.models import (
    KeyPointOverrideRow,
    KeyPointResultRow,
    PracticeSessionRow,
    ScorecardRow,
    UserRow,
)
from coach.store.repositories.training import final_score
from coach.training.periods import Period

S = PracticeSessionRow
AGREED, HUNG_UP = "agreement", "hangup"
Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Who:
    """Whose sessions: one team's members, or one user."""

    team_id: int | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if (self.team_id is None) == (self.user_id is None):
            raise ValueError("analytics are for exactly one of: a team, a user")


def scoped(query: Q, who: Who, period: Period) -> Q:
    """Join the session's rep and keep the sessions of ``who`` started in ``period``."""
    query = query.join(UserRow, UserRow.id == S.user_id).where(
        S.started_at >= period.since, S.started_at < period.until
    )
    if who.team_id is not None:
        return query.where(UserRow.team_id == who.team_id)
    return query.where(S.user_id == who.user_id)


def week_of(session: Session, column: Any) -> ColumnElement[str]:
    """The Monday (``YYYY-MM-DD``, UTC) of the week a timestamp falls in, on either backend."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return func.date(column, literal_column("'-6 days'"), literal_column("'weekday 1'"))
    if dialect == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), column)
        return func.to_char(
            func.date_trunc(literal_column("'week'"), utc), literal_column("'YYYY-MM-DD'")
        )
    raise NotImplementedError(f"weekly analytics are not written for {dialect}")


def final_status() -> ColumnElement[str]:
    """A key point's status after a manager's override."""
    return func.coalesce(KeyPointOverrideRow.status, KeyPointResultRow.status)


def with_points(query: Q) -> Q:
    """Join each session's key-point results and their overrides."""
    return (
        query.join(ScorecardRow, ScorecardRow.session_id == S.id)
        .join(KeyPointResultRow, KeyPointResultRow.scorecard_id == ScorecardRow.id)
        .outerjoin(
            KeyPointOverrideRow,
            and_(
                KeyPointOverrideRow.session_id == S.id,
                KeyPointOverrideRow.key_point_id == KeyPointResultRow.key_point_id,
            ),
        )
    )


def _hit() -> ColumnElement[int]:
    return func.sum(case((final_status() == "hit", 1), else_=0))


def _partial() -> ColumnElement[int]:
    return func.sum(case((final_status() == "partial", 1), else_=0))


def volume_by_week(*, session: Session, who: Who, period: Period) -> list[tuple[str, str, int]]:
    """(rep, week, sessions started) for each rep and week with practice."""
    week = week_of(session, S.started_at).label("week")
    query = scoped(select(UserRow.username, week, func.count(S.id)), who, period)
    query = query.group_by(UserRow.username, week).order_by(UserRow.username, week)
    return [(u, str(w), int(n)) for u, w, n in session.execute(query)]


def volume_by_rep(*, session: Session, who: Who, period: Period) -> dict[str, tuple[int, int]]:
    """Sessions started and sessions scored in the period, by rep."""
    query = scoped(
        select(UserRow.username, func.count(S.id), func.count(ScorecardRow.id)).outerjoin(
            ScorecardRow, ScorecardRow.session_id == S.id
        ),
        who,
        period,
    ).group_by(UserRow.username)
    return {u: (int(n), int(scored)) for u, n, scored in session.execute(query)}


def score_by_week(
    *, session: Session, who: Who, period: Period
) -> list[tuple[str, str, str, float, int]]:
    """(rep, scenario, week, average final score, scored sessions)."""
    week = week_of(session, S.started_at).label("week")
    query = scoped(
        select(
            UserRow.username, S.scenario_id, week, func.avg(final_score()), func.count(S.id)
        ).join(ScorecardRow, ScorecardRow.session_id == S.id),
        who,
        period,
    )
    query = query.group_by(UserRow.username, S.scenario_id, week).order_by(
        UserRow.username, S.scenario_id, week
    )
    return [(u, sc, str(w), float(a), int(n)) for u, sc, w, a, n in session.execute(query)]


def score_by_rep_scenario(
    *, session: Session, who: Who, period: Period
) -> dict[tuple[str, str], tuple[float, int]]:
    """(rep, scenario) -> (average final score, scored sessions) over the period."""
    query = scoped(
        select(UserRow.username, S.scenario_id, func.avg(final_score()), func.count(S.id)).join(
            ScorecardRow, ScorecardRow.session_id == S.id
        ),
        who,
        period,
    ).group_by(UserRow.username, S.scenario_id)
    return {(u, sc): (float(a), int(n)) for u, sc, a, n in session.execute(query)}


def mention_rates(
    *, session: Session, who: Who, period: Period, per_rep: bool = False
) -> list[tuple[str | None, str, str, int, int, int]]:
    """(rep or None, scenario, key point, sessions, hits, partials): the mention rate's parts."""
    rep = UserRow.username if per_rep else literal_column("NULL")
    columns: list[Any] = [rep.label("rep"), S.scenario_id, KeyPointResultRow.key_point_id]
    query: Any = scoped(
        with_points(select(*columns, func.count(KeyPointResultRow.id), _hit(), _partial())),
        who,
        period,
    )
    groups: list[Any] = [S.scenario_id, KeyPointResultRow.key_point_id]
    if per_rep:
        groups.insert(0, UserRow.username)
    query = query.group_by(*groups).order_by(*groups)
    return [
        (r, sc, kp, int(n), int(h or 0), int(p or 0))
        for r, sc, kp, n, h, p in session.execute(query)
    ]


def weakest_points(
    *, session: Session, who: Who, period: Period, per_rep: int = 3, min_sessions: int = 1
) -> list[tuple[str, str, str, int, int]]:
    """Each rep's ``per_rep`` key points with the lowest hit rate: (rep, scenario, point, sessions, hits)."""
    sessions_n = func.count(KeyPointResultRow.id)
    hits = _hit()
    grouped = (
        scoped(
            with_points(
                select(
                    UserRow.username.label("rep"),
                    S.scenario_id.label("scenario_id"),
                    KeyPointResultRow.key_point_id.label("key_point_id"),
                    sessions_n.label("n"),
                    hits.label("hits"),
                )
            ),
            who,
            period,
        )
        .group_by(UserRow.username, S.scenario_id, KeyPointResultRow.key_point_id)
        .having(sessions_n >= min_sessions)
        .subquery()
    )
    rate = grouped.c.hits * 1.0 / grouped.c.n
    ranked = select(
        grouped,
        func.row_number()
        .over(
            partition_by=grouped.c.rep,
            order_by=(rate, grouped.c.n.desc(), grouped.c.scenario_id, grouped.c.key_point_id),
        )
        .label("rank"),
    ).subquery()
    query = (
        select(ranked.c.rep, ranked.c.scenario_id, ranked.c.key_point_id, ranked.c.n, ranked.c.hits)
        .where(ranked.c.rank <= per_rep)
        .order_by(ranked.c.rep, ranked.c.rank)
    )
    return [(r, sc, kp, int(n), int(h or 0)) for r, sc, kp, n, h in session.execute(query)]


def leaderboard(
    *, session: Session, who: Who, period: Period, last_n: int = 5, min_sessions: int = 3
) -> list[tuple[str, float, int]]:
    """(rep, average of their last ``last_n`` scored sessions, how many), best first.

    Reps with fewer than ``min_sessions`` scored sessions in the period are left out.
    """
    recent = scoped(
        select(
            UserRow.username.label("rep"),
            final_score().label("score"),
            func.row_number()
            .over(partition_by=S.user_id, order_by=(S.started_at.desc(), S.id.desc()))
            .label("rank"),
        ).join(ScorecardRow, ScorecardRow.session_id == S.id),
        who,
        period,
    ).subquery()
    count = func.count(recent.c.score)
    average = func.avg(recent.c.score)
    query = (
        select(recent.c.rep, average, count)
        .where(recent.c.rank <= last_n)
        .group_by(recent.c.rep)
        .having(count >= min(min_sessions, last_n))
        .order_by(average.desc(), recent.c.rep)
    )
    return [(r, float(a), int(n)) for r, a, n in session.execute(query)]


def sticking_points(
    *, session: Session, who: Who, period: Period
) -> list[tuple[str, str, int, int, int, int]]:
    """AI-customer calls by outcome, per key point: (scenario, point, agreed, agreed hits, hung up, hung-up hits)."""
    agreed = S.ended_by == AGREED
    hung = S.ended_by == HUNG_UP
    hit = final_status() == "hit"
    query = scoped(
        with_points(
            select(
                S.scenario_id,
                KeyPointResultRow.key_point_id,
                func.sum(case((agreed, 1), else_=0)),
                func.sum(case((and_(agreed, hit), 1), else_=0)),
                func.sum(case((hung, 1), else_=0)),
                func.sum(case((and_(hung, hit), 1), else_=0)),
            )
        ),
        who,
        period,
    ).where(S.mode == "freeform", S.ended_by.in_((AGREED, HUNG_UP)))
    query = query.group_by(S.scenario_id, KeyPointResultRow.key_point_id).order_by(
        S.scenario_id, KeyPointResultRow.key_point_id
    )
    return [
        (sc, kp, int(a or 0), int(ah or 0), int(h or 0), int(hh or 0))
        for sc, kp, a, ah, h, hh in session.execute(query)
    ]

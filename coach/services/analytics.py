"""Team and rep analytics for managers, each with the change against the period before.

Practice volume, scores, key-point mention rates, weak points, leaderboard, drill
completion and sticking points.

The numbers are aggregated in the database (:mod:`coach.store.repositories.analytics`);
this module checks who may see them and puts the grouped rows together. Managers see
their own team, admins any team; a rep sees their own report.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from coach.errors import PermissionDenied
from coach.services import actors, scope
from coach.services import training as training_service
from coach.services.runtime import Runtime
from coach.store.repositories import analytics as analytics_repo
from coach.store.repositories.analytics import Who
from coach.training.periods import Period
from coach.training.status import DrillStatus


class Record(BaseModel):
    """Base of the records this service returns: plain, immutable data."""

    model_config = ConfigDict(frozen=True)


class WeekCount(Record):
    """Sessions a rep started in one week (Monday, UTC)."""

    week: str
    sessions: int


class RepVolume(Record):
    """How much a rep practised: per week, and in total against the previous period."""

    rep: str
    sessions: int
    scored: int
    previous: int
    change: int
    weeks: list[WeekCount]


class WeekScore(Record):
    """A rep's average final score on a scenario in one week."""

    week: str
    average: float
    sessions: int


class ScoreTrend(Record):
    """A rep's average score on a scenario, by week and against the previous period."""

    rep: str
    scenario_id: str
    average: float
    sessions: int
    previous: float | None
    change: float | None
    weeks: list[WeekScore]


class MentionRate(Record):
    """Share of scored sessions in which a key point was hit (the headline metric)."""

    rep: str | None
    scenario_id: str
    key_point_id: str
    sessions: int
    hits: int
    partials: int
    rate: float
    previous: float | None
    change: float | None


class WeakPoint(Record):
    """One of a rep's least-hit key points."""

    rep: str
    scenario_id: str
    key_point_id: str
    sessions: int
    hits: int
    rate: float


class Leader(Record):
    """A place on the leaderboard: average of the rep's last N scored sessions."""

    rank: int
    rep: str
    average: float
    sessions: int
    previous: float | None


class DrillCompletion(Record):
    """How a drill assignment stands across the reps it reaches."""

    assignment_id: int
    drill_id: int
    title: str
    due_at: datetime | None
    assigned: int
    passed: int
    failed: int
    in_progress: int
    not_started: int
    overdue: int
    completion: float


class StickingPoint(Record):
    """How much more often a key point was hit in AI-customer calls that ended in agreement.

    ``lift`` is the hit rate in agreed calls minus the rate in hung-up calls; the counts
    say how much data it rests on.
    """

    scenario_id: str
    key_point_id: str
    agreed_calls: int
    agreed_hits: int
    hung_up_calls: int
    hung_up_hits: int
    agreed_rate: float | None
    hung_up_rate: float | None
    lift: float | None


class Report(Record):
    """Everything the team dashboard (or a rep's own page) shows, for one period."""

    scope: str
    name: str
    period: dict[str, str]
    previous_period: dict[str, str]
    volume: list[RepVolume]
    scores: list[ScoreTrend]
    mention_rates: list[MentionRate]
    mention_rates_by_rep: list[MentionRate]
    weakest: list[WeakPoint]
    leaderboard: list[Leader]
    drills: list[DrillCompletion]
    sticking_points: list[StickingPoint]


def _rate(hits: int, n: int) -> float | None:
    return hits / n if n else None


def _diff(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _volume(session: Session, who: Who, period: Period) -> list[RepVolume]:
    weeks: dict[str, list[WeekCount]] = defaultdict(list)
    for rep, week, n in analytics_repo.volume_by_week(session=session, who=who, period=period):
        weeks[rep].append(WeekCount(week=week, sessions=n))
    now = analytics_repo.volume_by_rep(session=session, who=who, period=period)
    before = analytics_repo.volume_by_rep(session=session, who=who, period=period.previous())
    out = []
    for rep in sorted(set(now) | set(before)):
        n, scored = now.get(rep, (0, 0))
        prev = before.get(rep, (0, 0))[0]
        out.append(
            RepVolume(
                rep=rep, sessions=n, scored=scored, previous=prev, change=n - prev, weeks=weeks[rep]
            )
        )
    return out


def _scores(session: Session, who: Who, period: Period) -> list[ScoreTrend]:
    weeks: dict[tuple[str, str], list[WeekScore]] = defaultdict(list)
    for rep, scenario, week, avg, n in analytics_repo.score_by_week(
        session=session, who=who, period=period
    ):
        weeks[(rep, scenario)].append(WeekScore(week=week, average=round(avg, 2), sessions=n))
    now = analytics_repo.score_by_rep_scenario(session=session, who=who, period=period)
    before = analytics_repo.score_by_rep_scenario(
        session=session, who=who, period=period.previous()
    )
    out = []
    for key in sorted(now):
        avg, n = now[key]
        prev = before.get(key, (None, 0))[0]
        out.append(
            ScoreTrend(
                rep=key[0],
                scenario_id=key[1],
                average=round(avg, 2),
                sessions=n,
                previous=round(prev, 2) if prev is not None else None,
                change=round(avg - prev, 2) if prev is not None else None,
                weeks=weeks[key],
            )
        )
    return out


def _mentions(
    session: Session, who: Who, period: Period
) -> tuple[list[MentionRate], list[MentionRate]]:
    """Per-rep rates from the database; the team's are their sums (grouped rows, not sessions)."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    before_totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    before: dict[tuple[str | None, str, str], float | None] = {}
    for rep, sc, kp, n, h, _ in analytics_repo.mention_rates(
        session=session, who=who, period=period.previous(), per_rep=True
    ):
        before[(rep, sc, kp)] = _rate(h, n)
        before_totals[(sc, kp)][0] += n
        before_totals[(sc, kp)][1] += h
    by_rep = []
    for rep, sc, kp, n, h, p in analytics_repo.mention_rates(
        session=session, who=who, period=period, per_rep=True
    ):
        total = totals[(sc, kp)]
        total[0], total[1], total[2] = total[0] + n, total[1] + h, total[2] + p
        by_rep.append(_mention(rep, sc, kp, n, h, p, before.get((rep, sc, kp))))
    team = []
    for (sc, kp), (n, h, p) in sorted(totals.items()):
        prev = before_totals.get((sc, kp))
        team.append(_mention(None, sc, kp, n, h, p, _rate(prev[1], prev[0]) if prev else None))
    return team, by_rep


def _mention(
    rep: str | None, sc: str, kp: str, n: int, h: int, p: int, prev: float | None
) -> MentionRate:
    rate = h / n
    return MentionRate(
        rep=rep,
        scenario_id=sc,
        key_point_id=kp,
        sessions=n,
        hits=h,
        partials=p,
        rate=rate,
        previous=prev,
        change=_diff(rate, prev),
    )


def _leaders(
    session: Session, who: Who, period: Period, last_n: int, min_sessions: int
) -> list[Leader]:
    before = {
        rep: avg
        for rep, avg, _ in analytics_repo.leaderboard(
            session=session, who=who, period=period.previous(), last_n=last_n, min_sessions=1
        )
    }
    return [
        Leader(rank=i, rep=rep, average=round(avg, 2), sessions=n, previous=before.get(rep))
        for i, (rep, avg, n) in enumerate(
            analytics_repo.leaderboard(
                session=session, who=who, period=period, last_n=last_n, min_sessions=min_sessions
            ),
            start=1,
        )
    ]


def _drills(statuses: list[training_service.RepStatus]) -> list[DrillCompletion]:
    groups: dict[int, list[training_service.RepStatus]] = defaultdict(list)
    for row in statuses:
        groups[row.assignment_id].append(row)
    out = []
    for assignment_id, rows in groups.items():
        count = {status: sum(r.status == status for r in rows) for status in DrillStatus}
        out.append(
            DrillCompletion(
                assignment_id=assignment_id,
                drill_id=rows[0].drill_id,
                title=rows[0].title,
                due_at=rows[0].due_at,
                assigned=len(rows),
                passed=count[DrillStatus.PASSED],
                failed=count[DrillStatus.FAILED],
                in_progress=count[DrillStatus.IN_PROGRESS],
                not_started=count[DrillStatus.NOT_STARTED],
                overdue=count[DrillStatus.OVERDUE],
                completion=count[DrillStatus.PASSED] / len(rows),
            )
        )
    return out


def _sticking(session: Session, who: Who, period: Period) -> list[StickingPoint]:
    out = []
    for sc, kp, agreed, agreed_hits, hung, hung_hits in analytics_repo.sticking_points(
        session=session, who=who, period=period
    ):
        a, h = _rate(agreed_hits, agreed), _rate(hung_hits, hung)
        out.append(
            StickingPoint(
                scenario_id=sc,
                key_point_id=kp,
                agreed_calls=agreed,
                agreed_hits=agreed_hits,
                hung_up_calls=hung,
                hung_up_hits=hung_hits,
                agreed_rate=a,
                hung_up_rate=h,
                lift=_diff(a, h),
            )
        )
    # Most separating first; points seen in only one outcome go last.
    return sorted(
        out, key=lambda p: (p.lift is None, -(p.lift or 0), p.scenario_id, p.key_point_id)
    )


def _report(
    session: Session,
    who: Who,
    period: Period,
    *,
    kind: str,
    name: str,
    statuses: list[training_service.RepStatus],
    last_n: int,
    min_sessions: int,
    weakest: int,
) -> Report:
    team_rates, rep_rates = _mentions(session, who, period)
    return Report(
        scope=kind,
        name=name,
        period=period.as_dict(),
        previous_period=period.previous().as_dict(),
        volume=_volume(session, who, period),
        scores=_scores(session, who, period),
        mention_rates=team_rates,
        mention_rates_by_rep=rep_rates,
        weakest=[
            WeakPoint(rep=r, scenario_id=sc, key_point_id=kp, sessions=n, hits=h, rate=h / n)
            for r, sc, kp, n, h in analytics_repo.weakest_points(
                session=session, who=who, period=period, per_rep=weakest
            )
        ],
        leaderboard=_leaders(session, who, period, last_n, min_sessions),
        drills=_drills(statuses),
        sticking_points=_sticking(session, who, period),
    )


def team_report(
    runtime: Runtime,
    *,
    actor: str,
    team: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    last_n: int = 5,
    min_sessions: int = 3,
    weakest: int = 3,
    now: datetime | None = None,
) -> Report:
    """A team's dashboard for ``[since, until)`` (default: the last 28 days); managers, admins."""
    period = Period.of(since, until, now=now)
    if last_n < 1 or min_sessions < 1 or weakest < 1:
        raise ValueError("--last, --min-sessions and --weakest must be at least 1")
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        scope.require_role(who, scope.MANAGERS, "read team analytics")
        row = scope.team(session, who, team)
        statuses = training_service.statuses_in_scope(session, who, now=now, team_ids=[row.id])
        return _report(
            session,
            Who(team_id=row.id),
            period,
            kind="team",
            name=row.name,
            statuses=statuses,
            last_n=last_n,
            min_sessions=min_sessions,
            weakest=weakest,
        )


def rep_report(
    runtime: Runtime,
    *,
    actor: str,
    rep: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    last_n: int = 5,
    weakest: int = 3,
    now: datetime | None = None,
) -> Report:
    """One rep's report: for the rep themselves, their team's manager, or an admin."""
    period = Period.of(since, until, now=now)
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        user = scope.user(session, who, rep)
        if user.id != who.user_id and who.role not in scope.MANAGERS:
            raise PermissionDenied(f"a {who.role.value} may not read {user.username}'s scores")
        team_ids = [user.team_id] if user.team_id is not None else []
        statuses = [
            s
            for s in training_service.statuses_in_scope(session, who, now=now, team_ids=team_ids)
            if s.rep == user.username
        ]
        return _report(
            session,
            Who(user_id=user.id),
            period,
            kind="rep",
            name=user.username,
            statuses=statuses,
            last_n=last_n,
            min_sessions=1,
            weakest=weakest,
        )


def drill_completion(runtime: Runtime, *, actor: str, team: str) -> list[DrillCompletion]:
    """The completion table of a team's drills (trainers and managers of it, admins)."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        who = actors.resolve(session, actor)
        scope.require_role(who, scope.COACHES, "read drill completion")
        row = scope.team(session, who, team)
        return _drills(training_service.statuses_in_scope(session, who, team_ids=[row.id]))

"""Team analytics benchmark: every query of a manager's dashboard on a year of history.

Generates a realistic history, bulk-loads it into a SQLite file and into a private
PostgreSQL cluster (started on 127.0.0.1 and stopped at the end), then times each
analytics function a manager's team dashboard uses (``team_report`` and each of its
parts, ``rep_report``, drill completion), the CSV exports of a team's year, and the whole
team dashboard page as the Team tab renders it (``ui.pages.team.show``: every query, the
plots and the tables, server side; the "dashboard page" rows, at least 5 renders): median
and p95 over repeated runs. Targets (issue 11): every dashboard query p95 < 200 ms on
PostgreSQL at full size, the dashboard page < 1 s.

Full size (the default, several minutes)::

    .venv/bin/python -m bench.analytics_bench --reps 500 --teams 50 --sessions 200000 \\
        --points-per-session 7.5

``--quick`` (what ``bench/run`` uses) runs a small history so the one-command bench run
stays short. ``--explain`` prints the plan of the slowest statement of each query that misses
the target (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite; ``--explain
all``: of every query); ``--only sqlite|postgres`` times one database.

The history: reps differ in volume (log-normal) and skill; skill grows over the year
with practice, so scores trend up; each session's key points are hit with a probability
from the rep's skill and the point's difficulty; AI-customer (freeform) calls end in
agreement mostly when the required points were hit, else in a hang-up. A few scores and
key points carry a manager's override, and each team has drills (one an exam).
Results go to bench/results/analytics.json.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection

from bench.common import write_results
from coach.content.catalog import load_catalog
from coach.services import actors, analytics, exports, setup
from coach.services import training as training_service
from coach.services.runtime import Runtime, open_runtime
from coach.settings import Settings
from coach.store.models import (
    AssignmentRow,
    DrillRow,
    KeyPointOverrideRow,
    KeyPointResultRow,
    PracticeSessionRow,
    ScorecardRow,
    TeamRow,
    UserRow,
)
from coach.store.repositories import analytics as repo
from coach.store.repositories.analytics import Who
from coach.training.periods import Period

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200.0
PAGE_TARGET_MS = 1000.0
"""The team dashboard page, rendered whole on the server (issue 11: under 1 s)."""
PAGE = "dashboard page"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MODES = (("freeform", 0.6), ("scripted", 0.2), ("recitation", 0.1), ("readalong", 0.1))
CHUNK = 50_000
COMPLETED = 0.93
# Ids of generated rows start past whatever the seed content created.
TEAM_BASE, USER_BASE, DRILL_BASE = 1000, 10_000, 1000


@dataclass
class History:
    """Generated rows, ready for a bulk insert (one dict per row, by table)."""

    teams: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    drills: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _when(rnd: random.Random) -> datetime:
    """A working-hours moment in the last year, weekdays far likelier than weekends."""
    while True:
        day = NOW - timedelta(days=rnd.randrange(365))
        if day.weekday() < 5 or rnd.random() < 0.15:
            break
    minute = rnd.randrange(8 * 60, 19 * 60)
    return day.replace(hour=minute // 60, minute=minute % 60, second=rnd.randrange(60))


def generate(
    *, reps: int, teams: int, sessions: int, points_per_session: float, seed: int = 7
) -> History:
    """A year of practice for ``reps`` reps in ``teams`` teams (plus one manager each)."""
    rnd = random.Random(seed)
    catalog = load_catalog([ROOT / "seeds"])
    scenarios = sorted(catalog.scenarios.values(), key=lambda s: s.id)
    full = statistics.mean(len(s.key_points) for s in scenarios)
    # Monologue-style or cut-short sessions score 3-5 points, the rest every point; only
    # completed sessions (COMPLETED of them) have a scorecard.
    per_card = points_per_session / COMPLETED
    share_full = min(1.0, max(0.0, (per_card - 4.0) / (full - 4.0)))
    difficulty = {(s.id, k.id): rnd.gauss(0.3, 0.9) for s in scenarios for k in s.key_points}
    h = History()
    for t in range(teams):
        h.teams.append(
            {
                "id": TEAM_BASE + t + 1,
                "name": f"bench-team-{t + 1:02d}",
                "description": "",
                "created_at": NOW,
            }
        )
        h.users.append(
            _user(USER_BASE + t + 1, f"bench-mgr-{t + 1:02d}", "manager", TEAM_BASE + t + 1)
        )
    rep_ids, skill, learn, weight, team_of = [], {}, {}, [], {}
    for r in range(reps):
        uid = USER_BASE + len(h.users) + 1
        team = TEAM_BASE + r % teams + 1
        h.users.append(_user(uid, f"bench-rep-{r + 1:04d}", "rep", team))
        rep_ids.append(uid)
        skill[uid] = rnd.gauss(0.0, 0.8)
        learn[uid] = max(0.0, rnd.gauss(0.8, 0.5))
        weight.append(rnd.lognormvariate(0.0, 0.8))
        team_of[uid] = team
    # Each team practises mostly one or two scenarios.
    focus = {TEAM_BASE + t + 1: rnd.choices(range(len(scenarios)), k=2) for t in range(teams)}
    owners = rnd.choices(rep_ids, weights=weight, k=sessions)
    starts = sorted(((_when(rnd), uid) for uid in owners), key=lambda p: p[0])
    kp_id = 0
    for n, (start, uid) in enumerate(starts, start=1):
        sid = f"b{n:09d}"
        pick = focus[team_of[uid]][0] if rnd.random() < 0.6 else rnd.randrange(len(scenarios))
        if rnd.random() < 0.25:
            pick = focus[team_of[uid]][1]
        scenario = scenarios[pick]
        mode = rnd.choices([m for m, _ in MODES], weights=[w for _, w in MODES])[0]
        progress = 1.0 - (NOW - start).days / 365.0
        ability = skill[uid] + learn[uid] * progress
        status = "completed" if rnd.random() < COMPLETED else rnd.choice(("abandoned", "active"))
        row = {
            "id": sid,
            "user_id": uid,
            "scenario_id": scenario.id,
            "persona_id": rnd.choice(scenario.personas) if scenario.personas else None,
            "assignment_id": None,
            "mode": mode,
            "language": scenario.language,
            "status": status,
            "ended_by": None,
            "engine": "builtin",
            "seed": None,
            "state": {},
            "started_at": start,
            "ended_at": start + timedelta(seconds=rnd.randrange(120, 1200)),
        }
        h.sessions.append(row)
        if status != "completed":
            row["ended_at"] = None if status == "active" else row["ended_at"]
            continue
        points = scenario.key_points
        if rnd.random() >= share_full:
            points = points[: rnd.randint(3, 5)]
        hit_required, got = True, 0.0
        for pos, kp in enumerate(points):
            p = _sigmoid(ability - difficulty[(scenario.id, kp.id)] + 0.6)
            u = rnd.random()
            st = "hit" if u < p else "partial" if u < p + (1 - p) * 0.35 else "missed"
            got += 1.0 if st == "hit" else 0.5 if st == "partial" else 0.0
            if kp.required and st != "hit":
                hit_required = False
            kp_id += 1
            h.points.append(
                {
                    "id": kp_id,
                    "scorecard_id": n,
                    "position": pos,
                    "key_point_id": kp.id,
                    "stage": kp.stage or "",
                    "status": st,
                    "evidence": "rep: …" if st != "missed" else None,
                    "turn_index": pos * 2 + 1 if st != "missed" else None,
                    "weight": 1.0,
                }
            )
            if rnd.random() < 0.002:
                h.overrides.append(
                    {
                        "session_id": sid,
                        "key_point_id": kp.id,
                        "status": "hit" if st != "hit" else "partial",
                        "comment": "reviewed",
                        "override_by": team_of[uid] - TEAM_BASE + USER_BASE,
                        "override_at": start + timedelta(days=1),
                    }
                )
        if mode == "freeform":
            agreed = rnd.random() < (0.85 if hit_required else 0.12)
            row["ended_by"] = "agreement" if agreed else "hangup" if rnd.random() < 0.8 else "rep"
        else:
            row["ended_by"] = "rep"
        score = 100.0 * got / len(points) * 0.85 + rnd.gauss(10.0, 5.0)
        h.scorecards.append(
            {
                "id": n,
                "session_id": sid,
                "score": round(min(100.0, max(0.0, score)), 1),
                "stage_scores": {},
                "delivery": {},
                "compliance": [],
                "feedback": {},
                "result": {},
                "override_score": round(score, 1) if rnd.random() < 0.005 else None,
                "override_comment": None,
                "override_by": None,
                "override_at": None,
                "created_at": start,
            }
        )
    _drills(h, rnd, scenarios, teams)
    return h


def _user(uid: int, name: str, role: str, team: int) -> dict[str, Any]:
    return {
        "id": uid,
        "username": name,
        "display_name": name,
        "password_hash": "x",
        "role": role,
        "team_id": team,
        "language": "en",
        "ui_language": None,
        "is_active": True,
        "is_demo": False,
        "created_at": NOW - timedelta(days=400),
    }


def _drills(h: History, rnd: random.Random, scenarios: list[Any], teams: int) -> None:
    """Four drills per team (the last an exam), assigned to the team through the year."""
    by_id = {s["id"]: s for s in h.sessions}
    team_of = {u["id"]: u["team_id"] for u in h.users}
    reps_in: dict[int, int] = {}
    for u in h.users:
        if u["role"] == "rep":
            reps_in[u["team_id"]] = reps_in.get(u["team_id"], 0) + 1
    freeform: dict[int, list[dict[str, Any]]] = {}
    for s in h.sessions:
        if s["mode"] == "freeform" and s["status"] == "completed":
            freeform.setdefault(team_of[s["user_id"]], []).append(s)
    for t in range(TEAM_BASE + 1, TEAM_BASE + teams + 1):
        manager = t - TEAM_BASE + USER_BASE
        for d in range(4):
            exam = d == 3
            scenario = rnd.choice(scenarios)
            drill_id = DRILL_BASE + len(h.drills) + 1
            given = NOW - timedelta(days=rnd.randrange(20, 300))
            h.drills.append(
                {
                    "id": drill_id,
                    "title": f"Drill {d + 1} of team {t}",
                    "scenario_id": scenario.id,
                    "persona_id": None,
                    "mode": "freeform",
                    "target_score": 70.0,
                    "exam": exam,
                    "max_attempts": 3 if exam else None,
                    "certification": exam,
                    "team_id": t,
                    "note": "",
                    "created_by": manager,
                    "created_at": given,
                }
            )
            assignment_id = DRILL_BASE + len(h.assignments) + 1
            h.assignments.append(
                {
                    "id": assignment_id,
                    "kind": "drill",
                    "title": f"Drill {d + 1} of team {t}",
                    "scenario_id": scenario.id,
                    "persona_id": None,
                    "mode": "freeform",
                    "target_score": 70.0,
                    "clip_id": None,
                    "assigned_by": manager,
                    "assignee_user_id": None,
                    "assignee_team_id": t,
                    "due_at": given + timedelta(days=14),
                    "note": "",
                    "created_at": given,
                    "drill_id": drill_id,
                }
            )
            if exam:
                # Exam attempts are the sessions started for the assignment.
                taken = [
                    s["id"]
                    for s in freeform.get(t, [])
                    if given <= s["started_at"] < given + timedelta(days=14)
                ]
                for sid in rnd.sample(taken, k=min(len(taken), 2 * reps_in.get(t, 0))):
                    by_id[sid]["assignment_id"] = assignment_id


# --- loading -------------------------------------------------------------------------------

TABLES: tuple[tuple[str, Any], ...] = (
    ("teams", TeamRow),
    ("users", UserRow),
    ("drills", DrillRow),
    ("assignments", AssignmentRow),
    ("sessions", PracticeSessionRow),
    ("scorecards", ScorecardRow),
    ("points", KeyPointResultRow),
    ("overrides", KeyPointOverrideRow),
)


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def _copy_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return value


def load(rt: Runtime, h: History) -> None:
    """Bulk insert: executemany on SQLite, COPY on PostgreSQL."""
    with rt.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            _copy_all(conn, h)
        else:
            for attr, model in TABLES:
                for chunk in _chunks(getattr(h, attr)):
                    conn.execute(insert(model), chunk)
    if rt.engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load: statistics and the visibility map.
        with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _copy_all(conn: Connection, h: History) -> None:
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        for attr, model in TABLES:
            rows = getattr(h, attr)
            if not rows:
                continue
            columns = list(rows[0])
            table = model.__tablename__
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_copy_value(row[c]) for c in columns])
            if "id" in columns and isinstance(rows[0]["id"], int):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )


# --- timing --------------------------------------------------------------------------------


@dataclass
class Timed:
    """One query's samples in milliseconds, and the SQL of its slowest statement."""

    samples: list[float]
    statements: list[tuple[float, str, Any]]

    def summary(self) -> dict[str, float]:
        """Median, p95 and min, in milliseconds."""
        s = sorted(self.samples)
        p95 = s[min(len(s) - 1, math.ceil(len(s) * 0.95) - 1)]
        return {
            "median_ms": round(statistics.median(s), 2),
            "p95_ms": round(p95, 2),
            "min_ms": round(s[0], 2),
            "runs": len(s),
            # Per run: how many SQL statements, and the time spent in them (the rest is Python).
            "statements": round(len(self.statements) / len(s), 1),
            "sql_ms": round(sum(t for t, _, _ in self.statements) / len(s), 2),
        }


def _time(rt: Runtime, fn: Callable[[], object], repeat: int) -> Timed:
    """Run ``fn`` once to warm up, then ``repeat`` times; note each SQL statement's time."""
    fn()
    statements: list[tuple[float, str, Any]] = []
    started: list[float] = []

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        statements.append(((time.perf_counter() - started.pop()) * 1000, sql, params))

    event.listen(rt.engine, "before_cursor_execute", before)
    event.listen(rt.engine, "after_cursor_execute", after)
    samples = []
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        event.remove(rt.engine, "before_cursor_execute", before)
        event.remove(rt.engine, "after_cursor_execute", after)
    return Timed(samples, statements)


def _in_session(rt: Runtime, fn: Callable[[Any], object]) -> Callable[[], object]:
    def run() -> object:
        with rt.transaction() as session:
            out = fn(session)
            return list(out) if isinstance(out, Iterator) else out

    return run


def queries(rt: Runtime, team: TeamRow, manager: str, rep: str) -> dict[str, Callable[[], object]]:
    """Every dashboard query, by name: the report's parts over a year, and the whole reports."""
    who = Who(team_id=team.id)
    year = Period(NOW - timedelta(days=365), NOW)
    month = Period(NOW - timedelta(days=28), NOW)

    def part(fn: Callable[..., object], **kw: Any) -> Callable[[], object]:
        return _in_session(rt, lambda s: fn(session=s, who=who, period=year, **kw))

    return {
        "volume_by_week (year)": part(repo.volume_by_week),
        "volume_by_rep (year)": part(repo.volume_by_rep),
        "score_by_week (year)": part(repo.score_by_week),
        "score_by_rep_scenario (year)": part(repo.score_by_rep_scenario),
        "mention_rates team (year)": part(repo.mention_rates),
        "mention_rates per rep (year)": part(repo.mention_rates, per_rep=True),
        "weakest_points (year)": part(repo.weakest_points),
        "leaderboard (year)": part(repo.leaderboard),
        "sticking_points (year)": part(repo.sticking_points),
        "sticking_points (28 days)": _in_session(
            rt, lambda s: repo.sticking_points(session=s, who=who, period=month)
        ),
        "drill statuses": _in_session(rt, lambda s: _statuses(s, manager, team.id)),
        "team_report (28 days)": lambda: analytics.team_report(
            rt, actor=manager, team=team.name, since=month.since, until=NOW, now=NOW
        ),
        "team_report (90 days)": lambda: analytics.team_report(
            rt, actor=manager, team=team.name, since=NOW - timedelta(days=90), until=NOW, now=NOW
        ),
        "team_report (year)": lambda: analytics.team_report(
            rt, actor=manager, team=team.name, since=year.since, until=NOW, now=NOW
        ),
        "rep_report (year)": lambda: analytics.rep_report(
            rt, actor=manager, rep=rep, since=year.since, until=NOW, now=NOW
        ),
        "drill_completion": lambda: analytics.drill_completion(rt, actor=manager, team=team.name),
        "CSV sessions (team, year)": lambda: exports.write_csv(
            rt,
            actor=manager,
            kind="sessions",
            team=team.name,
            out=io.StringIO(),
            since=year.since,
            until=NOW,
            now=NOW,
        ),
        "CSV scorecards (team, year)": lambda: exports.write_csv(
            rt,
            actor=manager,
            kind="scorecards",
            team=team.name,
            out=io.StringIO(),
            since=year.since,
            until=NOW,
            now=NOW,
        ),
    }


def dashboard_pages(rt: Runtime, team: TeamRow, manager: str) -> dict[str, Callable[[], object]]:
    """The team dashboard's whole callback (``ui.pages.team.show``), as the Team tab runs it.

    All its queries (the report, certificates, the sessions list) and the building of its
    plots and tables, for the page's shortest and longest period; {} without Gradio.
    """
    try:
        import gradio as gr

        from ui.context import Context
        from ui.pages import team as team_page
    except ImportError:
        return {}
    ctx = Context(runtime=rt, practice=None, language="en")  # type: ignore[arg-type]
    with gr.Blocks():
        page = team_page.build(ctx)

    def render(days: int) -> Callable[[], object]:
        def run() -> object:
            out = team_page.show(ctx, page, manager, team.name, days)
            if out.get(page.notice):
                raise RuntimeError(f"the dashboard refused: {out[page.notice]}")
            return out

        return run

    return {
        f"{PAGE} (28 days)": render(team_page.PERIODS[0]),
        f"{PAGE} (year)": render(team_page.PERIODS[-1]),
    }


def _statuses(session: Any, manager: str, team_id: int) -> object:
    """Drill statuses as ``team_report`` reads them: with the team row loaded in the session."""
    who = actors.resolve(session, manager)
    row = session.get(TeamRow, team_id)  # held, as the service holds it: names come from it
    statuses = training_service.statuses_in_scope(session, who, now=NOW, team_ids=[team_id])
    del row
    return statuses


def explain(rt: Runtime, timed: Timed) -> str:
    """The plan of the slowest statement a query ran (EXPLAIN ANALYZE on PostgreSQL)."""
    ms, sql, params = max(timed.statements, key=lambda s: s[0])
    with rt.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        if conn.dialect.name == "sqlite":
            rows = raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plan = "\n".join(f"{r[0]:>4} {r[1]:>4} {r[3]}" for r in rows)
        else:
            with raw.cursor() as cur:
                cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(r[0] for r in cur.fetchall())
    return f"-- slowest statement ({ms:.1f} ms):\n{sql}\n{plan}"


# --- main ----------------------------------------------------------------------------------


def bench_database(
    label: str, url: str, data: Path, h: History, repeat: int, explain_mode: str | None
) -> dict[str, Any]:
    """Load the history into one database and time every query on it."""
    rt = open_runtime(Settings(data_dir=data, database_url=url))
    setup.initialise(rt, seeds=ROOT / "seeds")
    start = time.perf_counter()
    load(rt, h)
    load_s = time.perf_counter() - start
    print(f"{label}: loaded in {load_s:.1f} s")
    with rt.transaction() as s:
        # The median-sized team, its manager and its busiest rep.
        sizes: dict[int, int] = dict(
            s.execute(
                select(UserRow.team_id, text("count(*)"))
                .select_from(PracticeSessionRow)
                .join(UserRow, UserRow.id == PracticeSessionRow.user_id)
                .where(UserRow.username.like("bench-%"))
                .group_by(UserRow.team_id)
            ).all()
        )
        team_id = sorted(sizes, key=lambda t: sizes[t])[len(sizes) // 2]
        team = s.get(TeamRow, team_id)
        assert team is not None
        s.expunge(team)
        manager = s.scalar(
            select(UserRow.username).where(UserRow.team_id == team_id, UserRow.role == "manager")
        )
        rep = s.scalar(
            select(UserRow.username)
            .join(PracticeSessionRow, PracticeSessionRow.user_id == UserRow.id)
            .where(UserRow.team_id == team_id, UserRow.role == "rep")
            .group_by(UserRow.username)
            .order_by(text("count(*) DESC"))
            .limit(1)
        )
    assert manager and rep
    print(f"{label}: team {team.name} ({sizes[team_id]} sessions in the year), rep {rep}")
    out: dict[str, Any] = {
        "load_s": round(load_s, 1),
        "team": team.name,
        "team_sessions": sizes[team_id],
        "queries": {},
    }
    timed_fns = {**queries(rt, team, manager, rep), **dashboard_pages(rt, team, manager)}
    for name, fn in timed_fns.items():
        page = name.startswith(PAGE)
        runs = (
            max(5, repeat // 2)
            if page
            else (repeat if not name.startswith("CSV") else max(3, repeat // 4))
        )
        timed = _time(rt, fn, runs)
        summary = timed.summary()
        out["queries"][name] = summary
        target = PAGE_TARGET_MS if page else TARGET_MS
        flag = "" if summary["p95_ms"] < target else "  > target"
        print(
            f"{label:<10} {name:<30} median {summary['median_ms']:8.1f} ms"
            f"   p95 {summary['p95_ms']:8.1f} ms   ({summary['statements']:.0f} statements, "
            f"{summary['sql_ms']:.1f} ms in SQL){flag}",
            flush=True,
        )
        if explain_mode == "all" or (explain_mode == "miss" and flag):
            print(explain(rt, timed))
    rt.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """Generate, load, time; print the table and write bench/results/analytics.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--points-per-session", type=float, default=7.5)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--quick", action="store_true", help="small sizes (for bench/run)")
    parser.add_argument("--explain", nargs="?", const="miss", choices=("miss", "all"))
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="time one database")
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.teams, args.sessions, args.repeat = 20, 2, 2_000, 5
    if args.reps < args.teams or args.teams < 1 or args.sessions < 1:
        parser.error("need at least one team, one rep per team and one session")

    start = time.perf_counter()
    h = generate(
        reps=args.reps,
        teams=args.teams,
        sessions=args.sessions,
        points_per_session=args.points_per_session,
    )
    gen_s = time.perf_counter() - start
    print(
        f"generated {len(h.sessions)} sessions, {len(h.scorecards)} scorecards, "
        f"{len(h.points)} key-point results ({len(h.points) / len(h.scorecards):.1f} per "
        f"scorecard), {len(h.overrides)} overrides, {args.reps} reps in {args.teams} teams "
        f"in {gen_s:.1f} s"
    )
    results: dict[str, Any] = {
        "size": {
            "reps": args.reps,
            "teams": args.teams,
            "sessions": len(h.sessions),
            "key_point_results": len(h.points),
            "quick": args.quick,
        },
        "generate_s": round(gen_s, 1),
        "target_p95_ms": TARGET_MS,
        "page_target_p95_ms": PAGE_TARGET_MS,
    }
    if args.only == "postgres":
        results["sqlite"] = {"skipped": "--only postgres"}
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"] = bench_database(
                "SQLite", f"sqlite:///{tmp}/bench.db", Path(tmp), h, args.repeat, args.explain
            )
    if args.only == "sqlite":
        results["postgres"] = {"skipped": "--only sqlite"}
    else:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import start_cluster

        try:
            cluster = start_cluster()
        except (FileNotFoundError, RuntimeError) as exc:
            print(f"PostgreSQL: skipped ({exc})")
            results["postgres"] = {"skipped": str(exc)}
        else:
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    results["postgres"] = bench_database(
                        "PostgreSQL",
                        cluster.new_database(),
                        Path(tmp),
                        h,
                        args.repeat,
                        args.explain,
                    )
            finally:
                cluster.stop()
    _table(results)
    path = write_results("analytics", results)
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


def _table(results: dict[str, Any]) -> None:
    sq, pg = results["sqlite"].get("queries", {}), results["postgres"].get("queries", {})
    print(f"\n{'query':<30} {'SQLite med':>11} {'p95':>9} {'PG med':>9} {'p95':>9}")
    for name in sq or pg:
        s = sq.get(name, {})
        p = pg.get(name, {})
        print(
            f"{name:<30} {s.get('median_ms', float('nan')):>11.1f} "
            f"{s.get('p95_ms', float('nan')):>9.1f} "
            f"{p.get('median_ms', float('nan')):>9.1f} {p.get('p95_ms', float('nan')):>9.1f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())

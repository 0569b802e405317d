"""The demo team's practice history: real calls, scored, dated back, shown on the dashboard."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coach.services import accounts, analytics, coaching, training
from coach.services.accounts import LoginError
from coach.services.demo_history import DEMO_REPS, WEAK_LINES, rep_lines, seed_demo_history
from coach.store.models import CertificateRow, PracticeSessionRow, TurnRow
from tests.conftest import production_view

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_the_demo_team_gets_weeks_of_scored_calls_once(seeded_runtime):
    runtime = seeded_runtime
    report = seed_demo_history(runtime, sessions_per_rep=2, days=21, now=NOW)
    assert report.skipped is None
    assert report.sessions == 2 * len(DEMO_REPS) and report.drills == 2
    assert sorted(report.users_added) == ["jordan", "sam", "wang-fang", "zhao-lei"]
    assert "12 practice sessions" in report.line()

    with runtime.transaction() as session:
        rows = session.scalars(select(PracticeSessionRow)).all()
        assert len(rows) == 12
        for row in rows:
            # Every call ran through the practice service and was scored, then dated back.
            assert row.status == "completed" and row.scorecard is not None
            assert row.language in ("en", "zh")
            started, ended = _aware(row.started_at), _aware(row.ended_at)
            assert NOW - timedelta(days=22) < started < ended < NOW
            turns = sorted(row.turns, key=lambda t: t.index)
            assert turns[0].speaker == "customer" and any(t.speaker == "rep" for t in turns)
            assert all(started <= _aware(t.created_at) <= ended for t in turns)
            assert _aware(row.scorecard.created_at) == ended
        for cert in session.scalars(select(CertificateRow)):
            assert _aware(cert.certified_at) < NOW
        turns_before = session.scalar(select(func.count(TurnRow.id)))

    # The manager's dashboard shows every rep of the team, with the drills given to them.
    dashboard = analytics.team_report(
        runtime, actor="manager", team="Demo Team", since=NOW - timedelta(days=28), now=NOW
    )
    assert {v.rep: v.sessions for v in dashboard.volume} == {r.username: 2 for r in DEMO_REPS}
    assert dashboard.mention_rates and all(0 <= m.rate <= 1 for m in dashboard.mention_rates)
    assert len(dashboard.drills) == len(DEMO_REPS)  # one certification per rep's language
    # The two reps who sign in find a comment from the manager; History lists their calls.
    for rep in ("rep", "rep-zh"):
        notes = coaching.coaching_for_me(runtime, actor=rep)
        assert len(notes) == 1 and notes[0].author == "manager"
        assert len(training.my_drills(runtime, actor=rep, now=NOW)) == 1
    assert "客户说出顾虑" in coaching.coaching_for_me(runtime, actor="rep-zh")[0].body

    again = seed_demo_history(runtime, sessions_per_rep=2, now=NOW)
    assert again.skipped and "practised already" in again.line()
    with runtime.transaction() as session:
        assert session.scalar(select(func.count(TurnRow.id))) == turns_before


def test_the_added_teammates_cannot_sign_in(seeded_runtime):
    seed_demo_history(seeded_runtime, sessions_per_rep=1, now=NOW)
    for name in ("jordan", "wang-fang"):
        for guess in ("demo-rep-pass", name, ""):
            with pytest.raises(LoginError):
                accounts.authenticate(seeded_runtime, username=name, password=guess)


def test_outside_dev_mode_nothing_is_added(seeded_runtime):
    prod = production_view(seeded_runtime)
    try:
        report = seed_demo_history(prod, now=NOW)
        assert report.skipped and "dev mode" in report.line()
        with prod.transaction() as session:
            assert session.scalar(select(func.count(PracticeSessionRow.id))) == 0
    finally:
        prod.close()


def test_an_empty_database_says_what_to_run(runtime):
    report = seed_demo_history(runtime, now=NOW)
    assert report.skipped and "coach init" in report.skipped


def test_a_better_rep_keeps_more_of_the_script():
    script = [f"line {n}" for n in range(200)]
    strong = rep_lines(script, WEAK_LINES["en"], 0.9, random.Random(1))
    weak = rep_lines(script, WEAK_LINES["en"], 0.3, random.Random(1))
    kept = {line for line in strong if line.startswith("line")}
    assert len(kept) > 150 > 90 > sum(line.startswith("line") for line in weak)
    assert [line for line in strong if line in kept] == sorted(kept, key=script.index)
    assert rep_lines([], WEAK_LINES["zh"], 0.9, random.Random(1))[0] in WEAK_LINES["zh"]

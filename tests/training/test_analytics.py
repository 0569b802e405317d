"""Team and rep analytics, computed in SQL, on SQLite and PostgreSQL (the ``runtime`` fixture)."""

from datetime import timedelta

import pytest

from coach.errors import NotFoundError, PermissionDenied
from coach.services import analytics, coaching, training
from tests.training.world import NOW, add_session, build

DAY = timedelta(days=1)
MISSED = {"greeting": "hit", "next_step": "missed"}


def monday(moment):
    return (moment - timedelta(days=moment.weekday())).date().isoformat()


@pytest.fixture
def ids(runtime):
    ids = build(runtime)
    ann, bob, sam = ids["ann"], ids["bob"], ids["sam"]
    add_session(runtime, ann, score=60, points=MISSED, started_at=NOW - 2 * DAY)
    add_session(runtime, ann, score=80, points=MISSED, started_at=NOW - 3 * DAY)
    add_session(runtime, ann, score=100, started_at=NOW - 10 * DAY)
    add_session(
        runtime,
        ann,
        score=40,
        points={"greeting": "missed", "next_step": "missed"},
        started_at=NOW - 20 * DAY,
    )
    add_session(
        runtime,
        bob,
        score=50,
        points={"greeting": "hit", "next_step": "partial"},
        started_at=NOW - DAY,
    )
    add_session(runtime, bob, score=None, status="active", started_at=NOW - DAY)
    add_session(runtime, sam, score=90, started_at=NOW - DAY)
    add_session(runtime, sam, score=95, started_at=NOW - 2 * DAY)
    return ids


def _report(runtime, actor="mona", team="North", **kw):
    return analytics.team_report(
        runtime, actor=actor, team=team, since=NOW - 14 * DAY, until=NOW, now=NOW, **kw
    )


def test_volume_per_rep_per_week_with_change(runtime, ids):
    report = _report(runtime)
    volume = {v.rep: v for v in report.volume}
    assert set(volume) == {"ann", "bob"}  # South's sam is not in North's report
    ann = volume["ann"]
    assert (ann.sessions, ann.scored, ann.previous, ann.change) == (3, 3, 1, 2)
    weeks = {}
    for days in (2, 3, 10):
        weeks[monday(NOW - days * DAY)] = weeks.get(monday(NOW - days * DAY), 0) + 1
    assert {w.week: w.sessions for w in ann.weeks} == weeks
    assert (volume["bob"].sessions, volume["bob"].scored, volume["bob"].change) == (2, 1, 2)


def test_score_trend_and_mention_rates(runtime, ids):
    report = _report(runtime)
    trend = {(t.rep, t.scenario_id): t for t in report.scores}
    assert (
        trend["ann", "tiny"].average,
        trend["ann", "tiny"].previous,
        trend["ann", "tiny"].change,
    ) == (80, 40, 40)
    assert trend["bob", "tiny"].previous is None and trend["bob", "tiny"].sessions == 1
    assert sum(w.sessions for w in trend["ann", "tiny"].weeks) == 3
    rates = {m.key_point_id: m for m in report.mention_rates}
    assert (rates["greeting"].sessions, rates["greeting"].hits, rates["greeting"].rate) == (
        4,
        4,
        1.0,
    )
    assert (rates["greeting"].previous, rates["greeting"].change) == (0.0, 1.0)
    assert (rates["next_step"].hits, rates["next_step"].partials, rates["next_step"].rate) == (
        1,
        1,
        0.25,
    )
    by_rep = {(m.rep, m.key_point_id): m.rate for m in report.mention_rates_by_rep}
    assert (
        by_rep[("ann", "next_step")] == pytest.approx(1 / 3) and by_rep[("bob", "next_step")] == 0
    )


def test_weakest_points_and_leaderboard(runtime, ids):
    report = _report(runtime, weakest=1, last_n=2, min_sessions=2)
    assert [(w.rep, w.key_point_id, w.sessions, w.hits) for w in report.weakest] == [
        ("ann", "next_step", 3, 1),
        ("bob", "next_step", 1, 0),
    ]
    # Ann's last two sessions: 60 and 80. Bob has one scored session: below the minimum.
    assert [(r.rank, r.rep, r.average, r.sessions) for r in report.leaderboard] == [
        (1, "ann", 70, 2)
    ]
    loose = _report(runtime, last_n=2, min_sessions=1)
    assert [(r.rep, r.average) for r in loose.leaderboard] == [("ann", 70), ("bob", 50)]
    assert loose.leaderboard[0].previous == 40


def test_overrides_change_the_numbers(runtime, ids):
    sid = add_session(runtime, ids["bob"], score=20, points=MISSED, started_at=NOW - 4 * DAY)
    coaching.override_score(
        runtime, actor="mona", session_id=sid, score=100, comment="Evaluator missed it"
    )
    coaching.override_key_point(
        runtime,
        actor="mona",
        session_id=sid,
        key_point_id="next_step",
        status="hit",
        comment="Booked",
    )
    report = _report(runtime, last_n=5, min_sessions=1)
    assert {r.rep: r.average for r in report.leaderboard}["bob"] == 75  # (50 + 100) / 2
    rates = {m.key_point_id: m for m in report.mention_rates}
    assert (rates["next_step"].sessions, rates["next_step"].hits) == (5, 2)


def test_drill_completion_in_the_report(runtime, ids):
    drill = training.create_drill(
        runtime, actor="tina", scenario_id="tiny", mode="freeform", target_score=70
    )
    training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_team="North", due=NOW + DAY)
    add_session(runtime, ids["ann"], score=75, started_at=NOW)
    (row,) = _report(runtime).drills
    assert (row.assigned, row.passed, row.not_started, row.completion) == (2, 1, 1, 0.5)
    assert analytics.drill_completion(runtime, actor="tina", team="North") == [row]
    assert _report(runtime, actor="max", team="South").drills == []


def test_sticking_points_separate_agreed_from_hung_up_calls(runtime, ids):
    ann = ids["ann"]
    both = {"greeting": "hit", "next_step": "hit"}
    for _ in range(2):
        add_session(runtime, ann, points=both, ended_by="agreement", started_at=NOW - 5 * DAY)
    add_session(
        runtime,
        ann,
        points={"greeting": "missed", "next_step": "hit"},
        ended_by="agreement",
        started_at=NOW - 5 * DAY,
    )
    hung = [
        add_session(runtime, ann, points=MISSED, ended_by="hangup", started_at=NOW - 5 * DAY)
        for _ in range(2)
    ]
    # Not AI-customer outcomes: ended by the rep, or another mode.
    add_session(runtime, ann, points=both, ended_by="rep", started_at=NOW - 5 * DAY)
    add_session(
        runtime, ann, points=both, ended_by="agreement", mode="scripted", started_at=NOW - 5 * DAY
    )
    points = _report(runtime).sticking_points
    assert [
        (p.key_point_id, p.agreed_calls, p.agreed_hits, p.hung_up_calls, p.hung_up_hits)
        for p in points
    ] == [
        ("next_step", 3, 3, 2, 0),
        ("greeting", 3, 2, 2, 2),
    ]
    assert points[0].lift == 1.0 and points[1].lift == pytest.approx(2 / 3 - 1)
    coaching.override_key_point(
        runtime,
        actor="mona",
        session_id=hung[0],
        key_point_id="next_step",
        status="hit",
        comment="It was there",
    )
    assert _report(runtime).sticking_points[0].lift == 0.5


def test_rep_report_is_the_reps_own_numbers(runtime, ids):
    report = analytics.rep_report(
        runtime, actor="ann", rep="ann", since=NOW - 14 * DAY, until=NOW, now=NOW
    )
    assert report.scope == "rep" and [v.rep for v in report.volume] == ["ann"]
    assert [m.rep for m in report.mention_rates_by_rep] == ["ann", "ann"]
    assert [r.rep for r in report.leaderboard] == ["ann"]
    for reader in ("mona", "ada"):
        assert (
            analytics.rep_report(
                runtime, actor=reader, rep="ann", since=NOW - 14 * DAY, until=NOW, now=NOW
            )
            == report
        )


def test_who_may_read_analytics(runtime, ids):
    assert _report(runtime, actor="ada", team="South").volume[0].rep == "sam"
    for actor, team in (
        ("mona", "South"),
        ("max", "North"),
        ("tina", "North"),
        ("ann", "North"),
        ("sam", "South"),
    ):
        with pytest.raises(PermissionDenied):
            _report(runtime, actor=actor, team=team)
    with pytest.raises(PermissionDenied):
        _report(runtime, actor="mona", team="Nowhere")
    with pytest.raises(NotFoundError):
        _report(runtime, actor="ada", team="Nowhere")
    for actor, rep in (
        ("bob", "ann"),
        ("tina", "ann"),
        ("max", "ann"),
        ("sam", "ann"),
        ("theo", "sam"),
    ):
        with pytest.raises(PermissionDenied):
            analytics.rep_report(runtime, actor=actor, rep=rep)
    with pytest.raises(PermissionDenied):
        analytics.drill_completion(runtime, actor="theo", team="North")
    with pytest.raises(PermissionDenied):
        analytics.drill_completion(runtime, actor="ann", team="North")


def test_periods_are_checked(runtime, ids):
    with pytest.raises(ValueError, match="before"):
        analytics.team_report(runtime, actor="mona", team="North", since=NOW, until=NOW - DAY)
    default = analytics.team_report(runtime, actor="mona", team="North", now=NOW)
    assert default.period["since"] == (NOW - 28 * DAY).isoformat()

"""Drills: create, assign to reps or teams, per-rep status, "my drills", exam attempts."""

from datetime import timedelta

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.backends.fake import FakeEmbedder
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import training
from coach.services.practice import PracticeService
from coach.store.repositories import users
from tests.training.world import NOW, add_session, build


@pytest.fixture
def ids(runtime):
    return build(runtime)


def _drill(runtime, actor="tina", **kw):
    args = {"scenario_id": "tiny", "mode": "freeform", "target_score": 70.0, **kw}
    return training.create_drill(runtime, actor=actor, **args)


def _status(runtime, actor="tina", drill_id=None):
    rows = training.drill_status_report(runtime, actor=actor, drill_id=drill_id, now=NOW)
    return {(r.assignment_id, r.rep): r for r in rows}


def test_a_drill_belongs_to_its_trainers_team_and_is_validated(runtime, ids):
    drill = _drill(runtime, title="Book the demo")
    assert drill.team == "North" and drill.title == "Book the demo" and not drill.exam
    assert _drill(runtime).title == "Tiny scenario (freeform)"
    with pytest.raises(CoachError, match="cannot be practised in readalong"):
        _drill(runtime, mode="readalong")
    with pytest.raises(CoachError, match="target_score"):
        _drill(runtime, target_score=120)
    with pytest.raises(CoachError, match="pass mark"):
        _drill(runtime, certification=True, target_score=None)
    with pytest.raises(CoachError, match="only an exam limits attempts"):
        _drill(runtime, max_attempts=2)
    with pytest.raises(NotFoundError, match="no scenario"):
        _drill(runtime, scenario_id="nope")
    with pytest.raises(CoachError, match="unknown mode"):
        _drill(runtime, mode="karaoke")
    # A certification is always an exam.
    assert _drill(runtime, certification=True).exam


def test_a_team_drill_reaches_members_who_join_later(runtime, ids):
    drill = _drill(runtime)
    given = training.assign_drill(
        runtime,
        actor="tina",
        drill_id=drill.id,
        to_team="North",
        due=NOW.date() + timedelta(days=3),
    )
    assert given.assignee == "team North"
    assert {rep for _, rep in _status(runtime)} == {"ann", "bob"}
    with runtime.transaction() as s:
        north = users.get_team_by_name(session=s, name="North")
        users.create_user(
            session=s,
            username="newbie",
            display_name="N",
            password_hash="x",
            role="rep",
            team_id=north.id,
        )
    assert {rep for _, rep in _status(runtime)} == {"ann", "bob", "newbie"}
    assert [t.assignment_id for t in training.my_drills(runtime, actor="newbie", now=NOW)] == [
        given.id
    ]


def test_status_moves_from_not_started_to_passed(runtime, ids):
    drill = _drill(runtime)
    given = training.assign_drill(
        runtime, actor="tina", drill_id=drill.id, to_user="ann", due=NOW + timedelta(days=1)
    )
    key = (given.id, "ann")
    assert _status(runtime)[key].status == "not_started"
    # Practised before the drill was given: not an attempt.
    add_session(runtime, ids["ann"], score=90, started_at=NOW - timedelta(days=30))
    assert _status(runtime)[key].status == "not_started"
    add_session(runtime, ids["ann"], score=None, status="active", started_at=NOW)
    assert _status(runtime)[key].status == "in_progress"
    add_session(runtime, ids["ann"], score=60, started_at=NOW)
    row = _status(runtime)[key]
    assert (row.status, row.attempts, row.best_score) == ("in_progress", 2, 60)
    # Another mode is not this drill.
    add_session(runtime, ids["ann"], score=95, started_at=NOW, mode="recitation")
    assert _status(runtime)[key].status == "in_progress"
    add_session(runtime, ids["ann"], score=75, started_at=NOW)
    assert _status(runtime)[key].status == "passed"


def test_overdue_and_an_override_that_passes(runtime, ids):
    from coach.services import coaching

    drill = _drill(runtime)
    given = training.assign_drill(
        runtime, actor="tina", drill_id=drill.id, to_user="bob", due=NOW - timedelta(days=1)
    )
    assert _status(runtime)[(given.id, "bob")].status == "overdue"
    sid = add_session(runtime, ids["bob"], score=65, started_at=NOW)
    assert _status(runtime)[(given.id, "bob")].status == "overdue"
    coaching.override_score(runtime, actor="mona", session_id=sid, score=72, comment="Fair call")
    assert _status(runtime)[(given.id, "bob")].status == "passed"


def test_exam_limits_attempts_and_then_fails(runtime, ids):
    drill = _drill(runtime, exam=True, max_attempts=2)
    given = training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_user="ann")
    key = (given.id, "ann")
    # A free practice session does not count for an exam.
    add_session(runtime, ids["ann"], score=99, started_at=NOW)
    assert _status(runtime)[key].status == "not_started"
    add_session(runtime, ids["ann"], score=40, started_at=NOW, assignment_id=given.id)
    assert _status(runtime)[key].attempts_left == 1
    add_session(runtime, ids["ann"], score=50, started_at=NOW, assignment_id=given.id)
    row = _status(runtime)[key]
    assert (row.status, row.attempts, row.attempts_left) == ("failed", 2, 0)
    with runtime.transaction() as s:
        ann = users.get_user(session=s, user_id=ids["ann"])
        with pytest.raises(CoachError, match="no attempts left"):
            training.check_attempt(s, ann, given.id)


def test_start_attempt_applies_the_exam_rules(runtime, ids):
    practice = PracticeService(runtime, embedder=FakeEmbedder())
    drill = _drill(runtime, exam=True, max_attempts=2)
    given = training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_team="North")
    started = training.start_attempt(runtime, practice, actor="ann", assignment_id=given.id)
    view = practice.view(started.session_id, actor="ann")
    assert view.hints is False and view.mode == "freeform"
    with pytest.raises(CoachError, match="still open"):
        training.start_attempt(runtime, practice, actor="ann", assignment_id=given.id)
    practice.end(started.session_id, actor="ann")
    second = training.start_attempt(runtime, practice, actor="ann", assignment_id=given.id)
    practice.end(second.session_id, actor="ann")
    attempts = training.my_attempts(runtime, actor="ann", assignment_id=given.id)
    assert [a.session_id for a in attempts] == [started.session_id, second.session_id]
    assert all(a.status == "completed" and a.score is not None for a in attempts)
    with pytest.raises(CoachError, match="no attempts left"):
        training.start_attempt(runtime, practice, actor="ann", assignment_id=given.id)
    # A rep of another team cannot attempt North's drill, nor the trainer (not a rep).
    for outsider in ("sam", "tina"):
        with pytest.raises(PermissionDenied, match="not given to"):
            training.start_attempt(runtime, practice, actor=outsider, assignment_id=given.id)


def test_practice_drill_starts_with_hints(runtime, ids):
    practice = PracticeService(runtime, embedder=FakeEmbedder())
    drill = _drill(runtime)
    given = training.assign_drill(runtime, actor="mona", drill_id=drill.id, to_user="bob")
    started = training.start_attempt(runtime, practice, actor="bob", assignment_id=given.id)
    assert practice.view(started.session_id, actor="bob").hints is True
    assert _status(runtime, drill_id=drill.id)[(given.id, "bob")].status == "in_progress"


def test_my_drills_mixes_clip_tasks_and_sorts_by_urgency(runtime, ids):
    from coach.services import clips
    from coach.store.repositories import clips as clips_repo

    with runtime.transaction() as s:
        clips_repo.upsert_clip(
            session=s,
            clip_id="c1",
            title="Open",
            language="en",
            turns=[{"speaker": "rep", "text": "Hi"}],
        )
    later = _drill(runtime, title="later")
    undated = _drill(runtime, title="undated")
    late = _drill(runtime, title="late")
    done = _drill(runtime, title="done", target_score=None)
    training.assign_drill(
        runtime, actor="tina", drill_id=later.id, to_user="ann", due=NOW + timedelta(days=5)
    )
    training.assign_drill(runtime, actor="tina", drill_id=undated.id, to_team="North")
    training.assign_drill(
        runtime, actor="tina", drill_id=late.id, to_user="ann", due=NOW - timedelta(days=2)
    )
    training.assign_drill(
        runtime, actor="tina", drill_id=done.id, to_user="ann", due=NOW - timedelta(days=9)
    )
    clips.assign(runtime, clip_id="c1", actor="tina", to_user="ann", due=NOW + timedelta(days=1))
    add_session(runtime, ids["ann"], score=10, started_at=NOW)  # passes "done" (no target)
    tasks = training.my_drills(runtime, actor="ann", now=NOW)
    assert [(t.kind, t.title, t.status) for t in tasks] == [
        ("drill", "late", "overdue"),
        ("clip", "Study: Open", "not_started"),
        ("drill", "later", "in_progress"),
        ("drill", "undated", "in_progress"),
        ("drill", "done", "passed"),
    ]
    assert [t.done for t in tasks] == [False, False, False, False, True]
    # Bob sees only the team drill; Sam (South) sees nothing.
    assert [t.title for t in training.my_drills(runtime, actor="bob", now=NOW)] == ["undated"]
    assert training.my_drills(runtime, actor="sam", now=NOW) == []
    with pytest.raises(PermissionDenied, match="--user"):
        training.my_drills(runtime, actor=LOCAL_ADMIN)

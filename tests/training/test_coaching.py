"""Coaching comments, "Coaching for me", and score overrides that keep the original."""

import pytest

from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import coaching
from coach.store.repositories import sessions as sessions_repo
from tests.training.world import add_session, build


@pytest.fixture
def ids(runtime):
    return build(runtime)


@pytest.fixture
def sid(runtime, ids):
    sid = add_session(
        runtime, ids["ann"], score=55, points={"greeting": "hit", "next_step": "missed"}
    )
    with runtime.transaction() as s:
        row = sessions_repo.get_session(session=s, session_id=sid)
        row.status = "active"
        sessions_repo.add_turn(session=s, session_id=sid, speaker="rep", text="Hello there")
        sessions_repo.add_turn(session=s, session_id=sid, speaker="customer", text="Hi")
        row.status = "completed"
    return sid


def test_comment_on_a_turn_reaches_the_rep(runtime, sid):
    first = coaching.add_comment(
        runtime, actor="tina", session_id=sid, body="Ask an open question here", turn_index=0
    )
    assert first.turn_text == "Hello there" and first.author == "tina" and first.read_at is None
    coaching.add_comment(runtime, actor="mona", session_id=sid, body="好的开场，继续保持。")
    mine = coaching.coaching_for_me(runtime, actor="ann")
    assert [c.body for c in mine] == ["好的开场，继续保持。", "Ask an open question here"]
    read = coaching.mark_read(runtime, actor="ann", comment_id=first.id)
    assert read.read_at is not None
    assert [c.author for c in coaching.coaching_for_me(runtime, actor="ann", unread_only=True)] == [
        "mona"
    ]
    assert len(coaching.session_comments(runtime, actor="ann", session_id=sid)) == 2
    assert len(coaching.session_comments(runtime, actor="ada", session_id=sid)) == 2


def test_bad_comments_are_refused(runtime, sid):
    with pytest.raises(NotFoundError, match="no turn 9"):
        coaching.add_comment(runtime, actor="tina", session_id=sid, body="x", turn_index=9)
    with pytest.raises(CoachError, match="empty"):
        coaching.add_comment(runtime, actor="tina", session_id=sid, body="  ")
    with pytest.raises(NotFoundError):
        coaching.add_comment(runtime, actor="tina", session_id="nope", body="x")


def test_who_may_comment_read_and_mark(runtime, sid):
    note = coaching.add_comment(runtime, actor="tina", session_id=sid, body="Good")
    for outsider in ("theo", "max", "bob", "ann", "sam"):
        with pytest.raises(PermissionDenied):
            coaching.add_comment(runtime, actor=outsider, session_id=sid, body="x")
    for outsider in ("theo", "max", "bob", "sam"):
        with pytest.raises(PermissionDenied):
            coaching.session_comments(runtime, actor=outsider, session_id=sid)
    for other in ("bob", "tina", "sam"):
        with pytest.raises(NotFoundError):
            coaching.mark_read(runtime, actor=other, comment_id=note.id)
    assert coaching.coaching_for_me(runtime, actor="bob") == []


def test_overrides_keep_the_original_visible(runtime, sid):
    review = coaching.override_score(
        runtime, actor="mona", session_id=sid, score=70, comment="Close was fine"
    )
    assert (review.original_score, review.override_score, review.score) == (55, 70, 70)
    assert review.override_by == "mona" and review.override_comment == "Close was fine"
    review = coaching.override_key_point(
        runtime,
        actor="ada",
        session_id=sid,
        key_point_id="next_step",
        status="hit",
        comment="Booked Tuesday",
    )
    point = next(k for k in review.key_points if k.id == "next_step")
    assert (point.original, point.override, point.status, point.override_by) == (
        "missed",
        "hit",
        "hit",
        "ada",
    )
    again = coaching.review(runtime, actor="ann", session_id=sid)
    assert again == review
    with pytest.raises(NotFoundError, match="no key point 'nope'"):
        coaching.override_key_point(
            runtime, actor="mona", session_id=sid, key_point_id="nope", status="hit", comment="x"
        )
    with pytest.raises(CoachError, match="hit, partial, missed"):
        coaching.override_key_point(
            runtime,
            actor="mona",
            session_id=sid,
            key_point_id="greeting",
            status="maybe",
            comment="x",
        )
    with pytest.raises(CoachError, match="comment"):
        coaching.override_score(runtime, actor="mona", session_id=sid, score=80, comment=" ")
    with pytest.raises(CoachError, match="between"):
        coaching.override_score(runtime, actor="mona", session_id=sid, score=180, comment="x")


def test_only_the_team_manager_or_an_admin_overrides(runtime, sid):
    for who in ("tina", "theo", "max", "ann", "bob", "sam"):
        with pytest.raises(PermissionDenied):
            coaching.override_score(runtime, actor=who, session_id=sid, score=90, comment="x")
        with pytest.raises(PermissionDenied):
            coaching.override_key_point(
                runtime,
                actor=who,
                session_id=sid,
                key_point_id="greeting",
                status="missed",
                comment="x",
            )
    for who in ("bob", "sam", "theo", "max"):
        with pytest.raises(PermissionDenied):
            coaching.review(runtime, actor=who, session_id=sid)
    assert coaching.review(runtime, actor="tina", session_id=sid).score == 55

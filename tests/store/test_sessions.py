import pytest

from coach.errors import NotFoundError
from coach.store.repositories import sessions, users
from coach.store.repositories.sessions import SessionClosedError
from tests.store.helpers import add_content, make_rep


def _start(s, user_id, mode="freeform"):
    return sessions.create_session(
        session=s,
        user_id=user_id,
        scenario_id="tiny",
        persona_id="pat",
        mode=mode,
        language="en",
        seed=7,
    )


def test_turns_are_numbered_and_kept_in_order(runtime):
    with runtime.transaction() as s:
        add_content(s)
        rep = make_rep(s)
        practice = _start(s, rep.id)
        session_id = practice.id
    # Each turn in its own transaction, as the app writes them: a crash loses at most one.
    for speaker, text in [
        ("customer", "Hello?"),
        ("rep", "Hi, this is Alex."),
        ("customer", "Go on."),
    ]:
        with runtime.transaction() as s:
            sessions.add_turn(
                session=s, session_id=session_id, speaker=speaker, text=text, start=0.5, end=1.5
            )
    with runtime.transaction() as s:
        sessions.update_state(session=s, session_id=session_id, state={"trust": 0.4})
    with runtime.transaction() as s:
        loaded = sessions.get_session(session=s, session_id=session_id)
        assert [(t.index, t.speaker) for t in loaded.turns] == [
            (0, "customer"),
            (1, "rep"),
            (2, "customer"),
        ]
        assert loaded.turns[1].text == "Hi, this is Alex."
        assert loaded.state == {"trust": 0.4}
        assert loaded.status == "active" and loaded.seed == 7


def test_ended_session_takes_no_more_turns(runtime):
    with runtime.transaction() as s:
        add_content(s)
        practice = _start(s, make_rep(s).id)
        sessions.add_turn(session=s, session_id=practice.id, speaker="rep", text="hi")
        ended = sessions.end_session(session=s, session_id=practice.id, ended_by="hangup")
        assert ended.ended_at is not None and ended.ended_by == "hangup"
        with pytest.raises(SessionClosedError):
            sessions.add_turn(session=s, session_id=practice.id, speaker="rep", text="wait")


def test_bad_mode_and_missing_session(runtime):
    with runtime.transaction() as s:
        add_content(s)
        rep = make_rep(s)
        with pytest.raises(ValueError, match="unknown mode"):
            _start(s, rep.id, mode="karaoke")
        with pytest.raises(NotFoundError):
            sessions.add_turn(session=s, session_id="nope", speaker="rep", text="x")
        with pytest.raises(NotFoundError):
            sessions.get_session(session=s, session_id="nope")


def test_list_sessions_filters(runtime):
    with runtime.transaction() as s:
        add_content(s)
        team = users.create_team(session=s, name="T")
        a = make_rep(s, "a", team.id)
        b = make_rep(s, "b")
        _start(s, a.id)
        _start(s, a.id, mode="readalong")
        done = _start(s, b.id)
        sessions.end_session(session=s, session_id=done.id, ended_by="agreement")
    with runtime.transaction() as s:
        assert len(sessions.list_sessions(session=s)) == 3
        assert len(sessions.list_sessions(session=s, user_id=a.id)) == 2
        assert len(sessions.list_sessions(session=s, team_id=team.id)) == 2
        assert [x.user_id for x in sessions.list_sessions(session=s, status="completed")] == [b.id]
        assert len(sessions.list_sessions(session=s, scenario_id="tiny", limit=1)) == 1


def test_update_turn_changes_text_and_merges_meta_even_after_the_end(runtime):
    with runtime.transaction() as s:
        add_content(s)
        practice = _start(s, make_rep(s).id)
        session_id = practice.id
        sessions.add_turn(
            session=s, session_id=session_id, speaker="rep", text="hi", meta={"heard": "hi"}
        )
        sessions.end_session(session=s, session_id=session_id, ended_by="rep")
    with runtime.transaction() as s:
        turn = sessions.update_turn(
            session=s, session_id=session_id, index=0, text="Hi, I'm Alex.", meta={"fast": "hi"}
        )
        assert turn.text == "Hi, I'm Alex."
    with runtime.transaction() as s:
        sessions.update_turn(session=s, session_id=session_id, index=0, meta={"marks": {"a": 1}})
    with runtime.transaction() as s:
        [turn] = sessions.get_session(session=s, session_id=session_id).turns
        assert turn.text == "Hi, I'm Alex."
        assert turn.meta == {"heard": "hi", "fast": "hi", "marks": {"a": 1}}
        with pytest.raises(NotFoundError, match="no turn 3"):
            sessions.update_turn(session=s, session_id=session_id, index=3, text="x")
        with pytest.raises(NotFoundError):
            sessions.update_turn(session=s, session_id="nope", index=0, text="x")

import pytest

from coach.errors import NotFoundError
from coach.store.repositories import scorecards, sessions
from tests.store.helpers import add_content, make_rep

RESULT = {
    "score": 62.5,
    "key_points": [
        {
            "id": "greeting",
            "status": "hit",
            "evidence": "Good morning",
            "turn": 0,
            "stage": "opening",
        },
        {
            "id": "next_step",
            "status": "missed",
            "evidence": None,
            "turn": None,
            "stage": "closing",
            "weight": 2,
        },
    ],
    "delivery": {"talk_ratio": 0.58, "words_per_minute": 148, "filler_count": 3, "questions": 4},
    "compliance": [{"phrase": "guaranteed", "turn": 3, "reason": "no guarantees"}],
    "feedback": {"strengths": ["Warm opening"], "improvements": ["Book a next step"]},
}


def _scored_session(s, result=RESULT):
    add_content(s)
    rep = make_rep(s)
    practice = sessions.create_session(
        session=s, user_id=rep.id, scenario_id="tiny", mode="freeform", language="en"
    )
    scorecards.save_scorecard(session=s, session_id=practice.id, result=result)
    return rep, practice


def test_scorecard_round_trip(runtime):
    with runtime.transaction() as s:
        _, practice = _scored_session(s)
    with runtime.transaction() as s:
        card = scorecards.get_scorecard(session=s, session_id=practice.id)
        assert card.score == 62.5 and card.final_score == 62.5
        assert [(k.key_point_id, k.status, k.turn_index) for k in card.key_points] == [
            ("greeting", "hit", 0),
            ("next_step", "missed", None),
        ]
        assert card.key_points[1].weight == 2
        assert card.compliance[0]["phrase"] == "guaranteed"
        assert card.result == RESULT


def test_re_evaluation_replaces_the_scorecard(runtime):
    with runtime.transaction() as s:
        _, practice = _scored_session(s)
        scorecards.save_scorecard(
            session=s, session_id=practice.id, result={**RESULT, "score": 80.0}
        )
    with runtime.transaction() as s:
        assert scorecards.get_scorecard(session=s, session_id=practice.id).score == 80.0


def test_override_needs_comment_and_range(runtime):
    with runtime.transaction() as s:
        rep, practice = _scored_session(s)
        with pytest.raises(ValueError, match="comment"):
            scorecards.override_score(
                session=s, session_id=practice.id, score=70, comment=" ", user_id=rep.id
            )
        with pytest.raises(ValueError, match="between"):
            scorecards.override_score(
                session=s, session_id=practice.id, score=170, comment="x", user_id=rep.id
            )
        card = scorecards.override_score(
            session=s,
            session_id=practice.id,
            score=75,
            comment="Next step was agreed off-mic",
            user_id=rep.id,
        )
        assert card.final_score == 75 and card.override_at is not None


def test_bad_status_and_missing(runtime):
    with runtime.transaction() as s:
        add_content(s)
        rep = make_rep(s)
        practice = sessions.create_session(
            session=s, user_id=rep.id, scenario_id="tiny", mode="scripted", language="en"
        )
        bad = {**RESULT, "key_points": [{"id": "greeting", "status": "maybe"}]}
        with pytest.raises(ValueError, match="status"):
            scorecards.save_scorecard(session=s, session_id=practice.id, result=bad)
    with runtime.transaction() as s:
        with pytest.raises(NotFoundError):
            scorecards.get_scorecard(session=s, session_id=practice.id)
        with pytest.raises(NotFoundError):
            scorecards.save_scorecard(session=s, session_id="missing", result=RESULT)


def test_key_point_mention_rates(runtime):
    with runtime.transaction() as s:
        rep, _ = _scored_session(s)
        second = sessions.create_session(
            session=s, user_id=rep.id, scenario_id="tiny", mode="freeform", language="en"
        )
        scorecards.save_scorecard(
            session=s,
            session_id=second.id,
            result={
                **RESULT,
                "key_points": [
                    {"id": "greeting", "status": "partial"},
                    {"id": "next_step", "status": "hit"},
                ],
            },
        )
    with runtime.transaction() as s:
        rates = scorecards.key_point_mention_rates(session=s, scenario_id="tiny")
        assert rates == pytest.approx({"greeting": 0.75, "next_step": 0.5})
        assert (
            scorecards.key_point_mention_rates(session=s, scenario_id="tiny", user_id=rep.id + 1000)
            == {}
        )

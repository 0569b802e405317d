"""What the pages draw: every user-written string is escaped; marks and meters come through."""

from datetime import UTC, datetime

from coach.services.practice import SessionView, TurnView
from ui import render
from ui.i18n import Translator


def _view(**changes):
    base = dict(
        id="s1", owner="rep", scenario_id="crm", scenario_title="<b>Call</b>", language="en",
        mode="freeform", status="active", ended_by=None, started_at=datetime(2026, 12, 1, tzinfo=UTC),
        ended_at=None, hints=True, engine="builtin",
        persona={"id": "p", "name": "<img src=x onerror=alert(1)>", "role": "CFO", "company": "Acme", "mood": "busy", "difficulty": 3},
        turns=[
            TurnView(index=0, speaker="customer", text="Hello?"),
            TurnView(index=1, speaker="rep", text="<script>alert(1)</script>", audio_path="/a.wav", heard="hi there", meta={"hint": "Say your name"}),
        ],
        script=["Line one", "Line two"], line=None, node_line=None, trust=0.4, patience=2, patience_max=4,
        scorecard=None,
    )
    base.update(changes)
    return SessionView(**base)


def test_user_text_is_escaped_everywhere():
    t = Translator("en")
    view = _view()
    html = render.conversation(view, t) + render.call_bar(view, t) + render.persona_panel(view, t)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<b>Call</b>" not in html


def test_bubbles_show_what_was_heard_the_hint_and_a_play_button():
    html = render.conversation(_view(), Translator("en"))
    assert "heard: hi there" in html and "Say your name" in html
    assert 'data-src="/media/session/s1/1"' in html and 'data-src="/media/session/s1/0"' in html


def test_meters_follow_the_persona_state():
    html = render.persona_panel(_view(), Translator("zh"))
    assert 'id="trust-meter" data-value="40"' in html and "width:50%" in html and "信任度" in html


def test_read_along_highlights_the_current_line_and_colours_read_lines():
    marks = {"line": 0, "tokens": [{"text": "Line", "status": "ok"}, {"text": "one", "status": "substituted", "said": "won"}]}
    view = _view(mode="readalong", line=1, turns=[TurnView(index=0, speaker="rep", text="Line won", meta={"marks": marks})])
    html = render.readalong(view, Translator("en"))
    assert 'class="current" id="script-line-1"' in html
    assert 'class="tok substituted"' in html and "a different word: won" in html


def test_search_highlights_become_marks_but_nothing_else_does():
    assert render._highlight("the **price** <i>x</i>") == "the <mark>price</mark> &lt;i&gt;x&lt;/i&gt;"


def test_scorecard_lists_points_with_evidence_missing_parts_and_a_jump():
    result = {
        "score": 72, "stage_scores": {"opening": 100}, "profile": {"opening": 100, "delivery": 80},
        "delivery": {"talk_ratio": 0.6, "words_per_minute": 140, "filler_count": 1, "fillers": {"um": 1}, "questions": 3, "longest_monologue_s": 12, "estimated": ["talk_ratio"]},
        "compliance": [], "feedback": {"strengths": ["Good <opening>"], "improvements": []},
        "key_points": [
            {"id": "greet", "status": "hit", "evidence": "Hi <Dana>", "turn": 1, "confidence": 0.9},
            {"id": "close", "status": "partial", "evidence": "Talk soon", "turn": 3, "missing": ["a time"], "confidence": 0.4},
            {"id": "proof", "status": "missed", "evidence": None, "turn": None, "confidence": 0.1},
        ],
    }
    html = render.scorecard(_view(status="completed", ended_by="rep", scorecard=result), Translator("en"), previous={"opening": 50})
    assert "Hi &lt;Dana&gt;" in html and "missing: a time" in html and "coachJump(1)" in html
    assert html.count("low confidence") == 1  # the doubtful partial, not the clear miss
    assert "winning calls run at about 55:45" in html and 'class="before"' in html

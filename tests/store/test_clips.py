import pytest

from coach.errors import NotFoundError
from coach.store.repositories import clips
from tests.store.helpers import add_content, make_rep

TURNS = [
    {"speaker": "customer", "text": "It's too expensive."},
    {"speaker": "rep", "text": "Compared to what?"},
]


def _clip(s, clip_id="c1", **extra):
    return clips.upsert_clip(
        session=s,
        clip_id=clip_id,
        title="Price answer",
        language="en",
        turns=TURNS,
        tags=[("objection", "price"), ("key_point", "next_step"), ("free", "calm")],
        **extra,
    )


def test_clip_upsert_tags_and_filters(runtime):
    with runtime.transaction() as s:
        add_content(s)
        row, change = _clip(s, scenario_id="tiny")
        assert change == "created" and [(t.kind, t.value) for t in row.tags][0] == (
            "objection",
            "price",
        )
        assert _clip(s, scenario_id="tiny")[1] == "unchanged"
        clips.upsert_clip(
            session=s,
            clip_id="c2",
            title="Opening 开场",
            language="zh",
            turns=TURNS,
            tags=[("stage", "opening")],
        )
    with runtime.transaction() as s:
        assert [c.id for c in clips.list_clips(session=s, tag=("objection", "price"))] == ["c1"]
        assert [c.id for c in clips.list_clips(session=s, language="zh")] == ["c2"]
        assert [c.id for c in clips.list_clips(session=s, scenario_id="tiny")] == ["c1"]
        assert [c.id for c in clips.list_clips(session=s, ids=["c2"])] == ["c2"]
        assert clips.count_clips(session=s) == 2
        assert clips.get_clip(session=s, clip_id="c2").title == "Opening 开场"
        assert "customer: It's too expensive." in clips.get_clip(session=s, clip_id="c1").text


def test_clip_update_replaces_tags(runtime):
    with runtime.transaction() as s:
        _clip(s)
        row, change = clips.upsert_clip(
            session=s,
            clip_id="c1",
            title="Price answer v2",
            language="en",
            turns=TURNS,
            tags=[("objection", "timing")],
        )
        assert change == "updated"
    with runtime.transaction() as s:
        row = clips.get_clip(session=s, clip_id="c1")
        assert row.title == "Price answer v2" and [(t.kind, t.value) for t in row.tags] == [
            ("objection", "timing")
        ]


def test_bad_tags_are_refused(runtime):
    with runtime.transaction() as s:
        with pytest.raises(ValueError, match="unknown tag kind"):
            clips.upsert_clip(
                session=s,
                clip_id="x",
                title="x",
                language="en",
                turns=TURNS,
                tags=[("mood", "sad")],
            )
        with pytest.raises(ValueError, match="empty"):
            clips.upsert_clip(
                session=s, clip_id="x", title="x", language="en", turns=TURNS, tags=[("free", " ")]
            )


def test_likes_and_favourites_count_once(runtime):
    with runtime.transaction() as s:
        _clip(s)
        a, b = make_rep(s, "a"), make_rep(s, "b")
        for _ in range(2):
            clips.set_like(session=s, user_id=a.id, clip_id="c1")
        clips.set_like(session=s, user_id=b.id, clip_id="c1")
        clips.set_favourite(session=s, user_id=a.id, clip_id="c1")
    with runtime.transaction() as s:
        counts = clips.clip_counts(session=s, clip_ids=["c1"], user_id=b.id)["c1"]
        assert (counts.likes, counts.favourites, counts.liked, counts.saved) == (2, 1, True, False)
        clips.set_like(session=s, user_id=a.id, clip_id="c1", liked=False)
        assert clips.clip_counts(session=s, clip_ids=["c1"])["c1"].likes == 1
        assert [c.id for c in clips.list_favourites(session=s, user_id=a.id)] == ["c1"]
        assert clips.list_favourites(session=s, user_id=b.id) == []
        with pytest.raises(NotFoundError):
            clips.set_like(session=s, user_id=a.id, clip_id="missing")


def test_calls_and_deleting_a_clip(runtime):
    with runtime.transaction() as s:
        call = clips.create_call(
            session=s,
            title="Call 1",
            language="en",
            turns=TURNS,
            source_hash="abc",
            duration_s=61.0,
        )
        _clip(s, call_id=call.id, start_turn=0, end_turn=1)
        user = make_rep(s)
        clips.set_like(session=s, user_id=user.id, clip_id="c1")
    with runtime.transaction() as s:
        assert clips.get_call_by_hash(session=s, source_hash="abc").id == call.id
        assert clips.get_call_by_hash(session=s, source_hash="zzz") is None
        clips.delete_clip(session=s, clip_id="c1")
    with runtime.transaction() as s:
        assert clips.count_clips(session=s) == 0
        assert clips.clip_counts(session=s, clip_ids=["c1"])["c1"].likes == 0


def test_clip_facets_are_the_distinct_values_clips_have(runtime):
    with runtime.transaction() as s:
        assert clips.clip_facets(session=s) == {}
        add_content(s)
        _clip(s, scenario_id="tiny")
        _clip(s, clip_id="c2")  # same tags, no scenario: nothing doubled
        clips.upsert_clip(
            session=s,
            clip_id="c3",
            title="开场",
            language="zh",
            turns=TURNS,
            tags=[("stage", "opening"), ("free", "calm")],
        )
    with runtime.transaction() as s:
        assert clips.clip_facets(session=s) == {
            "objection": ["price"],
            "key_point": ["next_step"],
            "free": ["calm"],
            "stage": ["opening"],
            "scenario": ["tiny"],
            "language": ["en", "zh"],
        }

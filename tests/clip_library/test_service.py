"""The clip library service on SQLite and PostgreSQL, with the fake embedder and index."""

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from coach.accounts import LOCAL_ADMIN
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import clips
from tests.clip_library.conftest import silence, tone, write_stereo


def write_call(folder: Path, name: str, turns, **meta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"language": "en", "turns": turns, **meta}), encoding="utf-8")
    return path


CALL_TURNS = [
    {"speaker": "rep", "text": "Hi, Alex from FleetFlow.", "start": 0.0, "end": 2.0},
    {
        "speaker": "customer",
        "text": "How much does Zentrix cost per user?",
        "start": 2.0,
        "end": 4.0,
    },
    {
        "speaker": "rep",
        "text": "Forty-nine a seat, and the pilot is free.",
        "start": 4.0,
        "end": 7.0,
    },
    {"speaker": "customer", "text": "Okay, book the pilot.", "start": 7.0, "end": 8.0},
]


def test_import_cut_search_like_save(seeded_runtime, fake_engine, tmp_path):
    rt = seeded_runtime
    path = write_call(
        tmp_path / "calls",
        "c1.json",
        CALL_TURNS,
        title="Pilot call",
        outcome="pilot booked",
        date="2024-05-02",
    )
    with pytest.raises(PermissionDenied):
        clips.import_calls(rt, [path], actor="rep")
    summary = clips.import_calls(rt, [path], actor="trainer", scenario="crm-logistics-discovery")
    assert (summary.imported, summary.skipped, summary.failed) == (1, 0, 0), summary.items
    assert clips.import_calls(rt, [path], actor="trainer").skipped == 1
    [call] = clips.list_calls(rt, actor="trainer")
    assert (
        call.title == "Pilot call"
        and call.date.year == 2024
        and call.scenario == "crm-logistics-discovery"
    )
    assert len(clips.get_call_turns(rt, call_id=call.id, actor="trainer")) == 4

    with pytest.raises(PermissionDenied):
        clips.cut_clip(rt, call_id=call.id, title="x", start_turn=0, end_turn=1, actor="rep")
    clip = clips.cut_clip(
        rt,
        call_id=call.id,
        title="Price in one breath",
        start_turn=1,
        end_turn=2,
        tags=["objection:price", "key_point:handle_objection", "pilot"],
        actor="trainer",
        engine=fake_engine,
    )
    assert "objection:price" in clip.tags and "free:pilot" in clip.tags
    assert "scenario:crm-logistics-discovery" in clip.tags and clip.start == 2.0

    results = clips.search(rt, "Zentrix", actor="rep", engine=fake_engine)
    assert results[0].clip_id == clip.id
    assert any("**Zentrix**" in line for line in results[0].highlights)
    assert set(results[0].as_json()) == {
        "clip_id",
        "title",
        "text",
        "tags",
        "score",
        "start",
        "end",
        "audio",
        "highlights",
    }
    seeded = clips.search(
        rt, "太贵了", actor="rep", language="zh", tags=["objection:price"], engine=fake_engine
    )
    assert seeded and all(r.language == "zh" and "objection:price" in r.tags for r in seeded)

    liked = clips.like(rt, clip_id=clip.id, actor="rep")
    clips.like(rt, clip_id=clip.id, actor="rep")
    clips.like(rt, clip_id=clip.id, actor="rep-zh")
    assert (liked.likes, liked.liked) == (1, True)
    assert clips.get_clip(rt, clip_id=clip.id, actor=LOCAL_ADMIN).likes == 2
    assert clips.save(rt, clip_id=clip.id, actor="rep").saved
    assert [c.id for c in clips.favourites(rt, actor="rep")] == [clip.id]
    assert clips.search(rt, "Zentrix", actor="rep", engine=fake_engine)[0].liked
    assert clips.like(rt, clip_id=clip.id, actor="rep", liked=False).likes == 1
    with pytest.raises(PermissionDenied, match="--user"):
        clips.like(rt, clip_id=clip.id, actor=LOCAL_ADMIN)
    with pytest.raises(NotFoundError):
        clips.like(rt, clip_id="no-such-clip", actor="rep")
    with pytest.raises(PermissionDenied, match="no active user"):
        clips.search(rt, "x", actor="nobody", engine=fake_engine)


def test_tagging_updates_search_filters(seeded_runtime, fake_engine):
    rt = seeded_runtime
    with pytest.raises(CoachError, match="unknown tag 'hot'"):
        clips.search(rt, "price", actor="rep", tags=["hot"], engine=fake_engine)
    with pytest.raises(PermissionDenied):
        clips.tag_clip(rt, clip_id="en-crm-price-01", add=["hot"], actor="rep")
    record = clips.tag_clip(
        rt,
        clip_id="en-crm-price-01",
        add=["hot"],
        remove=["free:roi"],
        actor="trainer",
        engine=fake_engine,
    )
    assert "free:hot" in record.tags and "free:roi" not in record.tags
    hot = clips.search(rt, "price", actor="rep", tags=["hot"], engine=fake_engine)
    assert [r.clip_id for r in hot] == ["en-crm-price-01"]
    with pytest.raises(NotFoundError, match="has no tag"):
        clips.tag_clip(
            rt, clip_id="en-crm-price-01", remove=["free:nope"], actor="trainer", engine=fake_engine
        )
    with pytest.raises(Exception, match="unknown tag kind|empty"):
        clips.tag_clip(
            rt, clip_id="en-crm-price-01", add=["free: "], actor=LOCAL_ADMIN, engine=fake_engine
        )


def test_assign_and_mark_done(seeded_runtime):
    rt = seeded_runtime
    with pytest.raises(PermissionDenied):
        clips.assign(rt, clip_id="en-crm-price-01", to_user="rep-zh", actor="rep")
    task = clips.assign(
        rt,
        clip_id="en-crm-price-01",
        to_user="rep",
        due=date(2030, 1, 31),
        note="Listen twice",
        actor="trainer",
    )
    team_task = clips.assign(rt, clip_id="zh-ielts-price-01", to_team="Demo Team", actor="manager")
    assert task.assignee == "rep" and task.due_at.date() == date(2030, 1, 31)
    assert team_task.assignee == "team Demo Team"
    mine = clips.my_tasks(rt, actor="rep")
    assert [t.id for t in mine] == [task.id, team_task.id] and not any(t.done for t in mine)
    with pytest.raises(PermissionDenied, match="not given"):
        clips.mark_done(rt, assignment_id=task.id, actor="rep-zh")
    done = clips.mark_done(rt, assignment_id=task.id, actor="rep")
    assert done.done and done.completed_by == ["rep"]
    clips.mark_done(rt, assignment_id=team_task.id, actor="rep-zh")
    given = clips.assigned_by(rt, actor="trainer")
    assert [(t.id, t.completed_by) for t in given] == [(task.id, ["rep"])]
    with pytest.raises(ValueError, match="exactly one"):
        clips.assign(rt, clip_id="en-crm-price-01", actor="trainer")
    with pytest.raises(NotFoundError, match="no team"):
        clips.assign(rt, clip_id="en-crm-price-01", to_team="Nope", actor="trainer")


def test_engine_sees_changes_and_reindex_rebuilds(seeded_runtime, fake_engine, tmp_path):
    rt = seeded_runtime
    heard = []
    clips.search(
        rt,
        "price",
        actor="rep",
        engine=fake_engine,
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard[-1] == (48, 48) and len(heard) > 1
    first = fake_engine.searcher(rt)
    assert len(first.documents) == 48 and fake_engine.index.count() == 48
    assert fake_engine.searcher(rt) is first
    path = write_call(tmp_path, "c.json", CALL_TURNS)
    clips.import_calls(rt, [path], actor=LOCAL_ADMIN, clip_whole_calls=True, engine=fake_engine)
    second = fake_engine.searcher(rt)
    assert second is not first and len(second.documents) == 49
    assert fake_engine.index.count() == 49
    with pytest.raises(PermissionDenied):
        clips.reindex(rt, actor="rep", engine=fake_engine)
    report = clips.reindex(rt, actor="trainer", engine=fake_engine)
    assert report.total == 49 and fake_engine.index.count() == 49


def test_mining_and_customer_lines_from_the_database(seeded_runtime, tmp_path):
    from coach.backends.fake import FakeEmbedder

    rt = seeded_runtime
    folder = tmp_path / "calls"
    for month in (1, 2, 3):
        write_call(
            folder,
            f"call-2024-0{month}-15.json",
            [
                {"speaker": "rep", "text": "Hello."},
                {"speaker": "customer", "text": "How much does FleetFlow cost per user?"},
                {"speaker": "rep", "text": f"Forty-nine, answer {month}."},
            ],
        )
    clips.import_calls(rt, [folder], actor="trainer")
    topics = clips.mine(rt, actor="rep", embedder=FakeEmbedder(), language="en")
    top = topics[0]
    assert top["count"] >= 3 and top["concern"] == "price"
    assert [p["count"] for p in top["trend"]][:3] == [1, 1, 1]
    lines = clips.customer_lines(rt, scenario="crm-logistics-discovery", objection="price")
    assert lines and all(line["scenario"] == "crm-logistics-discovery" for line in lines)
    lookup = clips.customer_lines_lookup(rt)
    assert lookup is not None and lookup("crm-logistics-discovery", "price")


def test_cut_with_audio_and_time_span(seeded_runtime, fake_engine, tmp_path):
    rt = seeded_runtime
    write_stereo(
        tmp_path / "c.wav",
        np.concatenate([tone(2.0), silence(2.0), tone(4.0)]),
        np.concatenate([silence(2.0), tone(2.0), silence(4.0)]),
    )
    (tmp_path / "c.json").write_text(json.dumps({"language": "en", "turns": CALL_TURNS}))
    clips.import_calls(rt, [tmp_path / "c.wav"], actor="trainer")
    [call] = clips.list_calls(rt, actor="admin")
    assert call.audio and Path(call.audio).exists() and Path(call.audio).parent.name == "calls"
    clip = clips.cut_clip(
        rt, call_id=call.id, title="t", start_s=2.5, end_s=6.5, actor="admin", engine=fake_engine
    )
    assert clip.audio and Path(clip.audio).exists()
    assert Path(clip.audio).parent == rt.settings.data_dir / "clips"
    assert (clip.start, clip.end) == (2.5, 6.5)
    with pytest.raises(NotFoundError, match="no imported call"):
        clips.cut_clip(
            rt,
            call_id="nope",
            title="t",
            start_turn=0,
            end_turn=0,
            actor=LOCAL_ADMIN,
            engine=fake_engine,
        )


def test_unknown_scenario_and_bad_search_arguments(seeded_runtime, fake_engine, tmp_path):
    rt = seeded_runtime
    with pytest.raises(NotFoundError, match="no scenario"):
        clips.import_calls(rt, [tmp_path], actor=LOCAL_ADMIN, scenario="nope")
    with pytest.raises(ValueError, match="mode"):
        clips.search(rt, "x", actor="rep", mode="fuzzy", engine=fake_engine)
    with pytest.raises(ValueError, match="k must"):
        clips.search(rt, "x", actor="rep", k=0, engine=fake_engine)


def test_search_says_what_is_wrong_instead_of_finding_nothing(seeded_runtime, fake_engine):
    rt = seeded_runtime

    def search(query="price", **filters):
        return clips.search(rt, query, actor="rep", engine=fake_engine, **filters)

    for empty in ("", "   ", "\n"):
        with pytest.raises(CoachError, match="the search query is empty"):
            search(empty)
    with pytest.raises(CoachError, match=r"unknown tag 'objection:pricey' \(did you mean objection:price\?\); known objection tags: .*price"):
        search(tags=["objection:pricey"])
    with pytest.raises(CoachError, match="unknown tag 'zzz'; tags are kind:value with kinds key_point, objection"):
        search(tags=["zzz"])
    with pytest.raises(CoachError, match="unknown language 'fr': use en or zh"):
        search(language="fr")
    with pytest.raises(CoachError, match="unknown scenario 'nope'; known scenarios: .*crm-logistics-discovery"):
        search(scenario="nope")
    assert search(tags=["objection:price"], language="en", scenario="crm-logistics-discovery")
    assert search(tags=["price"])

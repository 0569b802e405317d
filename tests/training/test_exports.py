"""CSV (UTF-8 with BOM) and JSON exports of sessions, scorecards and assignments."""

import csv
import io
from datetime import timedelta

import pytest

from coach.errors import CoachError, PermissionDenied
from coach.services import clips, coaching, exports, training
from coach.store.repositories import clips as clips_repo
from tests.training.world import NOW, add_session, build

DAY = timedelta(days=1)
PERIOD = {"since": NOW - 30 * DAY, "until": NOW + DAY}


@pytest.fixture
def data(runtime):
    ids = build(runtime)
    sid = add_session(
        runtime,
        ids["ann"],
        score=55,
        points={"greeting": "hit", "next_step": "missed"},
        started_at=NOW - 2 * DAY,
    )
    add_session(runtime, ids["bob"], score=None, status="active", started_at=NOW - DAY)
    add_session(runtime, ids["sam"], score=99, started_at=NOW - DAY)
    add_session(runtime, ids["ann"], score=10, started_at=NOW - 90 * DAY)  # before the period
    coaching.override_key_point(
        runtime,
        actor="mona",
        session_id=sid,
        key_point_id="next_step",
        status="partial",
        comment="半句提到了下周二",
    )
    return ids, sid


def _csv(runtime, kind, actor="mona", **kw):
    buffer = io.StringIO()
    count = exports.write_csv(
        runtime, actor=actor, kind=kind, team="North", out=buffer, **PERIOD, **kw
    )
    text = buffer.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == count
    return rows


def test_sessions_export(runtime, data):
    rows = _csv(runtime, "sessions")
    assert [(r["rep"], r["team"], r["status"], r["score"]) for r in rows] == [
        ("ann", "North", "completed", "55"),
        ("bob", "North", "active", ""),
    ]
    assert rows[0]["started_at"].endswith("+00:00")
    assert (
        exports.export_json(runtime, actor="ada", kind="sessions", team="North", **PERIOD)[0][
            "score"
        ]
        == 55
    )


def test_scorecards_export_has_one_row_per_key_point_with_the_override(runtime, data, tmp_path):
    _, sid = data
    path = tmp_path / "cards.csv"
    assert (
        exports.write_csv(
            runtime, actor="mona", kind="scorecards", team="North", out=path, **PERIOD
        )
        == 2
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [
        (
            r["session_id"],
            r["key_point_id"],
            r["evaluator_status"],
            r["override_status"],
            r["status"],
        )
        for r in rows
    ] == [
        (sid, "greeting", "hit", "", "hit"),
        (sid, "next_step", "missed", "partial", "partial"),
    ]
    assert rows[1]["override_comment"] == "半句提到了下周二"


def test_assignments_export_covers_drills_and_clip_tasks(runtime, data):
    ids, _ = data
    with runtime.transaction() as s:
        clips_repo.upsert_clip(
            session=s,
            clip_id="c1",
            title="Open",
            language="en",
            turns=[{"speaker": "rep", "text": "Hi"}],
        )
    drill = training.create_drill(
        runtime, actor="tina", scenario_id="tiny", mode="freeform", target_score=50
    )
    training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_team="North")
    task = clips.assign(runtime, clip_id="c1", actor="tina", to_team="North")
    clips.mark_done(runtime, assignment_id=task.id, actor="bob")
    add_session(runtime, ids["ann"], score=60, started_at=NOW)
    rows = _csv(runtime, "assignments", actor="tina")
    assert sorted((r["kind"], r["rep"], r["status"]) for r in rows) == [
        ("clip", "ann", "not_started"),
        ("clip", "bob", "done"),
        ("drill", "ann", "passed"),
        ("drill", "bob", "not_started"),
    ]
    assert _csv(runtime, "assignments", actor="tina") == rows


def test_who_may_export_what(runtime, data, tmp_path):
    for kind in ("sessions", "scorecards"):
        for actor in ("tina", "ann", "max"):
            with pytest.raises(PermissionDenied):
                exports.export_json(runtime, actor=actor, kind=kind, team="North")
    for actor in ("ann", "theo", "max"):
        with pytest.raises(PermissionDenied):
            exports.export_json(runtime, actor=actor, kind="assignments", team="North")
    refused = tmp_path / "no.csv"
    with pytest.raises(PermissionDenied):
        exports.write_csv(runtime, actor="max", kind="sessions", team="North", out=refused)
    assert not refused.exists()
    with pytest.raises(CoachError, match="unknown export"):
        exports.export_json(runtime, actor="mona", kind="calls", team="North")

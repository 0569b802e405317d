"""Who may do what in the clip library service: the actor is required and checked, failing closed."""

import inspect
import json
from pathlib import Path

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.errors import NotFoundError, PermissionDenied
from coach.services import accounts, clips
from coach.store.models import AssignmentRow, CallRow, ClipRow
from coach.store.repositories import assignments as assignments_repo
from coach.store.repositories import users as users_repo

CLIP = "en-crm-price-01"
TURNS = [
    {"speaker": "rep", "text": "Hi, Sam from FleetFlow."},
    {"speaker": "customer", "text": "What does it cost per seat?"},
    {"speaker": "rep", "text": "Forty-nine, and the pilot is free."},
]

ACTOR_FREE = {"customer_lines", "customer_lines_lookup", "default_engine", "set_engine"}
"""Plumbing no user reaches directly (the persona engine, engine set-up); see their docstrings."""


def write_call(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "call.json"
    path.write_text(json.dumps({"language": "en", "turns": TURNS}), encoding="utf-8")
    return path


@pytest.fixture
def call_id(seeded_runtime, tmp_path) -> str:
    clips.import_calls(seeded_runtime, [write_call(tmp_path / "calls")], actor="trainer")
    [call] = clips.list_calls(seeded_runtime, actor="trainer")
    return call.id


def test_every_acting_function_requires_a_keyword_only_actor():
    acting = [
        name
        for name in clips.__all__
        if inspect.isfunction(getattr(clips, name)) and name not in ACTOR_FREE
    ]
    assert {"search", "like", "mark_done", "list_calls", "get_call_turns", "mine"} <= set(acting)
    for name in acting:
        parameter = inspect.signature(getattr(clips, name)).parameters.get("actor")
        assert parameter is not None, f"{name} takes no actor"
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameter.default is inspect.Parameter.empty, f"{name}: actor has a default"
        assert parameter.annotation == "str", f"{name}: actor is {parameter.annotation}"


@pytest.mark.parametrize(
    "call",
    [
        lambda rt: clips.search(rt, "price"),
        lambda rt: clips.get_clip(rt, clip_id=CLIP),
        lambda rt: clips.like(rt, clip_id=CLIP),
        lambda rt: clips.favourites(rt),
        lambda rt: clips.tag_clip(rt, clip_id=CLIP, add=["hot"]),
        lambda rt: clips.assign(rt, clip_id=CLIP, to_user="rep"),
        lambda rt: clips.mark_done(rt, assignment_id=1),
        lambda rt: clips.list_calls(rt),
        lambda rt: clips.reindex(rt),
        lambda rt: clips.mine(rt),
    ],
    ids=[
        "search",
        "get_clip",
        "like",
        "favourites",
        "tag",
        "assign",
        "done",
        "calls",
        "reindex",
        "mine",
    ],
)
def test_a_forgotten_actor_is_a_type_error(seeded_runtime, call):
    with pytest.raises(TypeError, match="actor"):
        call(seeded_runtime)


def test_unknown_disabled_or_empty_actors_are_refused(seeded_runtime, fake_engine, tmp_path):
    rt = seeded_runtime
    with rt.transaction() as session:
        trainer = users_repo.get_user_by_username(session=session, username="trainer")
        assert trainer is not None
        users_repo.set_active(session=session, user_id=trainer.id, active=False)
    for actor in ("ghost", "trainer", "TRAINER"):
        with pytest.raises(PermissionDenied, match="no active user"):
            clips.search(rt, "price", actor=actor, engine=fake_engine)
        with pytest.raises(PermissionDenied, match="no active user"):
            clips.import_calls(rt, [write_call(tmp_path)], actor=actor)
        with pytest.raises(PermissionDenied, match="no active user"):
            clips.like(rt, clip_id=CLIP, actor=actor)
    for actor in ("", "  ", None):
        with pytest.raises(PermissionDenied, match="say who is acting"):
            clips.tag_clip(rt, clip_id=CLIP, add=["hot"], actor=actor)  # type: ignore[arg-type]
    with rt.transaction() as session:
        assert session.query(CallRow).count() == 0


@pytest.mark.parametrize(
    "action",
    [
        lambda rt, call_id, tmp: clips.import_calls(rt, [write_call(tmp)], actor="rep"),
        lambda rt, call_id, tmp: clips.list_calls(rt, actor="rep"),
        lambda rt, call_id, tmp: clips.get_call_turns(rt, call_id=call_id, actor="rep"),
        lambda rt, call_id, tmp: clips.cut_clip(
            rt, call_id=call_id, title="x", start_turn=0, end_turn=1, actor="rep"
        ),
        lambda rt, call_id, tmp: clips.tag_clip(rt, clip_id=CLIP, add=["hot"], actor="rep"),
        lambda rt, call_id, tmp: clips.reindex(rt, actor="rep"),
        lambda rt, call_id, tmp: clips.assign(rt, clip_id=CLIP, to_user="rep-zh", actor="rep"),
    ],
    ids=["import", "calls", "turns", "cut", "tag", "reindex", "assign"],
)
def test_a_rep_may_not_write_the_library(seeded_runtime, call_id, tmp_path, action):
    with pytest.raises(PermissionDenied, match="a rep may not"):
        action(seeded_runtime, call_id, tmp_path / "other")


def test_a_manager_assigns_but_does_not_cut(seeded_runtime, call_id):
    rt = seeded_runtime
    assert clips.assign(rt, clip_id=CLIP, to_user="rep", actor="manager").assignee == "rep"
    with pytest.raises(PermissionDenied, match="a manager may not"):
        clips.cut_clip(rt, call_id=call_id, title="x", start_turn=0, end_turn=1, actor="manager")


def test_a_rep_marks_only_their_own_tasks_done(seeded_runtime):
    rt = seeded_runtime
    accounts.add_user(
        rt, username="olly", password="a long passphrase", role="rep", team="Other", actor="admin"
    )
    theirs = clips.assign(rt, clip_id=CLIP, to_user="rep-zh", actor="trainer")
    other_team = clips.assign(rt, clip_id=CLIP, to_team="Other", actor="trainer")
    for task in (theirs, other_team):
        with pytest.raises(PermissionDenied, match="not given to rep"):
            clips.mark_done(rt, assignment_id=task.id, actor="rep")
        # not even a trainer ticks off someone else's task
        with pytest.raises(PermissionDenied, match="not given to trainer"):
            clips.mark_done(rt, assignment_id=task.id, actor="trainer")
    assert clips.mark_done(rt, assignment_id=other_team.id, actor="olly").completed_by == ["olly"]
    assert clips.mark_done(rt, assignment_id=theirs.id, actor="rep-zh").done
    assert [t.id for t in clips.my_tasks(rt, actor="rep")] == []
    with pytest.raises(NotFoundError, match="no assignment"):
        clips.mark_done(rt, assignment_id=9999, actor="rep")


def test_a_drill_is_not_ticked_off_as_a_clip_task(seeded_runtime):
    rt = seeded_runtime
    with rt.transaction() as session:
        rep = users_repo.get_user_by_username(session=session, username="rep")
        assert rep is not None
        drill = assignments_repo.create_assignment(
            session=session,
            kind="drill",
            assigned_by=None,
            assignee_user_id=rep.id,
            scenario_id="crm-logistics-discovery",
            mode="freeform",
        ).id
    with pytest.raises(NotFoundError, match="drill, not a clip task"):
        clips.mark_done(rt, assignment_id=drill, actor="rep")


def test_saved_clips_and_tasks_are_only_ones_own(seeded_runtime):
    rt = seeded_runtime
    clips.save(rt, clip_id=CLIP, actor="rep-zh")
    clips.like(rt, clip_id=CLIP, actor="rep-zh")
    assert clips.favourites(rt, actor="rep") == []
    assert [c.id for c in clips.favourites(rt, actor="rep-zh")] == [CLIP]
    seen_by_rep = clips.get_clip(rt, clip_id=CLIP, actor="rep")
    assert (seen_by_rep.favourites, seen_by_rep.saved, seen_by_rep.liked) == (1, False, False)
    with pytest.raises(TypeError):
        clips.favourites(rt, actor="rep", user="rep-zh")  # type: ignore[call-arg]
    with pytest.raises(PermissionDenied, match="a rep may not"):
        clips.assigned_by(rt, actor="rep")


def test_the_local_operator_acts_as_admin_without_an_account(
    seeded_runtime, fake_engine, call_id, tmp_path
):
    rt = seeded_runtime
    assert clips.list_calls(rt, actor=LOCAL_ADMIN)[0].id == call_id
    assert len(clips.get_call_turns(rt, call_id=call_id, actor=LOCAL_ADMIN)) == 3
    summary = clips.import_calls(rt, [write_call(tmp_path / "again")], actor=LOCAL_ADMIN)
    assert summary.skipped == 1
    clip = clips.cut_clip(
        rt,
        call_id=call_id,
        title="Price",
        start_turn=1,
        end_turn=2,
        actor=LOCAL_ADMIN,
        engine=fake_engine,
    )
    assert "free:hot" in clips.tag_clip(rt, clip_id=clip.id, add=["hot"], actor=LOCAL_ADMIN).tags
    task = clips.assign(rt, clip_id=clip.id, to_user="rep", actor=LOCAL_ADMIN)
    assert clips.reindex(rt, actor=LOCAL_ADMIN, engine=fake_engine).total == 49
    found = clips.search(rt, "seat", actor=LOCAL_ADMIN, tags=["hot"], engine=fake_engine)
    assert [r.clip_id for r in found] == [clip.id]
    assert clips.get_clip(rt, clip_id=clip.id, actor=LOCAL_ADMIN).liked is False
    with rt.transaction() as session:
        # the operator has no account row: nothing is recorded as theirs
        assert session.get(ClipRow, clip.id).created_by is None
        assert session.get(AssignmentRow, task.id).assigned_by is None
    owned = [
        lambda: clips.like(rt, clip_id=clip.id, actor=LOCAL_ADMIN),
        lambda: clips.save(rt, clip_id=clip.id, actor=LOCAL_ADMIN),
        lambda: clips.favourites(rt, actor=LOCAL_ADMIN),
        lambda: clips.my_tasks(rt, actor=LOCAL_ADMIN),
        lambda: clips.assigned_by(rt, actor=LOCAL_ADMIN),
        lambda: clips.mark_done(rt, assignment_id=task.id, actor=LOCAL_ADMIN),
    ]
    for call in owned:
        with pytest.raises(PermissionDenied, match=r"pass --user NAME \(the local operator has no"):
            call()


def test_a_trainer_records_who_cut_and_assigned(seeded_runtime, call_id):
    rt = seeded_runtime
    clip = clips.cut_clip(
        rt, call_id=call_id, title="Price", start_turn=1, end_turn=2, actor="trainer"
    )
    task = clips.assign(rt, clip_id=clip.id, to_user="rep", actor="trainer")
    with rt.transaction() as session:
        trainer = users_repo.get_user_by_username(session=session, username="trainer")
        assert trainer is not None
        assert session.get(ClipRow, clip.id).created_by == trainer.id
        assert session.get(AssignmentRow, task.id).assigned_by == trainer.id
        assert session.get(CallRow, call_id).imported_by == trainer.id
    assert [t.id for t in clips.assigned_by(rt, actor="trainer")] == [task.id]

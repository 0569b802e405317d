"""Every training, analytics, coaching and export function, called by every role.

North's data is the target: rep ``ann`` (owner), trainer ``tina``, manager ``mona``. South
(``sam``, ``theo``, ``max``) must be refused everywhere, including attempts at North's
drills; the admin ``ada`` and the local operator see everything (the operator has no
account, so it cannot practise, comment or override).
"""

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.backends.fake import FakeEmbedder
from coach.errors import NotFoundError, PermissionDenied
from coach.services import analytics, coaching, exports, training
from coach.services.practice import PracticeService
from tests.training.world import NOW, add_session, build

ACTORS = ("ann", "bob", "tina", "mona", "sam", "theo", "max", "ada", LOCAL_ADMIN)
NORTH_COACHES = {"tina", "mona", "ada", LOCAL_ADMIN}
MANAGERS = {"mona", "ada", LOCAL_ADMIN}


@pytest.fixture
def world(runtime):
    ids = build(runtime)
    drill = training.create_drill(
        runtime,
        actor="tina",
        scenario_id="tiny",
        mode="freeform",
        target_score=50,
        exam=True,
        max_attempts=20,
    )
    given = training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_user="ann")
    sid = add_session(runtime, ids["ann"], score=60, started_at=NOW, assignment_id=given.id)
    note = coaching.add_comment(runtime, actor="tina", session_id=sid, body="Nice")
    return {"drill": drill.id, "assignment": given.id, "session": sid, "comment": note.id}


CASES = {
    "create_drill": (
        {"tina", "mona", "theo", "max", "ada", LOCAL_ADMIN},
        lambda rt, w, a: training.create_drill(rt, actor=a, scenario_id="tiny", mode="freeform"),
    ),
    "assign_drill_to_rep": (
        NORTH_COACHES,
        lambda rt, w, a: training.assign_drill(rt, actor=a, drill_id=w["drill"], to_user="bob"),
    ),
    "assign_drill_to_team": (
        NORTH_COACHES,
        lambda rt, w, a: training.assign_drill(rt, actor=a, drill_id=w["drill"], to_team="North"),
    ),
    "list_drills": (
        {"tina", "mona", "theo", "max", "ada", LOCAL_ADMIN},
        lambda rt, w, a: training.list_drills(rt, actor=a),
    ),
    "list_assignments": (
        {"tina", "mona", "theo", "max", "ada", LOCAL_ADMIN},
        lambda rt, w, a: training.list_assignments(rt, actor=a),
    ),
    "drill_status_report": (
        NORTH_COACHES,
        lambda rt, w, a: training.drill_status_report(rt, actor=a, drill_id=w["drill"]),
    ),
    "my_drills": (
        set(ACTORS) - {LOCAL_ADMIN},
        lambda rt, w, a: training.my_drills(rt, actor=a),
    ),
    "start_attempt": (
        {"ann"},
        lambda rt, w, a: training.start_attempt(
            rt, PracticeService(rt, embedder=FakeEmbedder()), actor=a, assignment_id=w["assignment"]
        ),
    ),
    "my_attempts": (
        {"ann"},
        lambda rt, w, a: training.my_attempts(rt, actor=a, assignment_id=w["assignment"]),
    ),
    "team_certifications": (
        NORTH_COACHES,
        lambda rt, w, a: training.certifications(rt, actor=a, team="North"),
    ),
    "rep_certifications": (
        NORTH_COACHES | {"ann"},
        lambda rt, w, a: training.certifications(rt, actor=a, rep="ann"),
    ),
    "team_report": (
        MANAGERS,
        lambda rt, w, a: analytics.team_report(rt, actor=a, team="North"),
    ),
    "rep_report": (
        MANAGERS | {"ann"},
        lambda rt, w, a: analytics.rep_report(rt, actor=a, rep="ann"),
    ),
    "drill_completion": (
        NORTH_COACHES,
        lambda rt, w, a: analytics.drill_completion(rt, actor=a, team="North"),
    ),
    "add_comment": (
        {"tina", "mona", "ada"},
        lambda rt, w, a: coaching.add_comment(rt, actor=a, session_id=w["session"], body="x"),
    ),
    "session_comments": (
        NORTH_COACHES | {"ann"},
        lambda rt, w, a: coaching.session_comments(rt, actor=a, session_id=w["session"]),
    ),
    "review": (
        NORTH_COACHES | {"ann"},
        lambda rt, w, a: coaching.review(rt, actor=a, session_id=w["session"]),
    ),
    "override_score": (
        {"mona", "ada"},
        lambda rt, w, a: coaching.override_score(
            rt, actor=a, session_id=w["session"], score=70, comment="why"
        ),
    ),
    "override_key_point": (
        {"mona", "ada"},
        lambda rt, w, a: coaching.override_key_point(
            rt,
            actor=a,
            session_id=w["session"],
            key_point_id="greeting",
            status="missed",
            comment="why",
        ),
    ),
    "export_sessions": (
        MANAGERS,
        lambda rt, w, a: exports.export_json(rt, actor=a, kind="sessions", team="North"),
    ),
    "export_scorecards": (
        MANAGERS,
        lambda rt, w, a: exports.export_json(rt, actor=a, kind="scorecards", team="North"),
    ),
    "export_assignments": (
        NORTH_COACHES,
        lambda rt, w, a: exports.export_json(rt, actor=a, kind="assignments", team="North"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_role(runtime, world, name):
    allowed, call = CASES[name]
    outcome = {}
    for actor in ACTORS:
        try:
            call(runtime, world, actor)
            outcome[actor] = True
        except PermissionDenied:
            outcome[actor] = False
    assert {a for a, ok in outcome.items() if ok} == allowed


def test_mark_read_only_by_the_rep(runtime, world):
    for actor in ACTORS:
        if actor == "ann":
            assert coaching.mark_read(runtime, actor=actor, comment_id=world["comment"]).read_at
        else:
            with pytest.raises((PermissionDenied, NotFoundError)):
                coaching.mark_read(runtime, actor=actor, comment_id=world["comment"])


def test_lists_show_only_the_own_team(runtime, world):
    south = training.create_drill(runtime, actor="theo", scenario_id="tiny", mode="freeform")
    training.assign_drill(runtime, actor="theo", drill_id=south.id, to_team="South")
    assert [d.id for d in training.list_drills(runtime, actor="theo")] == [south.id]
    assert [d.id for d in training.list_drills(runtime, actor="tina")] == [world["drill"]]
    assert len(training.list_drills(runtime, actor="ada")) == 2
    assert [a.assignee for a in training.list_assignments(runtime, actor="max")] == ["team South"]
    assert [a.assignee for a in training.list_assignments(runtime, actor="mona")] == ["ann"]
    # A South drill given to North's team (by an admin) still only shows North's reps to North.
    training.assign_drill(runtime, actor="ada", drill_id=south.id, to_team="North")
    reps = {r.rep for r in training.drill_status_report(runtime, actor="mona")}
    assert reps == {"ann", "bob"}
    assert {r.rep for r in training.drill_status_report(runtime, actor="max")} == {"sam"}
    # South coaches cannot give their drill to a North rep.
    with pytest.raises(PermissionDenied):
        training.assign_drill(runtime, actor="theo", drill_id=south.id, to_user="ann")


def test_a_session_started_for_another_teams_drill_does_not_count(runtime, world):
    ids_sam = training.my_drills(runtime, actor="sam")
    assert ids_sam == []
    # Sam's session claims North's assignment (a forged id); it is not an attempt by ann,
    # and Sam is not among the reps it reaches.
    from coach.store.repositories import users

    with runtime.transaction() as s:
        sam = users.get_user_by_username(session=s, username="sam")
    add_session(runtime, sam.id, score=100, started_at=NOW, assignment_id=world["assignment"])
    rows = training.drill_status_report(runtime, actor="ada", drill_id=world["drill"])
    assert [(r.rep, r.attempts) for r in rows] == [("ann", 1)]

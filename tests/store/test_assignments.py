from datetime import UTC, datetime, timedelta

import pytest

from coach.accounts import Role
from coach.store.repositories import assignments, clips, users
from tests.store.helpers import add_content, make_rep


def test_drill_to_team_and_clip_to_rep(runtime):
    due = datetime.now(UTC) + timedelta(days=3)
    with runtime.transaction() as s:
        add_content(s)
        team = users.create_team(session=s, name="T")
        trainer = users.create_user(
            session=s, username="tr", display_name="Tr", password_hash="x", role=Role.TRAINER
        )
        rep = make_rep(s, "r1", team.id)
        other = make_rep(s, "r2", team.id)
        clips.upsert_clip(
            session=s,
            clip_id="c1",
            title="Open",
            language="en",
            turns=[{"speaker": "rep", "text": "Hi"}],
        )
        drill = assignments.create_assignment(
            session=s,
            kind="drill",
            assigned_by=trainer.id,
            assignee_team_id=team.id,
            scenario_id="tiny",
            mode="scripted",
            target_score=80,
            due_at=due,
            title="Week 1 drill",
        )
        task = assignments.create_assignment(
            session=s, kind="clip", assigned_by=trainer.id, assignee_user_id=rep.id, clip_id="c1"
        )
    with runtime.transaction() as s:
        mine = assignments.list_assignments_for_user(session=s, user_id=rep.id)
        assert [a.id for a in mine] == [drill.id, task.id]  # due date first, undated last
        assert [
            a.id for a in assignments.list_assignments_for_user(session=s, user_id=other.id)
        ] == [drill.id]
        assignments.complete_assignment(session=s, assignment_id=drill.id, user_id=rep.id)
        again = assignments.complete_assignment(session=s, assignment_id=drill.id, user_id=rep.id)
        assert again.user_id == rep.id
        assert assignments.is_completed(session=s, assignment_id=drill.id, user_id=rep.id)
        assert not assignments.is_completed(session=s, assignment_id=drill.id, user_id=other.id)
        given = assignments.list_assignments_by(session=s, assigned_by=trainer.id)
        assert {a.id for a in given} == {drill.id, task.id}
        assert len(assignments.get_assignment(session=s, assignment_id=drill.id).completions) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "quiz", "assignee_user_id": 1}, "drill or a clip"),
        ({"kind": "drill", "scenario_id": "tiny", "mode": "scripted"}, "exactly one"),
        (
            {
                "kind": "drill",
                "assignee_user_id": 1,
                "assignee_team_id": 1,
                "scenario_id": "tiny",
                "mode": "x",
            },
            "exactly one",
        ),
        ({"kind": "drill", "assignee_user_id": 1}, "scenario and a mode"),
        ({"kind": "clip", "assignee_user_id": 1}, "needs a clip"),
        (
            {
                "kind": "drill",
                "assignee_user_id": 1,
                "scenario_id": "tiny",
                "mode": "scripted",
                "target_score": 101,
            },
            "target",
        ),
    ],
)
def test_invalid_assignments(runtime, kwargs, message):
    with runtime.transaction() as s, pytest.raises(ValueError, match=message):
        assignments.create_assignment(session=s, assigned_by=None, **kwargs)

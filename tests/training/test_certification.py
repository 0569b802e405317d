"""Certification: passing a certification drill records a dated certificate per rep and scenario."""

from datetime import timedelta

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.errors import PermissionDenied
from coach.services import coaching, training
from tests.training.world import NOW, add_session, build


@pytest.fixture
def ids(runtime):
    return build(runtime)


@pytest.fixture
def cert(runtime, ids):
    drill = training.create_drill(
        runtime,
        actor="tina",
        scenario_id="tiny",
        mode="freeform",
        target_score=80,
        certification=True,
    )
    return training.assign_drill(runtime, actor="tina", drill_id=drill.id, to_team="North")


def test_passing_records_one_dated_certificate(runtime, ids, cert):
    add_session(runtime, ids["ann"], score=70, started_at=NOW, assignment_id=cert.id)
    assert training.certifications(runtime, actor="mona") == []
    first = add_session(runtime, ids["ann"], score=85, started_at=NOW, assignment_id=cert.id)
    later = NOW + timedelta(minutes=30)
    add_session(runtime, ids["ann"], score=95, started_at=later, assignment_id=cert.id)
    # A free session scoring 100 certifies nothing: a certification is an exam.
    add_session(runtime, ids["bob"], score=100, started_at=NOW)
    got = training.certifications(runtime, actor="mona")
    assert [(c.rep, c.scenario_id, c.session_id, c.score) for c in got] == [
        ("ann", "tiny", first, 85)
    ]
    assert got[0].certified_at is not None
    # Reading again adds nothing.
    assert len(training.certifications(runtime, actor="ada")) == 1


def test_the_scoring_hook_records_it_inside_the_transaction(runtime, ids, cert):
    sid = add_session(runtime, ids["bob"], score=90, started_at=NOW, assignment_id=cert.id)
    with runtime.transaction() as s:
        assert training.record_scorecard(s, sid) == 1
        assert training.record_scorecard(s, sid) == 0
        assert training.record_scorecard(s, "missing") == 0


def test_an_override_to_a_pass_certifies(runtime, ids, cert):
    sid = add_session(runtime, ids["bob"], score=60, started_at=NOW, assignment_id=cert.id)
    coaching.override_score(
        runtime, actor="mona", session_id=sid, score=81, comment="Misheard close"
    )
    assert [c.rep for c in training.certifications(runtime, actor="bob")] == ["bob"]


def test_who_sees_which_certificates(runtime, ids, cert):
    add_session(runtime, ids["ann"], score=90, started_at=NOW, assignment_id=cert.id)
    south = training.create_drill(
        runtime,
        actor="theo",
        scenario_id="tiny",
        mode="freeform",
        target_score=50,
        certification=True,
    )
    given = training.assign_drill(runtime, actor="theo", drill_id=south.id, to_user="sam")
    add_session(runtime, ids["sam"], score=90, started_at=NOW, assignment_id=given.id)

    def reps(actor, **kw):
        return sorted(c.rep for c in training.certifications(runtime, actor=actor, **kw))

    assert reps("ada") == reps(LOCAL_ADMIN) == ["ann", "sam"]
    assert reps("mona") == reps("tina") == reps("mona", team="North") == ["ann"]
    assert reps("max") == ["sam"]
    assert reps("ann") == ["ann"] and reps("bob") == [] and reps("sam") == ["sam"]
    assert reps("ada", team="South") == ["sam"]
    with pytest.raises(PermissionDenied):
        training.certifications(runtime, actor="mona", team="South")
    with pytest.raises(PermissionDenied):
        training.certifications(runtime, actor="mona", rep="sam")
    with pytest.raises(PermissionDenied):
        training.certifications(runtime, actor="bob", rep="ann")
    with pytest.raises(PermissionDenied):
        training.certifications(runtime, actor="ann", team="North")

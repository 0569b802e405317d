"""Starting a practice session for a drill goes through the drill's rules, on the server."""

from __future__ import annotations

import pytest

from coach.backends.fake import FakeEmbedder
from coach.errors import CoachError, PermissionDenied
from coach.services import training
from coach.services.practice import PracticeService


@pytest.fixture
def practice(seeded_runtime):
    return PracticeService(seeded_runtime, embedder=FakeEmbedder())


def _exam(runtime, **kw):
    drill = training.create_drill(
        runtime,
        actor="trainer",
        scenario_id="crm-logistics-discovery",
        mode="scripted",
        exam=True,
        max_attempts=1,
        target_score=70,
        **kw,
    )
    return training.assign_drill(runtime, actor="trainer", drill_id=drill.id, to_user="rep")


def test_a_drill_attempt_runs_without_hints_and_counts_against_the_limit(
    seeded_runtime, practice
):
    given = _exam(seeded_runtime)
    started = training.start_attempt(
        seeded_runtime, practice, actor="rep", assignment_id=given.id
    )
    assert practice.view(started.session_id, actor="rep").status == "active"
    practice.end(started.session_id, actor="rep")
    with pytest.raises(CoachError, match="no attempts left"):
        practice.start(
            actor="rep",
            scenario_id="crm-logistics-discovery",
            mode="scripted",
            assignment_id=given.id,
        )


def test_an_assignment_id_of_someone_else_or_of_another_drill_is_refused(
    seeded_runtime, practice
):
    given = _exam(seeded_runtime)
    # another user forging the id gets no session for it
    with pytest.raises(PermissionDenied):
        practice.start(
            actor="rep-zh",
            scenario_id="crm-logistics-discovery",
            mode="scripted",
            assignment_id=given.id,
        )
    # the rep cannot use the drill's id for another scenario or mode
    with pytest.raises(CoachError, match="not 'crm-logistics-discovery' in freeform mode"):
        practice.start(
            actor="rep",
            scenario_id="crm-logistics-discovery",
            mode="freeform",
            assignment_id=given.id,
        )
    assert practice.active_session(actor="rep") is None

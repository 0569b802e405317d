"""A customer turn built from clip-library lines keeps the clips' ids, in the store and the view."""

from coach.backends.fake import FakeEmbedder
from coach.personas.engine import SourcedLine
from coach.services.practice import PracticeService


def test_the_service_hands_the_engine_clip_lines_with_their_ids(seeded_runtime):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    lines = service._customer_lines("crm-logistics-discovery", "price")
    assert lines and all(isinstance(line, SourcedLine) for line in lines)
    assert all(line.clip_id.startswith("en-crm") for line in lines)
    assert len({line.text for line in lines}) == len(lines)


def test_clip_ids_are_stored_with_the_customer_turn_and_shown(seeded_runtime, customer_from_a_clip):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")
    result = service.take_turn(
        started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow."
    )
    assert result.clips == [customer_from_a_clip] and result.as_dict()["clips"] == result.clips
    view = service.view(started.session_id, actor="rep")
    customer = view.turns[-1]
    assert customer.speaker == "customer"
    assert customer.clips == [customer_from_a_clip] and customer.meta["clips"] == customer.clips
    assert view.turns[0].clips == []  # the pick-up line is the persona's own

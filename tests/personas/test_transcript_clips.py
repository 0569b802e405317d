"""The transcript (``coach practice --json``, the API) names the clips a customer turn used."""

from coach.backends.fake import FakeEmbedder
from coach.services.practice import PracticeService


def test_the_transcript_names_the_clips_of_each_customer_turn(seeded_runtime, customer_from_a_clip):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    started = service.start(actor="rep", scenario_id="crm-logistics-discovery", mode="freeform")
    service.take_turn(started.session_id, actor="rep", text="Hi Dana, this is Alex from FleetFlow.")
    turns = service.transcript(started.session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert "clips" not in turns[0] and "clips" not in turns[1]  # pick-up line, the rep
    assert turns[2]["clips"] == [customer_from_a_clip]

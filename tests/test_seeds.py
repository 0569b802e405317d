"""The seed content is good enough for a trainer to use as a template."""

from collections import Counter

import pytest

from coach.content.catalog import load_catalog
from coach.personas.model import MOVES
from tests.conftest import SEEDS

CATALOG = load_catalog([SEEDS])


def test_counts():
    languages = Counter(s.language for s in CATALOG.scenarios.values())
    assert len(CATALOG.scenarios) >= 3 and languages["en"] >= 1 and languages["zh"] >= 1
    assert len(CATALOG.personas) >= 6
    assert len(CATALOG.clips) >= 40
    assert {c.language for c in CATALOG.clips.values()} == {"en", "zh"}


@pytest.mark.parametrize("scenario_id", sorted(CATALOG.scenarios))
def test_scenario_is_complete(scenario_id):
    s = CATALOG.scenarios[scenario_id]
    assert len(s.key_points) >= 7
    assert all(2 <= len(p.examples) <= 4 for p in s.key_points), "2-4 examples per key point"
    assert len(s.stages) >= 3 and any(p.required for p in s.key_points)
    assert s.forbidden and s.script and s.must_say
    assert s.flow is not None and any(node.branches for node in s.flow.nodes)
    assert s.reference_problems() == []
    difficulties = {CATALOG.personas[p].difficulty for p in s.personas}
    assert len(s.personas) >= 2 and len(difficulties) >= 2


def test_flows_reach_every_node():
    for s in CATALOG.scenarios.values():
        assert s.flow is not None
        reached, todo = set(), [s.flow.start]
        while todo:
            node = s.flow.node(todo.pop())
            if node.id in reached:
                continue
            reached.add(node.id)
            todo += [b.next for b in node.branches] + ([node.next] if node.next else [])
        assert reached == {n.id for n in s.flow.nodes}, s.id


def test_personas_have_full_response_banks():
    for p in CATALOG.personas.values():
        assert p.objections and p.hidden_needs and p.opening_line
        assert set(p.responses) <= set(MOVES) and len(p.responses) >= 8, p.id


def test_clips_are_tagged():
    for clip in CATALOG.clips.values():
        kinds = {kind for kind, _ in clip.tag_pairs()}
        assert {"language", "scenario", "stage", "key_point"} <= kinds, clip.id
        assert any(t.speaker == "rep" for t in clip.turns)
    objections = Counter(c.objection for c in CATALOG.clips.values() if c.objection)
    assert {"price", "timing", "trust", "competitor"} <= set(objections)


def test_no_forbidden_phrase_in_model_lines():
    for s in CATALOG.scenarios.values():
        said = " ".join(s.script + [e for p in s.key_points for e in p.examples]).lower()
        for rule in s.forbidden:
            for phrase in [rule.phrase, *rule.variants]:
                assert phrase.lower() not in said, (s.id, phrase)

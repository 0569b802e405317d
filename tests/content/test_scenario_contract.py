"""The scenario fields in DESIGN.md are a public contract: files written to it must load."""

import pytest
from pydantic import ValidationError

from coach.content.yamlfile import parse_model, parse_yaml_text
from coach.scenarios.model import Scenario

MINIMAL = """
id: crm-logistics-discovery
title: "Discovery call: CRM for a logistics firm"
language: en
key_points:
  - id: greeting
    description: Greets the customer politely and checks it is a good time to talk.
"""

DESIGN_EXAMPLE = """
id: crm-logistics-discovery        # unique, [a-z0-9-]
title: "Discovery call: CRM for a logistics firm"
language: en                       # en | zh
product: |
  FleetFlow CRM.
key_points:
  - id: greeting
    stage: opening
    description: Greets the customer politely and checks it is a good time to talk.
    examples: ["Good morning, is this a good time?", "Hi Ms. Li, thanks for picking up"]
    weight: 1
    required: true
  - id: self_intro
    description: Says who they are and which company they call from.
forbidden:
  - phrase: "guaranteed"
    reason: no guarantees of results
script:
  - "Good morning, this is Alex from ..."
personas: [li-wei-it-director]
"""


def _load(text):
    return parse_model(Scenario, parse_yaml_text(text, display_path="x.yaml"))


def test_minimal_scenario_loads_with_defaults():
    scenario = _load(MINIMAL)
    point = scenario.key_points[0]
    assert (point.stage, point.examples, point.weight, point.required) == (
        "general",
        [],
        1.0,
        False,
    )
    assert scenario.flow is None and scenario.script == [] and scenario.forbidden == []


def test_design_example_loads():
    scenario = _load(DESIGN_EXAMPLE)
    assert scenario.key_point("greeting").required
    assert scenario.forbidden[0].phrase == "guaranteed"
    assert scenario.stages == ["opening", "general"]


@pytest.mark.parametrize("bad_id", ["Has Caps", "under_score", "-dash", ""])
def test_scenario_id_format(bad_id):
    with pytest.raises(ValidationError):
        Scenario.model_validate(
            {
                "id": bad_id,
                "title": "t",
                "language": "en",
                "key_points": [{"id": "k", "description": "d"}],
            }
        )


def test_duplicate_key_point_ids_are_refused():
    with pytest.raises(ValidationError, match="used twice"):
        Scenario.model_validate(
            {
                "id": "s",
                "title": "t",
                "language": "en",
                "key_points": [{"id": "k", "description": "d"}, {"id": "k", "description": "e"}],
            }
        )


def test_flow_reference_problems():
    scenario = Scenario.model_validate(
        {
            "id": "s",
            "title": "t",
            "language": "zh",
            "key_points": [{"id": "k", "description": "d"}],
            "flow": {
                "start": "a",
                "nodes": [
                    {
                        "id": "a",
                        "customer": "喂？",
                        "expects": ["k", "zz"],
                        "branches": [{"when": ["k"], "next": "nowhere"}],
                    },
                    {"id": "b", "customer": "好的", "next": "a"},
                ],
            },
        }
    )
    messages = {loc: msg for loc, msg in scenario.reference_problems()}
    assert "not a key point" in messages[("flow", "nodes", 0, "expects", 1)]
    assert "no flow node" in messages[("flow", "nodes", 0, "branches", 0, "next")]
    assert "no end node" in messages[("flow", "nodes")]

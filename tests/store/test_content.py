import pytest

from coach.errors import NotFoundError
from coach.store.repositories import content
from tests.store.helpers import PERSONA, SCENARIO


def test_scenario_upsert_versions_only_on_change(runtime):
    with runtime.transaction() as s:
        _, change = content.upsert_scenario(session=s, scenario=SCENARIO, source_path="a.yaml")
        assert change == "created"
        _, change = content.upsert_scenario(session=s, scenario=SCENARIO)
        assert change == "unchanged"
        edited = SCENARIO.model_copy(update={"title": "Tiny, edited"})
        row, change = content.upsert_scenario(session=s, scenario=edited)
        assert change == "updated" and row.version == 2 and row.source_path == "a.yaml"
    with runtime.transaction() as s:
        loaded = content.get_scenario(session=s, scenario_id="tiny")
        assert loaded.title == "Tiny, edited"
        assert loaded.key_point("next_step").required is True
        assert [r.id for r in content.list_scenarios(session=s, language="en")] == ["tiny"]
        assert content.list_scenarios(session=s, language="zh") == []


def test_scenario_document_round_trips_exactly(runtime):
    with runtime.transaction() as s:
        content.upsert_scenario(session=s, scenario=SCENARIO)
    with runtime.transaction() as s:
        assert content.get_scenario(session=s, scenario_id="tiny") == SCENARIO


def test_archive_hides_but_keeps(runtime):
    with runtime.transaction() as s:
        content.upsert_scenario(session=s, scenario=SCENARIO)
        content.archive_scenario(session=s, scenario_id="tiny")
        assert content.list_scenarios(session=s) == []
        assert len(content.list_scenarios(session=s, include_archived=True)) == 1
        _, change = content.upsert_scenario(session=s, scenario=SCENARIO)
        assert change == "updated"
        assert len(content.list_scenarios(session=s)) == 1


def test_persona_round_trip_and_missing(runtime):
    with runtime.transaction() as s:
        _, change = content.upsert_persona(session=s, persona=PERSONA)
        assert change == "created"
        assert content.upsert_persona(session=s, persona=PERSONA)[1] == "unchanged"
    with runtime.transaction() as s:
        assert content.get_persona(session=s, persona_id="pat") == PERSONA
        assert [p.difficulty for p in content.list_personas(session=s)] == [3]
        with pytest.raises(NotFoundError):
            content.get_persona(session=s, persona_id="nobody")
        with pytest.raises(NotFoundError):
            content.get_scenario(session=s, scenario_id="nothing")

"""The trainer's content editor: check, save and reload scenarios and personas."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import ContentError, PermissionDenied
from coach.services import content, setup
from coach.services.runtime import Runtime


def _renamed(text: str, old: str, new: str) -> str:
    return text.replace(f"id: {old}\n", f"id: {new}\n", 1)


def test_trainer_saves_a_valid_scenario_and_it_is_listed(seeded_runtime: Runtime) -> None:
    text = _renamed(content.template_text("scenario", "en"), "my-new-scenario", "trainer-discovery")
    saved = content.save_document(seeded_runtime, actor="trainer", kind="scenario", text=text)
    assert saved.item_id == "trainer-discovery"
    assert saved.change == "created"
    path = Path(saved.path)
    assert path == content.content_dir(seeded_runtime) / "scenarios" / "trainer-discovery.yaml"
    assert path.read_text(encoding="utf-8") == text
    listed = {s.id: s for s in content.list_scenarios(seeded_runtime)}
    assert listed["trainer-discovery"].key_points == 3
    assert listed["trainer-discovery"].modes == ["readalong", "recitation", "scripted"]
    # `coach init` again reads the saved file back (seeds plus the data dir's content).
    setup.initialise(seeded_runtime)
    assert (
        content.document_text(seeded_runtime, kind="scenario", item_id="trainer-discovery") == text
    )


def test_a_rep_is_refused_and_nothing_is_written(seeded_runtime: Runtime) -> None:
    text = content.template_text("scenario", "en")
    with pytest.raises(PermissionDenied):
        content.save_document(seeded_runtime, actor="rep", kind="scenario", text=text)
    assert not (content.content_dir(seeded_runtime) / "scenarios").exists()
    assert "my-new-scenario" not in {s.id for s in content.list_scenarios(seeded_runtime)}


def test_manager_is_refused_too(seeded_runtime: Runtime) -> None:
    with pytest.raises(PermissionDenied):
        content.save_document(
            seeded_runtime,
            actor="manager",
            kind="persona",
            text=content.template_text("persona", "en"),
        )


def test_malformed_yaml_gives_line_and_column(seeded_runtime: Runtime) -> None:
    text = "id: broken\ntitle: x\nkey_points:\n  - id: a\n   description: [unclosed\n"
    check = content.check_document(seeded_runtime, kind="scenario", text=text)
    assert not check.ok
    [issue] = check.issues
    assert issue.line == 5
    assert "column" in issue.message


def test_field_errors_name_the_field_and_line(seeded_runtime: Runtime) -> None:
    text = content.template_text("scenario", "en").replace(
        'examples: ["How do you handle this today?"]', "examples: 12"
    )
    check = content.check_document(seeded_runtime, kind="scenario", text=text)
    lines = text.splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "examples: 12" in line)
    assert [(i.field, i.line) for i in check.issues] == [("key_points[1].examples", expected)]
    with pytest.raises(ContentError) as raised:
        content.save_document(seeded_runtime, actor="trainer", kind="scenario", text=text)
    assert raised.value.issues[0].line == expected


def test_unknown_persona_reference_is_an_issue(seeded_runtime: Runtime) -> None:
    text = content.template_text("scenario", "en").replace(
        "script:", "personas: [nobody-here]\nscript:", 1
    )
    check = content.check_document(seeded_runtime, kind="scenario", text=text)
    assert [i.field for i in check.issues] == ["personas[0]"]
    assert "nobody-here" in check.issues[0].message


def test_a_built_in_seed_id_is_refused(seeded_runtime: Runtime) -> None:
    text = content.document_text(seeded_runtime, kind="scenario", item_id="crm-logistics-discovery")
    assert content.check_document(seeded_runtime, kind="scenario", text=text).ok
    with pytest.raises(ContentError, match="built-in") as raised:
        content.save_document(seeded_runtime, actor="trainer", kind="scenario", text=text)
    [issue] = raised.value.issues
    assert issue.field == "id"
    assert text.splitlines()[(issue.line or 0) - 1].startswith("id: crm-logistics-discovery")


def test_a_chinese_scenario_round_trips(seeded_runtime: Runtime) -> None:
    text = content.template_text("scenario", "zh")
    saved = content.save_document(seeded_runtime, actor="admin", kind="scenario", text=text)
    assert content.document_text(seeded_runtime, kind="scenario", item_id=saved.item_id) == text
    scenario = content.get_scenario(seeded_runtime, scenario_id=saved.item_id)
    assert scenario.language == "zh"
    assert scenario.key_points[0].description == "礼貌问候客户，并确认现在方便通话。"
    again = content.save_document(seeded_runtime, actor="admin", kind="scenario", text=text)
    assert again.change == "unchanged"


def test_a_persona_is_saved_and_listed(seeded_runtime: Runtime) -> None:
    saved = content.save_document(
        seeded_runtime, actor="trainer", kind="persona", text=content.template_text("persona", "zh")
    )
    listed = {p.id: p for p in content.list_personas(seeded_runtime, language="zh")}
    assert listed[saved.item_id].difficulty == 2

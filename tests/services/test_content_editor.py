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


# --- deleting saved content ---------------------------------------------------------------


def _saved_scenario(runtime: Runtime, item_id: str = "trainer-delete-me") -> content.SavedDocument:
    text = _renamed(content.template_text("scenario", "en"), "my-new-scenario", item_id)
    return content.save_document(runtime, actor="trainer", kind="scenario", text=text)


def test_a_saved_unused_scenario_is_deleted_and_stays_gone(seeded_runtime: Runtime) -> None:
    from coach.store.models import ClipRow

    saved = _saved_scenario(seeded_runtime)
    with seeded_runtime.transaction() as session:
        session.add(ClipRow(id="clip-of-it", title="x", language="en", scenario_id=saved.item_id))
    deleted = content.delete_document(
        seeded_runtime, actor="trainer", kind="scenario", item_id=saved.item_id
    )
    assert deleted.path == saved.path
    assert deleted.unlinked_clips == 1
    assert not Path(saved.path).exists()
    assert not list(Path(saved.path).parent.glob("*.deleting"))
    assert saved.item_id not in {s.id for s in content.list_scenarios(seeded_runtime)}
    with seeded_runtime.transaction() as session:
        clip = session.get(ClipRow, "clip-of-it")
        assert clip is not None and clip.scenario_id is None  # the clip stays, unlinked
    setup.initialise(seeded_runtime)  # `coach init` does not bring it back
    assert saved.item_id not in {s.id for s in content.list_scenarios(seeded_runtime)}


def test_a_built_in_seed_cannot_be_deleted(seeded_runtime: Runtime) -> None:
    with pytest.raises(content.DeleteRefusedError, match="built-in") as raised:
        content.delete_document(
            seeded_runtime, actor="admin", kind="scenario", item_id="crm-logistics-discovery"
        )
    assert "内置" in str(raised.value)
    assert "crm-logistics-discovery" in {s.id for s in content.list_scenarios(seeded_runtime)}


def test_a_rep_cannot_delete_and_the_file_stays(seeded_runtime: Runtime) -> None:
    saved = _saved_scenario(seeded_runtime)
    for actor in ("rep", "manager"):
        with pytest.raises(PermissionDenied):
            content.delete_document(
                seeded_runtime, actor=actor, kind="scenario", item_id=saved.item_id
            )
    assert Path(saved.path).is_file()


def test_an_unknown_id_is_not_found(seeded_runtime: Runtime) -> None:
    from coach.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no persona"):
        content.delete_document(seeded_runtime, actor="trainer", kind="persona", item_id="nobody")


def test_a_scenario_with_a_drill_is_kept_and_the_reason_given(seeded_runtime: Runtime) -> None:
    from coach.services import training

    saved = _saved_scenario(seeded_runtime)
    training.create_drill(
        seeded_runtime, actor="trainer", scenario_id=saved.item_id, mode="scripted", title="d"
    )
    with pytest.raises(content.DeleteRefusedError, match="1 drill") as raised:
        content.delete_document(
            seeded_runtime, actor="trainer", kind="scenario", item_id=saved.item_id
        )
    assert "1 个练习任务" in str(raised.value)
    assert Path(saved.path).is_file()
    assert saved.item_id in {s.id for s in content.list_scenarios(seeded_runtime)}


def test_a_persona_a_scenario_offers_is_kept_until_removed(seeded_runtime: Runtime) -> None:
    persona = content.save_document(
        seeded_runtime, actor="trainer", kind="persona", text=content.template_text("persona", "en")
    )
    text = _renamed(content.template_text("scenario", "en"), "my-new-scenario", "offers-it")
    text = text.replace("script:", f"personas: [{persona.item_id}]\nscript:", 1)
    scenario = content.save_document(seeded_runtime, actor="trainer", kind="scenario", text=text)
    with pytest.raises(content.DeleteRefusedError, match="offers-it") as raised:
        content.delete_document(
            seeded_runtime, actor="trainer", kind="persona", item_id=persona.item_id
        )
    assert "personas" in str(raised.value)  # says what to do
    content.delete_document(
        seeded_runtime, actor="trainer", kind="scenario", item_id=scenario.item_id
    )
    content.delete_document(seeded_runtime, actor="trainer", kind="persona", item_id=persona.item_id)
    assert not Path(persona.path).exists()

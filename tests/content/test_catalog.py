import shutil

from coach.content.catalog import load_catalog
from tests.conftest import SEEDS


def test_seeds_are_valid():
    catalog = load_catalog([SEEDS])
    assert catalog.issues == []


def _copy_seeds(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_broken_reference_names_file_field_and_line(tmp_path):
    seeds = _copy_seeds(tmp_path)
    scenario = seeds / "scenarios" / "crm-logistics-discovery.yaml"
    text = scenario.read_text()
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("personas:"))
    at = next(n for n in range(start, len(lines)) if "dana-ops-director" in lines[n])
    lines[at] = lines[at].replace("dana-ops-director", "dana-ops-directr")
    text = "\n".join(lines) + "\n"
    scenario.write_text(text)
    expected_line = next(
        n for n, line in enumerate(text.splitlines(), 1) if "dana-ops-directr" in line
    )
    catalog = load_catalog([seeds])
    [issue] = [i for i in catalog.issues if "dana-ops-directr" in i.message]
    assert issue.file.endswith("crm-logistics-discovery.yaml")
    assert issue.field.startswith("personas[") and issue.line == expected_line


def test_duplicate_ids_across_files(tmp_path):
    seeds = _copy_seeds(tmp_path)
    shutil.copy(seeds / "personas" / "dana-ops-director.yaml", seeds / "personas" / "copy.yaml")
    catalog = load_catalog([seeds])
    [issue] = [i for i in catalog.issues if "already defined" in i.message]
    assert issue.field == "id" and issue.line is not None


def test_unknown_file_kind(tmp_path):
    (tmp_path / "notes.yaml").write_text("hello: world\n")
    catalog = load_catalog([tmp_path / "notes.yaml"])
    [issue] = catalog.issues
    assert "cannot tell what this file is" in issue.message


def test_persona_response_keys_must_be_moves(tmp_path):
    seeds = _copy_seeds(tmp_path)
    persona = seeds / "personas" / "dana-ops-director.yaml"
    persona.write_text(
        persona.read_text().replace("responses:\n", 'responses:\n  dance: ["la la"]\n', 1)
    )
    catalog = load_catalog([seeds])
    assert any(i.field == "responses.dance" and i.line for i in catalog.issues)


def test_a_bad_key_point_part_names_file_field_and_line(tmp_path):
    seeds = _copy_seeds(tmp_path)
    scenario = seeds / "scenarios" / "crm-logistics-discovery.yaml"
    text = scenario.read_text().replace("act: time_check,", "act: telepathy,", 1)
    scenario.write_text(text)
    expected_line = next(n for n, line in enumerate(text.splitlines(), 1) if "telepathy" in line)
    catalog = load_catalog([seeds])
    [issue] = [i for i in catalog.issues if "parts" in i.field]
    assert issue.file.endswith("crm-logistics-discovery.yaml")
    assert issue.field.startswith("key_points[0].parts[2]") and issue.line == expected_line

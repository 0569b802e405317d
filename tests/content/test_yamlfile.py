import pytest

from coach.content.yamlfile import format_loc, load_yaml, parse_model, parse_yaml_text
from coach.errors import ContentError
from coach.scenarios.model import Scenario


def _issues(text: str, path="s.yaml"):
    with pytest.raises(ContentError) as info:
        parse_model(Scenario, parse_yaml_text(text, display_path=path))
    return info.value.issues


def test_lines_are_recorded_for_nested_fields():
    doc = parse_yaml_text("a:\n  b:\n    - x\n    - y: 1\n", display_path="f.yaml")
    assert doc.lines[("a",)] == 1 and doc.lines[("a", "b")] == 2
    assert doc.lines[("a", "b", 1)] == 4 and doc.lines[("a", "b", 1, "y")] == 4


def test_unknown_field_names_file_field_and_line():
    text = "id: s\ntitle: T\nlanguage: en\nkey_points:\n  - id: k\n    description: d\n    exampels: [x]\n"
    [issue] = _issues(text)
    assert (issue.file, issue.field, issue.line) == ("s.yaml", "key_points[0].exampels", 7)
    assert "unknown field" in issue.message
    assert str(issue).startswith("s.yaml:7: key_points[0].exampels:")


def test_wrong_type_and_missing_field():
    text = "id: s\ntitle: T\nlanguage: fr\nkey_points:\n  - id: k\n    description: d\n    weight: heavy\n  - id: j\n"
    issues = {i.field: i for i in _issues(text)}
    assert issues["language"].line == 3
    assert issues["key_points[0].weight"].line == 7
    assert issues["key_points[1].description"].line == 8
    assert "missing" in issues["key_points[1].description"].message


def test_syntax_error_has_a_line():
    with pytest.raises(ContentError) as info:
        parse_yaml_text("id: s\ntitle: [unclosed\nlanguage: en\n", display_path="bad.yaml")
    [issue] = info.value.issues
    assert issue.file == "bad.yaml" and issue.line is not None and "syntax" in issue.message


def test_duplicate_keys_are_errors_not_silently_overwritten():
    with pytest.raises(ContentError) as info:
        parse_yaml_text("id: a\ntitle: T\nid: b\n", display_path="d.yaml")
    [issue] = info.value.issues
    assert issue.line == 3 and "duplicate key 'id' (first at line 1)" in issue.message


def test_empty_and_unreadable_files(tmp_path):
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    with pytest.raises(ContentError, match="empty"):
        load_yaml(tmp_path / "empty.yaml")
    (tmp_path / "latin.yaml").write_bytes(b"id: caf\xe9\n")
    with pytest.raises(ContentError, match="UTF-8"):
        load_yaml(tmp_path / "latin.yaml")
    with pytest.raises(ContentError, match="cannot read"):
        load_yaml(tmp_path / "missing.yaml")


def test_format_loc():
    assert format_loc(("flow", "nodes", 2, "next")) == "flow.nodes[2].next"
    assert format_loc(()) == ""

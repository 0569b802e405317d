"""Read YAML files while remembering the line of every field, so errors can point at it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from coach.errors import ContentError, ContentIssue

Loc = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
M = TypeVar("M", bound=BaseModel)


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and the 1-based line of each field path."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Return the line of the deepest part of ``loc`` that exists in the file."""
        best: int | None = self.lines.get((), None)
        prefix: list[str | int] = []
        for part in loc:
            candidate = (*prefix, part)
            if candidate in self.lines:
                prefix.append(part)
                best = self.lines[candidate]
            # Parts pydantic adds for unions and validators (e.g. "function-after[...]")
            # are not in the file; skip them and keep walking.
        return best

    def real_loc(self, loc: Sequence[str | int]) -> Loc:
        """Drop the parts of a pydantic error location that are not keys of the file.

        Pydantic adds parts for unions and validators (``function-after[...]``); the
        last part of a location may be a key that is missing from the file, so it is kept.
        """
        prefix: list[str | int] = []
        for position, part in enumerate(loc):
            candidate = (*prefix, part)
            is_last = position == len(loc) - 1
            if candidate in self.lines or (is_last and not _is_synthetic(part)):
                prefix.append(part)
        return tuple(prefix)


def _is_synthetic(part: str | int) -> bool:
    return isinstance(part, str) and "[" in part


def format_loc(loc: Sequence[str | int]) -> str:
    """Format a field path as ``key_points[2].examples``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _walk(node: yaml.Node, loc: Loc, doc: YamlDocument, issues: list[ContentIssue]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                issues.append(
                    ContentIssue(
                        doc.path,
                        format_loc((*loc, key)),
                        line,
                        f"duplicate key {key!r} (first at line {seen[key]})",
                    )
                )
            seen[key] = line
            doc.lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), doc, issues)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), doc, issues)


def load_yaml(path: str | Path, *, display_path: str | None = None) -> YamlDocument:
    """Parse a YAML file into data plus a map of field paths to lines.

    Raises ContentError naming the file and line on unreadable files, syntax errors,
    duplicate keys or an empty document.
    """
    shown = display_path or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [ContentIssue(shown, "", None, f"not UTF-8 text ({exc.reason})")]
        ) from exc
    except OSError as exc:
        raise ContentError(
            [ContentIssue(shown, "", None, f"cannot read file: {exc.strerror}")]
        ) from exc
    return parse_yaml_text(text, display_path=shown)


def parse_yaml_text(text: str, *, display_path: str) -> YamlDocument:
    """Parse YAML text (see :func:`load_yaml`)."""
    doc = YamlDocument(path=display_path, data=None)
    try:
        # One parse: compose the node tree (for lines), then build the data from it.
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise ContentError([ContentIssue(display_path, "", line, message)]) from exc
    except yaml.YAMLError as exc:
        raise ContentError([ContentIssue(display_path, "", None, f"YAML error: {exc}")]) from exc
    if node is None or data is None:
        raise ContentError([ContentIssue(display_path, "", 1, "the file is empty")])
    issues: list[ContentIssue] = []
    doc.lines[()] = node.start_mark.line + 1
    _walk(node, (), doc, issues)
    if issues:
        raise ContentError(issues)
    doc.data = data
    return doc


def issues_from_validation(
    doc: YamlDocument, error: ValidationError, *, base: Loc = ()
) -> list[ContentIssue]:
    """Turn a pydantic ValidationError into issues that name the field and its line."""
    issues = []
    for item in error.errors(include_url=False):
        loc = doc.real_loc((*base, *item["loc"]))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see the file format in the README)"
        elif item["type"] == "missing":
            message = "required field is missing"
        issues.append(ContentIssue(doc.path, format_loc(loc), doc.line_of(loc), message))
    return issues


def parse_model(model: type[M], doc: YamlDocument, *, data: Any = None, base: Loc = ()) -> M:
    """Validate ``data`` (default: the whole document) as ``model``, or raise ContentError."""
    payload = doc.data if data is None else data
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ContentError(issues_from_validation(doc, exc, base=base)) from exc

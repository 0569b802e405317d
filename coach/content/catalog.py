"""Load a tree of content files (scenarios, personas, clips, users) and check it as a whole.

A file's kind comes from its folder (``scenarios/``, ``personas/``, ``clips/``) or, failing
that, from its fields. Every problem is collected, so one run reports all of them, each
with the file, the field and the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from coach.accounts import UsersFile
from coach.clip_library.model import ClipPack, ClipSpec
from coach.content.yamlfile import YamlDocument, format_loc, load_yaml, parse_model
from coach.errors import ContentError, ContentIssue
from coach.personas.model import Persona
from coach.scenarios.model import Scenario

Kind = Literal["scenario", "persona", "clips", "users"]
YAML_SUFFIXES = (".yaml", ".yml")
_FOLDER_KINDS: dict[str, Kind] = {
    "scenarios": "scenario",
    "personas": "persona",
    "clips": "clips",
}


@dataclass
class Catalog:
    """Everything loaded from a set of content files, with the problems found."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    personas: dict[str, Persona] = field(default_factory=dict)
    clips: dict[str, ClipSpec] = field(default_factory=dict)
    users: UsersFile | None = None
    sources: dict[tuple[Kind, str], str] = field(default_factory=dict)
    issues: list[ContentIssue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    _docs: dict[tuple[Kind, str], tuple[YamlDocument, tuple[str | int, ...]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.issues

    def raise_for_issues(self) -> None:
        """Raise ContentError listing every problem, if there is any."""
        if self.issues:
            raise ContentError(self.issues)

    def _issue(self, kind: Kind, item_id: str, loc: tuple[str | int, ...], message: str) -> None:
        doc, base = self._docs[(kind, item_id)]
        full = (*base, *loc)
        self.issues.append(ContentIssue(doc.path, format_loc(full), doc.line_of(full), message))


def detect_kind(path: Path, data: Any) -> Kind | None:
    """Decide what a content file holds, from its folder first and then its fields."""
    for parent in path.parents:
        if parent.name in _FOLDER_KINDS:
            return _FOLDER_KINDS[parent.name]
    if path.stem == "users":
        return "users"
    if isinstance(data, dict):
        if "key_points" in data:
            return "scenario"
        if "difficulty" in data or "agree_when" in data:
            return "persona"
        if "clips" in data:
            return "clips"
        if "users" in data or "teams" in data:
            return "users"
    return None


def iter_yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into the YAML files they hold, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_catalog(paths: Iterable[str | Path]) -> Catalog:
    """Load every content file under ``paths`` and check references between them.

    Never raises for bad content: problems are in ``Catalog.issues``.
    """
    catalog = Catalog()
    for path in iter_yaml_files(paths):
        shown = _display(path)
        catalog.files.append(shown)
        if not path.exists():
            catalog.issues.append(ContentIssue(shown, "", None, "no such file or folder"))
            continue
        try:
            doc = load_yaml(path, display_path=shown)
            _add_document(catalog, path, doc)
        except ContentError as exc:
            catalog.issues += exc.issues
    _check_references(catalog)
    return catalog


def _remember(
    catalog: Catalog, kind: Kind, item_id: str, doc: YamlDocument, base: tuple[str | int, ...]
) -> bool:
    key = (kind, item_id)
    if key in catalog.sources:
        line = doc.line_of((*base, "id"))
        catalog.issues.append(
            ContentIssue(
                doc.path,
                format_loc((*base, "id")),
                line,
                f"{kind} id {item_id!r} is already defined in {catalog.sources[key]}",
            )
        )
        return False
    catalog.sources[key] = doc.path
    catalog._docs[key] = (doc, base)
    return True


def _add_document(catalog: Catalog, path: Path, doc: YamlDocument) -> None:
    kind = detect_kind(path, doc.data)
    if kind is None:
        raise ContentError(
            [
                ContentIssue(
                    doc.path,
                    "",
                    1,
                    "cannot tell what this file is: put it under scenarios/, personas/ or clips/, "
                    "or give it key_points (scenario), difficulty (persona) or clips (clip pack)",
                )
            ]
        )
    if not isinstance(doc.data, dict):
        raise ContentError(
            [ContentIssue(doc.path, "", 1, f"a {kind} file must be a mapping of fields")]
        )
    if kind == "scenario":
        scenario = parse_model(Scenario, doc)
        if _remember(catalog, "scenario", scenario.id, doc, ()):
            catalog.scenarios[scenario.id] = scenario
            for loc, message in scenario.reference_problems():
                catalog._issue("scenario", scenario.id, loc, message)
    elif kind == "persona":
        persona = parse_model(Persona, doc)
        if _remember(catalog, "persona", persona.id, doc, ()):
            catalog.personas[persona.id] = persona
            for loc, message in persona.response_problems():
                catalog._issue("persona", persona.id, loc, message)
    elif kind == "clips":
        pack = parse_model(ClipPack, doc)
        for index, clip in enumerate(pack.clips):
            if _remember(catalog, "clips", clip.id, doc, ("clips", index)):
                catalog.clips[clip.id] = clip
    else:
        if catalog.users is not None:
            raise ContentError([ContentIssue(doc.path, "", 1, "only one users file is allowed")])
        catalog.users = parse_model(UsersFile, doc)
        catalog.sources[("users", "users")] = doc.path
        catalog._docs[("users", "users")] = (doc, ())


def _check_references(catalog: Catalog) -> None:
    for scenario in catalog.scenarios.values():
        for index, persona_id in enumerate(scenario.personas):
            persona = catalog.personas.get(persona_id)
            if persona is None:
                if catalog.personas:
                    catalog._issue(
                        "scenario",
                        scenario.id,
                        ("personas", index),
                        f"no persona file has id {persona_id!r}",
                    )
            elif persona.language != scenario.language:
                catalog._issue(
                    "scenario",
                    scenario.id,
                    ("personas", index),
                    f"persona {persona_id!r} speaks {persona.language!r}, "
                    f"the scenario is in {scenario.language!r}",
                )
    for scenario in catalog.scenarios.values():
        point_ids = {point.id for point in scenario.key_points}
        for persona_id in scenario.personas:
            persona = catalog.personas.get(persona_id)
            if persona is None:
                continue
            for index, need in enumerate(persona.agree_when.needs):
                if need not in point_ids:
                    catalog._issue(
                        "persona",
                        persona.id,
                        ("agree_when", "needs", index),
                        f"{need!r} is not a key point of scenario {scenario.id!r}",
                    )
    for clip in catalog.clips.values():
        if clip.scenario is None:
            continue
        clip_scenario = catalog.scenarios.get(clip.scenario)
        if clip_scenario is None:
            if catalog.scenarios:
                catalog._issue(
                    "clips", clip.id, ("scenario",), f"no scenario has id {clip.scenario!r}"
                )
            continue
        point_ids = {point.id for point in clip_scenario.key_points}
        for index, point in enumerate(clip.key_points):
            if point not in point_ids:
                catalog._issue(
                    "clips",
                    clip.id,
                    ("key_points", index),
                    f"{point!r} is not a key point of scenario {clip.scenario!r}",
                )
    if catalog.users is not None:
        teams = {team.name for team in catalog.users.teams}
        seen: set[str] = set()
        for index, user in enumerate(catalog.users.users):
            if user.username in seen:
                catalog._issue(
                    "users",
                    "users",
                    ("users", index, "username"),
                    f"username {user.username!r} is used twice",
                )
            seen.add(user.username)
            if user.team is not None and user.team not in teams:
                catalog._issue(
                    "users",
                    "users",
                    ("users", index, "team"),
                    f"no team named {user.team!r} in this file",
                )

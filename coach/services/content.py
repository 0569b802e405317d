"""Content service: validate content files, list scenarios and personas, count the library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.content.catalog import Catalog, load_catalog
from coach.content.yamlfile import YamlDocument, format_loc, parse_model, parse_yaml_text
from coach.errors import CoachError, ContentError, ContentIssue, NotFoundError
from coach.personas.model import Persona
from coach.scenarios.model import Scenario
from coach.services import actors
from coach.services.accounts import bilingual
from coach.services.records import LibraryStats, PersonaSummary, ScenarioSummary
from coach.services.runtime import Runtime
from coach.store.models import (
    AssignmentRow,
    Base,
    CallRow,
    CertificateRow,
    ClipRow,
    DrillRow,
    PersonaRow,
    PracticeSessionRow,
    ScenarioRow,
    TeamRow,
    UserRow,
)
from coach.store.repositories import content as content_repo


@dataclass
class ValidationReport:
    """The outcome of validating content files."""

    catalog: Catalog

    @property
    def issues(self) -> list[ContentIssue]:
        """Every problem found, each with file, field and line."""
        return self.catalog.issues

    def summary(self) -> str:
        """One line saying what was checked and whether it is fine."""
        c = self.catalog
        counts = (
            f"{len(c.scenarios)} scenarios, {len(c.personas)} personas, {len(c.clips)} clips"
            f"{', 1 users file' if c.users else ''} in {len(c.files)} files"
        )
        if c.issues:
            return f"{len(c.issues)} problem(s) found; checked {counts}"
        return f"OK: {counts}"

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data for ``--json``."""
        c = self.catalog
        return {
            "ok": c.ok,
            "files": c.files,
            "scenarios": sorted(c.scenarios),
            "personas": sorted(c.personas),
            "clips": len(c.clips),
            "issues": [
                {"file": i.file, "field": i.field, "line": i.line, "message": i.message}
                for i in c.issues
            ],
        }


def validate_paths(paths: Iterable[str | Path]) -> ValidationReport:
    """Load and check every content file under ``paths``."""
    return ValidationReport(load_catalog(paths))


def _modes(document: dict[str, Any]) -> list[str]:
    modes = []
    if document.get("script"):
        modes += ["readalong", "recitation"]
    if document.get("flow"):
        modes.append("scripted")
    if document.get("personas"):
        modes.append("freeform")
    return modes


def list_scenarios(runtime: Runtime, *, language: str | None = None) -> list[ScenarioSummary]:
    """The registered scenarios, with the practice modes each one supports."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return [
            ScenarioSummary(
                id=row.id,
                title=row.title,
                language=row.language,
                key_points=len(row.document.get("key_points", [])),
                personas=list(row.document.get("personas", [])),
                modes=_modes(row.document),
                version=row.version,
            )
            for row in content_repo.list_scenarios(session=session, language=language)
        ]


def list_personas(runtime: Runtime, *, language: str | None = None) -> list[PersonaSummary]:
    """The registered personas."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return [
            PersonaSummary(
                id=row.id, name=row.name, language=row.language, difficulty=row.difficulty
            )
            for row in content_repo.list_personas(session=session, language=language)
        ]


def get_scenario(runtime: Runtime, *, scenario_id: str) -> Scenario:
    """One registered scenario, whole."""
    runtime.require_initialised()
    with runtime.transaction() as session:
        return content_repo.get_scenario(session=session, scenario_id=scenario_id)


def library_stats(runtime: Runtime) -> LibraryStats:
    """How many scenarios, personas, clips, users and teams the coach holds."""
    runtime.require_initialised()
    with runtime.transaction() as session:

        def count(table: type[Base]) -> int:
            return session.scalar(select(func.count()).select_from(table)) or 0

        return LibraryStats(
            scenarios=count(ScenarioRow),
            personas=count(PersonaRow),
            clips=count(ClipRow),
            users=count(UserRow),
            teams=count(TeamRow),
        )


# -- the trainer's content editor ------------------------------------------------------

DocumentKind = Literal["scenario", "persona"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("scenario", "persona")


def content_dir(runtime: Runtime) -> Path:
    """The per-data-dir folder where trainers' scenarios and personas are saved.

    ``coach init`` loads it after the seeds, so saved content survives a re-initialisation.
    """
    return runtime.settings.data_dir / "content"


@dataclass
class DocumentCheck:
    """The outcome of validating one scenario or persona typed in the editor."""

    kind: DocumentKind
    issues: list[ContentIssue]
    scenario: Scenario | None = None
    persona: Persona | None = None

    @property
    def ok(self) -> bool:
        """True when the document can be saved."""
        return not self.issues and (self.scenario is not None or self.persona is not None)

    @property
    def item_id(self) -> str | None:
        """The id of the scenario or persona, once it parsed."""
        item = self.scenario or self.persona
        return item.id if item is not None else None


@dataclass(frozen=True)
class SavedDocument:
    """A document saved by the editor: where it went and what changed in the catalogue."""

    kind: DocumentKind
    item_id: str
    path: str
    change: str


def _kind(kind: str) -> DocumentKind:
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"kind must be one of: {', '.join(DOCUMENT_KINDS)}")
    return "scenario" if kind == "scenario" else "persona"


def _syntax_issue(text: str, shown: str) -> ContentIssue | None:
    """Malformed YAML, with its line and column (the catalog parser reports the line only)."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            return ContentIssue(shown, "", None, f"YAML syntax error: {exc.problem or exc.context}")
        return ContentIssue(
            shown,
            "",
            mark.line + 1,
            f"YAML syntax error at column {mark.column + 1}: {exc.problem or exc.context}",
        )
    except yaml.YAMLError as exc:
        return ContentIssue(shown, "", None, f"YAML error: {exc}")
    return None


def _issue(doc: YamlDocument, loc: tuple[str | int, ...], message: str) -> ContentIssue:
    return ContentIssue(doc.path, format_loc(loc), doc.line_of(loc), message)


def _scenario_references(
    session: Session, doc: YamlDocument, scenario: Scenario
) -> list[ContentIssue]:
    issues = [_issue(doc, loc, message) for loc, message in scenario.reference_problems()]
    point_ids = {point.id for point in scenario.key_points}
    for index, persona_id in enumerate(scenario.personas):
        row = session.get(PersonaRow, persona_id)
        if row is None:
            issues.append(_issue(doc, ("personas", index), f"no persona has id {persona_id!r}"))
            continue
        if row.language != scenario.language:
            issues.append(
                _issue(
                    doc,
                    ("personas", index),
                    f"persona {persona_id!r} speaks {row.language!r}, "
                    f"the scenario is in {scenario.language!r}",
                )
            )
        needs = row.document.get("agree_when", {}).get("needs", [])
        missing = [need for need in needs if need not in point_ids]
        if missing:
            issues.append(
                _issue(
                    doc,
                    ("personas", index),
                    f"persona {persona_id!r} agrees only after key points this scenario "
                    f"lacks: {', '.join(missing)}",
                )
            )
    return issues


def _persona_references(
    session: Session, doc: YamlDocument, persona: Persona
) -> list[ContentIssue]:
    issues = [_issue(doc, loc, message) for loc, message in persona.response_problems()]
    for row in content_repo.list_scenarios(session=session):
        if persona.id not in row.document.get("personas", []):
            continue
        point_ids = {point.get("id") for point in row.document.get("key_points", [])}
        for index, need in enumerate(persona.agree_when.needs):
            if need not in point_ids:
                issues.append(
                    _issue(
                        doc,
                        ("agree_when", "needs", index),
                        f"{need!r} is not a key point of scenario {row.id!r}",
                    )
                )
    return issues


def check_document(runtime: Runtime, *, kind: str, text: str) -> DocumentCheck:
    """Validate a scenario or persona given as YAML text, against the registered content.

    Every problem names the field and its line (malformed YAML: the line and column);
    nothing is written. Anyone signed in may check; saving needs ``content.write``.
    """
    runtime.require_initialised()
    chosen = _kind(kind)
    shown = f"{chosen}s/<editor>.yaml"
    syntax = _syntax_issue(text, shown)
    if syntax is not None:
        return DocumentCheck(chosen, [syntax])
    try:
        doc = parse_yaml_text(text, display_path=shown)
        if not isinstance(doc.data, dict):
            return DocumentCheck(
                chosen, [ContentIssue(shown, "", 1, f"a {chosen} file must be a mapping of fields")]
            )
        if chosen == "scenario":
            scenario = parse_model(Scenario, doc)
            with runtime.transaction() as session:
                issues = _scenario_references(session, doc, scenario)
            return DocumentCheck(chosen, issues, scenario=scenario)
        persona = parse_model(Persona, doc)
        with runtime.transaction() as session:
            issues = _persona_references(session, doc, persona)
        return DocumentCheck(chosen, issues, persona=persona)
    except ContentError as exc:
        return DocumentCheck(chosen, list(exc.issues))


def document_text(runtime: Runtime, *, kind: str, item_id: str) -> str:
    """The YAML of a registered scenario or persona, to open in the editor.

    The file it was loaded from when it still exists (comments kept), else its stored document.
    """
    runtime.require_initialised()
    chosen = _kind(kind)
    row_type: type[ScenarioRow] | type[PersonaRow] = (
        ScenarioRow if chosen == "scenario" else PersonaRow
    )
    with runtime.transaction() as session:
        row: Any = session.get(row_type, item_id)
        if row is None:
            raise NotFoundError(f"no {chosen} with id {item_id!r}")
        source = Path(row.source_path) if row.source_path else None
        document = dict(row.document)
    if source is not None and source.is_file():
        return source.read_text(encoding="utf-8")
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _seed_ids(runtime: Runtime, kind: DocumentKind) -> set[str]:
    folder = runtime.settings.resolved_seeds_dir / f"{kind}s"
    catalog = load_catalog([folder]) if folder.is_dir() else Catalog()
    return set(catalog.scenarios if kind == "scenario" else catalog.personas)


def _id_line(text: str) -> int | None:
    """The line of the top-level ``id:`` key, for messages about the id."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("id:"):
            return number
    return None


def save_document(runtime: Runtime, *, actor: str, kind: str, text: str) -> SavedDocument:
    """Validate again and save a scenario or persona (trainers and admins only).

    The file goes to ``<data_dir>/content/<kind>s/<id>.yaml`` and is registered at once, so
    it appears in the practice picker and in drills. Invalid documents are refused with every
    problem; so is an id of a built-in seed (seeds are shipped with the app and reloaded by
    ``coach init``: save a copy under a new id instead).
    """
    runtime.require_initialised()
    chosen = _kind(kind)
    with runtime.transaction() as session:
        who = actors.act(session, actor, "content.write")
    check = check_document(runtime, kind=chosen, text=text)
    if not check.ok or check.item_id is None:
        raise ContentError(check.issues)
    item_id = check.item_id
    if item_id in _seed_ids(runtime, chosen):
        raise ContentError(
            [
                ContentIssue(
                    f"{chosen}s/{item_id}.yaml",
                    "id",
                    _id_line(text),
                    f"{item_id!r} is a built-in {chosen}: give your copy a new id",
                )
            ]
        )
    folder = content_dir(runtime) / f"{chosen}s"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{item_id}.yaml"
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    tmp.replace(path)
    with runtime.transaction() as session:
        if check.scenario is not None:
            _, change = content_repo.upsert_scenario(
                session=session, scenario=check.scenario, source_path=str(path), user_id=who.user_id
            )
        else:
            assert check.persona is not None
            _, change = content_repo.upsert_persona(
                session=session, persona=check.persona, source_path=str(path), user_id=who.user_id
            )
    return SavedDocument(kind=chosen, item_id=item_id, path=str(path), change=change)


class DeleteRefusedError(CoachError):
    """A scenario or persona that cannot be deleted: built in, loaded from elsewhere, or in use.

    Its ``messages`` say why and what to do, in English and Chinese (see
    :func:`coach.services.accounts.bilingual`).
    """


@dataclass(frozen=True)
class DeletedDocument:
    """A saved scenario or persona the editor deleted, and the clips and calls it unlinked."""

    kind: DocumentKind
    item_id: str
    path: str | None
    unlinked_clips: int = 0
    unlinked_calls: int = 0


_KIND_ZH = {"scenario": "场景", "persona": "客户角色"}


def _count(session: Session, column: Any, value: str, *where: Any) -> int:
    query = select(func.count()).select_from(column.class_).where(column == value, *where)
    return session.scalar(query) or 0


def _uses(session: Session, kind: DocumentKind, item_id: str) -> tuple[list[str], list[str], bool]:
    """What still needs this item, as English and Chinese phrases (empty: nothing does).

    The flag says that scenarios offering a persona are all that needs it (those can be
    edited; the rest is history). Sessions, drills, assignments and certificates keep only the
    id and read the scenario or persona whenever they are shown or scored, so any of them
    keeps the item.
    """
    en: list[str] = []
    zh: list[str] = []
    if kind == "persona":
        users = [
            row.id
            for row in content_repo.list_scenarios(session=session, include_archived=True)
            if item_id in row.document.get("personas", [])
        ]
        if users:
            en.append(f"scenario(s) {', '.join(users)} offer it to reps")
            zh.append(f"场景 {', '.join(users)} 使用它")
    offered_only = bool(en)
    scenario = kind == "scenario"
    # (column, extra conditions, English, Chinese); assignments made from a drill are counted
    # with their drill, and only scenarios have certificates
    counted: list[tuple[Any, tuple[Any, ...], str, str]] = [
        (DrillRow.scenario_id if scenario else DrillRow.persona_id, (), "drill(s)", "个练习任务"),
        (
            PracticeSessionRow.scenario_id if scenario else PracticeSessionRow.persona_id,
            (),
            "practice session(s)",
            "次练习记录",
        ),
        (
            AssignmentRow.scenario_id if scenario else AssignmentRow.persona_id,
            (AssignmentRow.drill_id.is_(None),),
            "assignment(s)",
            "项分配",
        ),
    ]
    if scenario:
        counted.append((CertificateRow.scenario_id, (), "certificate(s)", "张证书"))
    for column, conditions, what_en, what_zh in counted:
        n = _count(session, column, item_id, *conditions)
        if n:
            en.append(f"{n} {what_en}")
            zh.append(f"{n} {what_zh}")
            offered_only = False
    return en, zh, offered_only


def _in_use(
    kind: DocumentKind, item_id: str, en: list[str], zh: list[str], offered_only: bool
) -> CoachError:
    what = _KIND_ZH[kind]
    if offered_only:
        todo_en = "remove it from those scenarios' personas list and save them, then delete it"
        todo_zh = "请先从这些场景的 personas 列表中移除它并保存，然后再删除"
    else:
        # drills, sessions and certificates cannot be removed: their history needs the item
        todo_en = (
            f"their history and scorecards need it, so keep the {kind} "
            "(to change it, edit it and save it under the same id)"
        )
        todo_zh = f"它们的历史和评分卡需要它，请保留该{what}（如需修改，编辑后用同一 id 保存）"
    return bilingual(
        DeleteRefusedError,
        f"{kind} {item_id!r} is still in use ({'; '.join(en)}): {todo_en}",
        f"{what} {item_id!r} 仍在使用中（{'；'.join(zh)}）：{todo_zh}",
    )


def delete_document(
    runtime: Runtime, *, actor: str, kind: str, item_id: str
) -> DeletedDocument:
    """Delete a scenario or persona saved in the editor (trainers and admins only).

    Its file under ``<data_dir>/content/<kind>s/`` goes and it is unregistered at once, so
    pickers no longer offer it and ``coach init`` does not bring it back. Refused, with a
    message in English and Chinese, for a built-in seed, for content loaded from another
    folder, and while anything still uses it: a scenario with drills, assignments, practice
    sessions or certificates; a persona offered by a scenario or used by a drill or session
    (sessions read their scenario and persona whenever they are shown, so deleting would
    break their history and scorecards). Clips and imported calls linked to a deleted
    scenario stay in the library, unlinked.
    """
    runtime.require_initialised()
    chosen = _kind(kind)
    what = _KIND_ZH[chosen]
    with runtime.transaction() as session:
        actors.act(session, actor, "content.write")
    if item_id in _seed_ids(runtime, chosen):
        raise bilingual(
            DeleteRefusedError,
            f"{item_id!r} is a built-in {chosen}: it ships with the app and cannot be deleted",
            f"{item_id!r} 是内置{what}：随应用提供，不能删除",
        )
    folder = content_dir(runtime) / f"{chosen}s"
    row_type: type[ScenarioRow] | type[PersonaRow] = (
        ScenarioRow if chosen == "scenario" else PersonaRow
    )
    parked: tuple[Path, Path] | None = None
    try:
        with runtime.transaction() as session:
            row: Any = session.get(row_type, item_id)
            if row is None:
                raise bilingual(
                    NotFoundError, f"no {chosen} with id {item_id!r}", f"没有 id 为 {item_id!r} 的{what}"
                )
            source = Path(row.source_path) if row.source_path else None
            if source is not None and source.resolve().parent != folder.resolve():
                raise bilingual(
                    DeleteRefusedError,
                    f"{chosen} {item_id!r} was not saved here but loaded from {source}: "
                    "remove that file, then run `coach init`",
                    f"{what} {item_id!r} 不是在这里保存的，而是从 {source} 载入的："
                    "请删除该文件，然后运行 `coach init`",
                )
            en, zh, offered_only = _uses(session, chosen, item_id)
            if en:
                raise _in_use(chosen, item_id, en, zh, offered_only)
            clips = calls = 0
            if chosen == "scenario":
                # what the schema does on its own (ON DELETE SET NULL), counted for the report
                clips = _count(session, ClipRow.scenario_id, item_id)
                calls = _count(session, CallRow.scenario_id, item_id)
                session.execute(
                    update(ClipRow).where(ClipRow.scenario_id == item_id).values(scenario_id=None)
                )
                session.execute(
                    update(CallRow).where(CallRow.scenario_id == item_id).values(scenario_id=None)
                )
            session.delete(row)
            try:
                session.flush()
            except IntegrityError as error:  # something started using it a moment ago
                raise bilingual(
                    DeleteRefusedError,
                    f"{chosen} {item_id!r} has just been put to use: try again to see what uses it",
                    f"{what} {item_id!r} 刚刚被使用：请再试一次，查看是什么在使用它",
                ) from error
            # Park the file until the row is gone for good: a failed commit puts it back.
            path = source or folder / f"{item_id}.yaml"
            if path.is_file():
                parked = (path, path.with_suffix(".yaml.deleting"))
                path.replace(parked[1])
    except BaseException:
        if parked is not None:
            parked[1].replace(parked[0])
        raise
    if parked is not None:
        parked[1].unlink(missing_ok=True)
    return DeletedDocument(
        kind=chosen,
        item_id=item_id,
        path=str(parked[0]) if parked is not None else None,
        unlinked_clips=clips,
        unlinked_calls=calls,
    )


def template_text(kind: str, language: str) -> str:
    """A starting document for a new scenario or persona, in English or Chinese."""
    chosen = _kind(kind)
    lang = "zh" if language == "zh" else "en"
    return (TEMPLATES / f"{chosen}-{lang}.yaml").read_text(encoding="utf-8")


TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"
"""The editor's starting documents, one per kind and language."""

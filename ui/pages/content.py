"""Content: trainers list, open, edit, validate, preview, save and delete scenarios and personas.

Everything goes through :mod:`coach.services.content`. Saving needs ``content.write``
(trainers and admins), which the service checks on the server; the tab is shown to those
roles only. A saved scenario appears at once in the practice picker and in drills.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.errors import CoachError, ContentError, ContentIssue
from coach.personas.model import Persona
from coach.scenarios.model import Scenario
from coach.security import PERMISSIONS
from coach.services import content, profile
from ui import render
from ui.context import Context, actor
from ui.pages.home import scenario_choices

ROLES = PERMISSIONS["content.write"]
"""Who sees the tab (the service refuses anyone else on save)."""
PREVIEW_EXAMPLES = 2
"""How many examples of each key point the preview shows (the editor has them all)."""


@dataclass
class ContentPage:
    """The Content page's components."""

    scenarios: gr.HTML
    personas: gr.HTML
    kind: gr.Radio
    item: gr.Dropdown
    open_button: gr.Button
    template_language: gr.Dropdown
    template_button: gr.Button
    editor: gr.Code
    validate: gr.Button
    save: gr.Button
    delete: gr.Button
    confirm_delete: gr.Button
    notice: gr.HTML
    preview: gr.HTML


def build(ctx: Context) -> ContentPage:
    """Lay out the lists, the YAML editor, its buttons and the preview."""
    t = ctx.t
    gr.Markdown(f"### {t('content.title')}\n{t('content.help')}")
    with gr.Row():
        scenarios = gr.HTML("", elem_id="content-scenarios")
        personas = gr.HTML("", elem_id="content-personas")
    with gr.Row():
        kind = gr.Radio(
            [(t("content.kind.scenario"), "scenario"), (t("content.kind.persona"), "persona")],
            value="scenario", label=t("content.kind"), elem_id="content-kind", scale=1,
        )  # fmt: skip
        item = gr.Dropdown([], label=t("content.item"), elem_id="content-item", scale=2)
        open_button = gr.Button(t("content.open"), elem_id="content-open", scale=1)
        template_language = gr.Dropdown(
            [(t("lang.en"), "en"), (t("lang.zh"), "zh")], value=ctx.language,
            label=t("content.template_language"), elem_id="content-template-language", scale=1,
        )  # fmt: skip
        template_button = gr.Button(t("content.template"), elem_id="content-template", scale=1)
    editor = gr.Code(
        "",
        language="yaml",
        lines=24,
        max_lines=40,
        label=t("content.editor"),
        elem_id="content-editor",
    )
    with gr.Row():
        validate = gr.Button(t("content.validate"), elem_id="content-validate")
        save = gr.Button(t("content.save"), variant="primary", elem_id="content-save")
        delete = gr.Button(t("content.delete"), variant="secondary", elem_id="content-delete")
        # shown by Delete, hidden again by any change of what is picked
        confirm_delete = gr.Button(
            t("content.delete_confirm"), variant="stop", visible=False, elem_id="content-delete-confirm"
        )
    notice = gr.HTML("", elem_id="content-notice")
    # Full width below the editor: seed scenarios have long descriptions and many examples.
    preview = gr.HTML("", elem_id="content-preview")
    return ContentPage(
        scenarios, personas, kind, item, open_button, template_language, template_button,
        editor, validate, save, delete, confirm_delete, notice, preview,
    )  # fmt: skip


# -- drawing ---------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], elem: str) -> str:
    head = "".join(f"<th>{render.e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{render.e(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="coach-table {elem}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def lists_html(ctx: Context) -> tuple[str, str]:
    """The scenario and persona tables."""
    t = ctx.t
    scenarios = content.list_scenarios(ctx.runtime)
    personas = content.list_personas(ctx.runtime)
    s_rows = [
        [
            s.id,
            s.title,
            render.FLAG.get(s.language, s.language),
            str(s.key_points),
            ", ".join(t("mode." + m) for m in s.modes),
        ]
        for s in scenarios
    ]
    p_rows = [
        [p.id, p.name, str(p.difficulty), render.FLAG.get(p.language, p.language)] for p in personas
    ]
    heads_s = [
        t("content.col.id"),
        t("content.col.title"),
        t("content.col.language"),
        t("content.col.key_points"),
        t("content.col.modes"),
    ]
    heads_p = [
        t("content.col.id"),
        t("content.col.name"),
        t("content.col.difficulty"),
        t("content.col.language"),
    ]
    return (
        f"<h4>{render.e(t('content.scenarios'))}</h4>"
        + _table(heads_s, s_rows, "content-scenario-list"),
        f"<h4>{render.e(t('content.personas'))}</h4>"
        + _table(heads_p, p_rows, "content-persona-list"),
    )


def issue_text(ctx: Context, issue: ContentIssue) -> str:
    """One problem as 'line 14, key_points[2].examples: must be a list'."""
    t = ctx.t
    where = []
    if issue.line is not None:
        where.append(t("content.line", line=issue.line))
    if issue.field:
        where.append(issue.field)
    prefix = t("content.sep").join(where)
    return f"{prefix}: {issue.message}" if prefix else issue.message


def issues_html(ctx: Context, issues: list[ContentIssue]) -> str:
    """Every problem, one per line, under a heading."""
    items = "".join(f"<li>{render.e(issue_text(ctx, i))}</li>" for i in issues)
    head = render.e(ctx.t("content.problems", n=len(issues)))
    return f'<div class="coach-notice error" role="alert" id="content-issues"><b>{head}</b><ul>{items}</ul></div>'


def scenario_preview(ctx: Context, scenario: Scenario) -> str:
    """Key points (id, description, examples, required) and the flow's stages."""
    t = ctx.t
    rows = []
    for point in scenario.key_points:
        need = t("content.required") if point.required else t("content.optional")
        if point.parts:
            need += " · " + t("content.parts", n=point.needed_parts, total=len(point.parts))
        examples = " / ".join(point.examples[:PREVIEW_EXAMPLES])
        if len(point.examples) > PREVIEW_EXAMPLES:
            examples += " " + t("content.more", n=len(point.examples) - PREVIEW_EXAMPLES)
        rows.append([point.id, point.stage, point.description, examples, need])
    heads = [
        t("content.col.id"),
        t("content.col.stage"),
        t("content.col.description"),
        t("content.col.examples"),
        t("content.col.need"),
    ]
    html = f"<h4>{render.e(scenario.title)} ({render.e(render.FLAG.get(scenario.language, scenario.language))})</h4>"
    html += f"<h5>{render.e(t('content.key_points'))}</h5>" + _table(
        heads, rows, "content-preview-points"
    )
    if scenario.flow is not None:
        steps = []
        for node in scenario.flow.nodes:
            after = [f"{' / '.join(b.when)} → {b.next}" for b in node.branches]
            if node.next:
                after.append(f"→ {node.next}")
            if node.end:
                after.append(t("content.flow_end"))
            steps.append([node.id, node.customer, ", ".join(node.expects), "; ".join(after)])
        fheads = [
            t("content.col.id"),
            t("content.col.customer"),
            t("content.col.expects"),
            t("content.col.next"),
        ]
        html += f"<h5>{render.e(t('content.flow', start=scenario.flow.start))}</h5>" + _table(
            fheads, steps, "content-preview-flow"
        )
    else:
        html += f"<p>{render.e(t('content.no_flow'))}</p>"
    return f'<div class="content-preview">{html}</div>'


def persona_preview(ctx: Context, persona: Persona) -> str:
    """The card a rep sees, then the traits only the AI customer knows."""
    t = ctx.t
    card = (
        f'<div class="coach-card content-persona-card"><b>{render.e(persona.name)}</b> · {render.e(persona.role)}, '
        f"{render.e(persona.company)}<br>{render.e(t('home.difficulty', n=persona.difficulty))} · "
        f"{render.e(render.FLAG.get(persona.language, persona.language))}"
        f"{'<br><i>' + render.e(persona.opening_line) + '</i>' if persona.opening_line else ''}</div>"
    )
    hidden_rows = [
        [t("content.trait.personality"), persona.personality],
        [t("content.trait.mood"), persona.mood],
        [t("content.trait.needs"), " / ".join(persona.hidden_needs)],
        [t("content.trait.budget"), persona.facts.budget],
        [t("content.trait.authority"), persona.facts.authority],
        [t("content.trait.timeline"), persona.facts.timeline],
        [
            t("content.trait.objections"),
            ", ".join(f"{o.id} ({o.kind})" for o in persona.objections),
        ],
        [t("content.trait.agrees"), ", ".join(persona.agree_when.needs) or "-"],
        [t("content.trait.patience"), str(persona.hang_up_when.patience)],
    ]
    return (
        f'<div class="content-preview"><h5>{render.e(t("content.card"))}</h5>{card}'
        f"<h5>{render.e(t('content.hidden'))}</h5>"
        + _table(
            [t("content.col.trait"), t("content.col.value")], hidden_rows, "content-preview-hidden"
        )
        + "</div>"
    )


def check(ctx: Context, kind: str, text: str) -> dict[str, str]:
    """Validate the editor's text: the problems (or an OK line) and the preview."""
    result = content.check_document(ctx.runtime, kind=kind, text=text or "")
    preview = ""
    if result.scenario is not None:
        preview = scenario_preview(ctx, result.scenario)
    elif result.persona is not None:
        preview = persona_preview(ctx, result.persona)
    if result.issues:
        return {"notice": issues_html(ctx, result.issues), "preview": preview}
    return {"notice": render.notice(ctx.t("content.valid"), kind="info"), "preview": preview}


def item_choices(ctx: Context, kind: str) -> list[tuple[str, str]]:
    """The ids to open for this kind."""
    if kind == "persona":
        return [(f"{p.id} · {p.name}", p.id) for p in content.list_personas(ctx.runtime)]
    return [(f"{s.id} · {s.title}", s.id) for s in content.list_scenarios(ctx.runtime)]


# -- events ----------------------------------------------------------------------------


def wire(
    ctx: Context, blocks: gr.Blocks, page: ContentPage, tab: gr.Tab, pickers: list[gr.Dropdown]
) -> None:
    """Show the tab to trainers and admins and connect its buttons to the content service.

    ``pickers`` are the scenario dropdowns (practice, drills) refreshed after a save.
    """
    t = ctx.t

    def on_load(request: gr.Request) -> dict[Any, Any]:
        me = profile.me(ctx.runtime, actor=actor(request))
        if me.role not in ROLES:
            return {tab: gr.update(visible=False)}
        scen, pers = lists_html(ctx)
        choices = item_choices(ctx, "scenario")
        return {
            tab: gr.update(visible=True), page.scenarios: scen, page.personas: pers,
            page.item: gr.update(choices=choices, value=choices[0][1] if choices else None),
        }  # fmt: skip

    blocks.load(on_load, outputs=[tab, page.scenarios, page.personas, page.item])

    def on_kind(kind: str) -> Any:
        choices = item_choices(ctx, kind)
        return gr.update(choices=choices, value=choices[0][1] if choices else None)

    page.kind.change(on_kind, inputs=[page.kind], outputs=[page.item])
    hidden = gr.update(visible=False)
    page.item.change(lambda: hidden, outputs=[page.confirm_delete])

    def on_open(kind: str, item_id: str | None, request: gr.Request) -> dict[Any, Any]:
        actor(request)
        if not item_id:
            return {page.notice: render.notice(t("content.pick_first"))}
        try:
            text = content.document_text(ctx.runtime, kind=kind, item_id=item_id)
        except (CoachError, ValueError) as error:
            return {page.notice: render.notice(ctx.message(error))}
        shown = check(ctx, kind, text)
        return {page.editor: text, page.notice: shown["notice"], page.preview: shown["preview"]}

    edit_outputs = [page.editor, page.notice, page.preview]
    page.open_button.click(on_open, inputs=[page.kind, page.item], outputs=edit_outputs)

    def on_template(kind: str, language: str | None, request: gr.Request) -> dict[Any, Any]:
        actor(request)
        text = content.template_text(kind, language or ctx.language)
        shown = check(ctx, kind, text)
        return {
            page.editor: text,
            page.notice: render.notice(t("content.template_loaded"), kind="info"),
            page.preview: shown["preview"],
        }

    page.template_button.click(
        on_template, inputs=[page.kind, page.template_language], outputs=edit_outputs
    )

    def on_validate(kind: str, text: str, request: gr.Request) -> dict[Any, Any]:
        actor(request)
        shown = check(ctx, kind, text)
        return {page.notice: shown["notice"], page.preview: shown["preview"]}

    page.validate.click(
        on_validate, inputs=[page.kind, page.editor], outputs=[page.notice, page.preview]
    )

    def on_save(kind: str, text: str, request: gr.Request) -> dict[Any, Any]:
        who = actor(request)
        try:
            saved = content.save_document(ctx.runtime, actor=who, kind=kind, text=text or "")
        except ContentError as error:
            out: dict[Any, Any] = {page.notice: issues_html(ctx, error.issues)}
            return out
        except (CoachError, ValueError) as error:
            return {page.notice: render.notice(ctx.message(error))}
        scen, pers = lists_html(ctx)
        out = {
            page.notice: render.notice(t("content.saved", id=saved.item_id, kind=t("content.kind." + saved.kind)), kind="info"),
            page.scenarios: scen, page.personas: pers,
            page.item: gr.update(choices=item_choices(ctx, kind), value=saved.item_id),
        }  # fmt: skip
        choices = scenario_choices(ctx)
        for picker in pickers:
            out[picker] = gr.update(choices=choices)
        return out

    page.save.click(
        on_save, inputs=[page.kind, page.editor],
        outputs=[page.notice, page.scenarios, page.personas, page.item, *pickers],
    )  # fmt: skip

    def on_delete(kind: str, item_id: str | None, request: gr.Request) -> dict[Any, Any]:
        actor(request)
        if not item_id:
            return {page.notice: render.notice(t("content.pick_first")), page.confirm_delete: hidden}
        what = t("content.kind." + kind)
        return {
            page.notice: render.notice(t("content.delete_ask", kind=what, id=item_id), kind="warning"),
            page.confirm_delete: gr.update(visible=True),
        }

    page.delete.click(
        on_delete, inputs=[page.kind, page.item], outputs=[page.notice, page.confirm_delete]
    )

    def on_confirm_delete(kind: str, item_id: str | None, request: gr.Request) -> dict[Any, Any]:
        who = actor(request)
        out: dict[Any, Any] = {page.confirm_delete: hidden}
        if not item_id:
            out[page.notice] = render.notice(t("content.pick_first"))
            return out
        try:
            deleted = content.delete_document(ctx.runtime, actor=who, kind=kind, item_id=item_id)
        except (CoachError, ValueError) as error:
            out[page.notice] = render.notice(ctx.message(error))
            return out
        scen, pers = lists_html(ctx)
        choices = item_choices(ctx, kind)
        what = t("content.kind." + deleted.kind)
        unlinked = deleted.unlinked_clips + deleted.unlinked_calls
        text = t("content.deleted", kind=what, id=deleted.item_id)
        if unlinked:
            text += " " + t("content.deleted_unlinked", n=unlinked)
        out.update({
            page.notice: render.notice(text, kind="info"),
            page.scenarios: scen, page.personas: pers,
            page.item: gr.update(choices=choices, value=choices[0][1] if choices else None),
        })  # fmt: skip
        scenarios = scenario_choices(ctx)
        for picker in pickers:
            out[picker] = gr.update(choices=scenarios)
        return out

    page.confirm_delete.click(
        on_confirm_delete, inputs=[page.kind, page.item],
        outputs=[page.confirm_delete, page.notice, page.scenarios, page.personas, page.item, *pickers],
    )  # fmt: skip

"""The clip library: search by meaning and words, filters, play, like and save, tasks."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.services import clips, library
from ui import render
from ui.context import Context, actor


@dataclass
class LibraryPage:
    """The library page's components."""

    query: gr.Textbox
    search: gr.Button
    tag: gr.Dropdown
    key_point: gr.Dropdown
    objection: gr.Dropdown
    scenario: gr.Dropdown
    language: gr.Dropdown
    notice: gr.HTML
    results: gr.State
    saved: gr.State
    tasks: gr.State


def plain(records: list[Any]) -> list[dict[str, Any]]:
    """Records as plain dicts: gr.State hashes its value, and frozen models with lists can't be."""
    return [r.model_dump() for r in records]


def _ns(item: dict[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(**item)


def _any(ctx: Context, values: list[str]) -> list[tuple[str, str]]:
    return [(ctx.t("library.any"), ""), *[(v, v) for v in values]]


def build(ctx: Context) -> LibraryPage:
    """Lay out the library page, with result cards drawn by ``gr.render``."""
    t = ctx.t
    with gr.Row():
        query = gr.Textbox(
            label=t("library.search"),
            placeholder=t("library.placeholder"),
            elem_id="clip-query",
            scale=5,
        )
        search = gr.Button(t("library.go"), variant="primary", elem_id="clip-search", scale=1)
    with gr.Row():
        tag = gr.Dropdown(choices=_any(ctx, []), value="", label=t("library.tag"), elem_id="f-tag")
        key_point = gr.Dropdown(choices=_any(ctx, []), value="", label=t("library.key_point"), elem_id="f-kp")
        objection = gr.Dropdown(choices=_any(ctx, []), value="", label=t("library.objection"), elem_id="f-obj")
        scenario = gr.Dropdown(choices=_any(ctx, []), value="", label=t("library.scenario"), elem_id="f-scn")
        language = gr.Dropdown(
            choices=[(t("library.any"), ""), (t("lang.en"), "en"), (t("lang.zh"), "zh")],
            value="",
            label=t("library.language"),
            elem_id="f-lang",
        )
    notice = gr.HTML("")
    results = gr.State([])
    saved = gr.State([])
    tasks = gr.State([])

    @gr.render(inputs=[results])
    def _results(found: list[Any]) -> None:
        if found:
            gr.Markdown(f"#### {t('library.results')}")
        for hit in found:
            _clip_row(ctx, _ns(hit), results, saved)

    gr.Markdown(f"### {t('library.saved')}")

    @gr.render(inputs=[saved])
    def _saved(records: list[Any]) -> None:
        if not records:
            gr.HTML(f'<p class="muted" id="no-saved">{render.e(t("library.no_saved"))}</p>')
        for record in map(_ns, records):
            with gr.Row(elem_classes=["saved-clip"]):
                gr.HTML(
                    f'<div class="clip" data-clip="{render.e(record.id)}"><b>{render.e(record.title)}</b>'
                    f'<pre>{render.e(record.text)}</pre></div>'
                )
                gr.HTML(
                    f'<button class="play" data-src="/media/clip/{render.e(record.id)}" '
                    f'onclick="coachPlay(this)">▶</button>'
                )

    gr.Markdown(f"### {t('library.tasks')}")

    @gr.render(inputs=[tasks])
    def _tasks(items: list[Any]) -> None:
        if not items:
            gr.HTML(f'<p class="muted">{render.e(t("library.no_tasks"))}</p>')
        for task in map(_ns, items):
            with gr.Row(elem_classes=["task"]):
                gr.HTML(
                    f'<div class="drill {"done" if task.done else ""}" data-assignment="{task.id}">'
                    f"<b>{render.e(task.title)}</b>"
                    + (f' · {render.e(t("home.done"))}' if task.done else "")
                    + (
                        f'<button class="play" data-src="/media/clip/{render.e(task.clip_id)}" onclick="coachPlay(this)">▶</button>'
                        if task.clip_id
                        else ""
                    )
                    + "</div>"
                )
                if not task.done:
                    done = gr.Button(t("home.mark_done"), size="sm", scale=0, elem_classes=["mark-done"])
                    done.click(_finisher(ctx, task.id), inputs=None, outputs=[tasks])

    return LibraryPage(query, search, tag, key_point, objection, scenario, language, notice, results, saved, tasks)


def _clip_row(ctx: Context, hit: Any, results: gr.State, saved: gr.State) -> None:
    t = ctx.t
    with gr.Row(elem_classes=["clip-row"]):
        with gr.Column(scale=6):
            gr.HTML(render.clip_card(hit, t))
        with gr.Column(scale=1, min_width=120):
            gr.HTML(
                f'<button class="play big" data-src="/media/clip/{render.e(hit.clip_id)}" '
                f'onclick="coachPlay(this)">▶ {render.e(t("practice.play"))}</button>'
            )
            like = gr.Button(
                t("library.unlike") if hit.liked else t("library.like"),
                size="sm",
                elem_classes=["like"],
                variant="primary" if hit.liked else "secondary",
            )
            save = gr.Button(
                t("library.unsave") if hit.saved else t("library.save"),
                size="sm",
                elem_classes=["save"],
                variant="primary" if hit.saved else "secondary",
            )
    like.click(_toggler(ctx, hit.clip_id, "like", not hit.liked), inputs=[results], outputs=[results, saved])
    save.click(_toggler(ctx, hit.clip_id, "save", not hit.saved), inputs=[results], outputs=[results, saved])


def _toggler(ctx: Context, clip_id: str, what: str, on: bool) -> Any:
    def handler(found: list[Any], request: gr.Request) -> tuple[list[Any], list[Any]]:
        return toggle(ctx, found, clip_id, what, on, request)

    return handler


def _finisher(ctx: Context, assignment_id: int) -> Any:
    def handler(request: gr.Request) -> list[Any]:
        return mark_done(ctx, assignment_id, request)

    return handler


def facets(ctx: Context, who: str) -> dict[str, Any]:
    """Filter choices from the clips that exist."""
    found = library.facets(ctx.runtime, actor=who)
    return {
        "tag": gr.update(choices=_any(ctx, found.tags)),
        "key_point": gr.update(choices=_any(ctx, found.key_points)),
        "objection": gr.update(choices=_any(ctx, found.objections)),
        "scenario": gr.update(choices=_any(ctx, found.scenarios)),
    }


def run_search(
    ctx: Context,
    query: str,
    tag: str,
    key_point: str,
    objection: str,
    scenario: str,
    language: str,
    request: gr.Request,
) -> tuple[list[Any], str]:
    """Search the library; an empty query, no result, or words-only results say so.

    When the vector index is down the service answers with word matches and a notice in
    both languages; the page shows it, in its own language, above the results.
    """
    t = ctx.t
    if not (query or "").strip():
        return [], render.notice(t("library.empty_query"), kind="info")
    tags = [f"free:{tag}" if tag else "", f"key_point:{key_point}" if key_point else "", f"objection:{objection}" if objection else ""]
    try:
        outcome = clips.search_outcome(
            ctx.runtime,
            query.strip(),
            actor=actor(request),
            tags=[x for x in tags if x],
            language=language or None,
            scenario=scenario or None,
            k=10,
        )
    except (CoachError, ValueError) as error:
        return [], render.notice(ctx.message(error))
    found = outcome.results
    words_only = outcome.notice.text(ctx.language) if outcome.notice is not None else ""
    if not found:
        empty = render.notice(t("library.no_results"), kind="info")
        return [], render.notice(words_only, kind="warning") + empty
    return plain(found), render.notice(words_only, kind="warning")


def toggle(
    ctx: Context, found: list[dict[str, Any]], clip_id: str, what: str, on: bool, request: gr.Request
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Like or save a clip, then redraw the results and the saved list."""
    who = actor(request)
    if what == "like":
        record = clips.like(ctx.runtime, clip_id=clip_id, actor=who, liked=on)
    else:
        record = clips.save(ctx.runtime, clip_id=clip_id, actor=who, saved=on)
    updated = [
        {**hit, "liked": record.liked, "saved": record.saved, "likes": record.likes}
        if hit["clip_id"] == clip_id
        else hit
        for hit in found
    ]
    return updated, plain(clips.favourites(ctx.runtime, actor=who))


def mark_done(ctx: Context, assignment_id: int, request: gr.Request) -> list[Any]:
    """Mark a learning task done and redraw the list."""
    who = actor(request)
    clips.mark_done(ctx.runtime, assignment_id=assignment_id, actor=who)
    return plain(clips.my_tasks(ctx.runtime, actor=who))

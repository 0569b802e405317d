"""Home / My drills: assigned learning tasks, "practise anything", recent scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.services import content
from ui import render
from ui.context import Context

MODES = ("readalong", "recitation", "scripted", "freeform")


@dataclass
class HomePage:
    """The home page's components."""

    resume_note: gr.HTML
    resume: gr.Button
    drills: gr.HTML
    scenario: gr.Dropdown
    persona: gr.Dropdown
    mode: gr.Radio
    exam: gr.Checkbox
    start: gr.Button
    recent: gr.HTML


def scenario_choices(ctx: Context, prefer: str | None = None) -> list[tuple[str, str]]:
    """Every scenario, labelled with its language; the rep's own language first."""
    scenarios = sorted(
        content.list_scenarios(ctx.runtime), key=lambda s: (s.language != (prefer or ctx.language), s.title)
    )
    return [(f"{render.FLAG.get(s.language, s.language)} · {s.title}", s.id) for s in scenarios]


def persona_choices(ctx: Context, scenario_id: str | None) -> list[tuple[str, str]]:
    """The scenario's personas, labelled with role and difficulty."""
    if not scenario_id:
        return []
    scenario = content.get_scenario(ctx.runtime, scenario_id=scenario_id)
    by_id = {p.id: p for p in content.list_personas(ctx.runtime, language=scenario.language)}
    t = ctx.t
    return [
        (f"{by_id[pid].name} · {t('home.difficulty', n=by_id[pid].difficulty)}", pid)
        for pid in scenario.personas
        if pid in by_id
    ]


def mode_choices(ctx: Context, scenario_id: str | None) -> list[tuple[str, str]]:
    """The modes this scenario supports, in order of difficulty."""
    if not scenario_id:
        return []
    summary = next((s for s in content.list_scenarios(ctx.runtime) if s.id == scenario_id), None)
    modes = summary.modes if summary is not None else []
    return [(ctx.t("mode." + m), m) for m in MODES if m in modes]


def build(ctx: Context) -> HomePage:
    """Lay out the home page."""
    t = ctx.t
    with gr.Row():
        resume_note = gr.HTML("")
        resume = gr.Button(t("home.resume_button"), visible=False, elem_id="resume-call", scale=0)
    gr.Markdown(f"### {t('home.drills')}")
    drills = gr.HTML(f'<p class="muted">{render.e(t("home.no_drills"))}</p>', elem_id="my-drills")
    gr.Markdown(f"### {t('home.practise_anything')}")
    choices = scenario_choices(ctx)
    first = choices[0][1] if choices else None
    with gr.Row():
        scenario = gr.Dropdown(
            choices=choices, value=first, label=t("home.scenario"), elem_id="pick-scenario", scale=3
        )
        persona_list = persona_choices(ctx, first)
        persona = gr.Dropdown(
            choices=persona_list,
            value=persona_list[0][1] if persona_list else None,
            label=t("home.persona"),
            elem_id="pick-persona",
            scale=2,
        )
    modes = mode_choices(ctx, first)
    mode = gr.Radio(
        choices=modes,
        value="freeform" if any(m == "freeform" for _, m in modes) else (modes[0][1] if modes else None),
        label=t("home.mode"),
        info=" · ".join(f"{t('mode.' + m)}: {t('mode.' + m + '.help')}" for m in MODES),
        elem_id="pick-mode",
    )
    with gr.Row():
        exam = gr.Checkbox(value=False, label=t("home.exam"), elem_id="exam-mode")
        start = gr.Button(t("home.start"), variant="primary", elem_id="start-call")
    gr.Markdown(f"### {t('home.recent')}")
    recent = gr.HTML(f'<p class="muted">{render.e(t("home.no_recent"))}</p>', elem_id="recent-scores")
    return HomePage(resume_note, resume, drills, scenario, persona, mode, exam, start, recent)


def on_scenario(ctx: Context, scenario_id: str | None) -> tuple[Any, Any]:
    """New persona and mode choices for the picked scenario."""
    personas = persona_choices(ctx, scenario_id)
    modes = mode_choices(ctx, scenario_id)
    mode_value = "freeform" if any(m == "freeform" for _, m in modes) else (modes[0][1] if modes else None)
    return (
        gr.update(choices=personas, value=personas[0][1] if personas else None),
        gr.update(choices=modes, value=mode_value),
    )


def drills_html(ctx: Context, tasks: list[Any]) -> str:
    """The rep's learning tasks, open ones first, with their due dates."""
    t = ctx.t
    if not tasks:
        return f'<p class="muted">{render.e(t("home.no_drills"))}</p>'
    items = []
    for task in tasks:
        due = ""
        css = "done" if task.done else ""
        if task.due_at is not None:
            key = "home.due"
            from datetime import UTC, datetime

            due_at = task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=UTC)
            if not task.done and due_at < datetime.now(UTC):
                key, css = "home.overdue", "overdue"
            due = f" · {render.e(t(key, date=f'{due_at:%Y-%m-%d}'))}"
        state = f' · {render.e(t("home.done"))}' if task.done else ""
        note = f"<div class='muted small'>{render.e(task.note)}</div>" if task.note else ""
        items.append(
            f'<div class="drill {css}" data-assignment="{task.id}"><b>{render.e(task.title)}</b>'
            f"<small>{due}{state}</small>{note}</div>"
        )
    return "".join(items)

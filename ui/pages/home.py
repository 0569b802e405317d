"""Home / My drills: assigned learning tasks, "practise anything", recent scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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
    coaching: gr.HTML
    drill_row: gr.Row
    """The drill picker and its start button, shown only when a drill can be started."""
    drill_pick: gr.Dropdown
    start_drill: gr.Button
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
    coaching = gr.HTML("", elem_id="coaching-for-me")
    with gr.Row(visible=False) as drill_row:
        drill_pick = gr.Dropdown(choices=[], label=t("home.pick_drill"), elem_id="pick-drill", scale=4)
        start_drill = gr.Button(t("home.start_drill"), elem_id="start-drill", scale=1)
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
    return HomePage(
        resume_note, resume, drills, coaching, drill_row, drill_pick, start_drill, scenario, persona, mode, exam, start, recent
    )


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
    """The rep's drills and clip tasks, most urgent first, with status, due date and score."""
    t = ctx.t
    if not tasks:
        return f'<p class="muted">{render.e(t("home.no_drills"))}</p>'
    now = datetime.now(UTC)
    items = []
    for task in tasks:
        status = str(getattr(task, "status", "done" if task.done else "not_started"))
        details = [t("drill.status." + status)]
        if task.due_at is not None:
            due_at = task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=UTC)
            late = not task.done and due_at < now
            details.append(t("home.overdue" if late else "home.due", date=f"{due_at:%Y-%m-%d}"))
        if getattr(task, "exam", False):
            details.append(t("home.cert_badge" if task.certification else "home.exam_badge"))
        if getattr(task, "attempts_left", None) is not None and not task.done:
            details.append(t("home.attempts_left", n=task.attempts_left))
        if getattr(task, "best_score", None) is not None and getattr(task, "target_score", None) is not None:
            details.append(t("home.best", score=f"{task.best_score:.0f}", target=f"{task.target_score:.0f}"))
        note = f"<div class='muted small'>{render.e(task.note)}</div>" if task.note else ""
        items.append(
            f'<div class="drill {render.e(status)}" data-assignment="{task.assignment_id}"'
            f' data-kind="{render.e(getattr(task, "kind", "clip"))}"><b>{render.e(task.title)}</b>'
            f"<small> · {render.e(' · '.join(details))}</small>{note}</div>"
        )
    return "".join(items)


def drill_choices(tasks: list[Any]) -> list[tuple[str, int]]:
    """The drills the rep can start now (clip tasks are opened in the library instead)."""
    return [
        (task.title, task.assignment_id)
        for task in tasks
        if getattr(task, "kind", "") == "drill" and not task.done and task.attempts_left != 0
    ]


def coaching_html(ctx: Context, comments: list[Any]) -> str:
    """"Coaching for me": the coaches' comments on the rep's calls, unread ones marked."""
    t = ctx.t
    if not comments:
        return ""
    e = render.e
    items = []
    for c in comments[:10]:
        css = "comment unread" if c.read_at is None else "comment"
        items.append(
            f'<div class="{css}" data-session="{e(c.session_id)}"><b>{e(c.author or "?")}</b> '
            f'<small class="muted">{e(c.scenario_id)} · {c.session_started_at:%Y-%m-%d}</small>'
            f"<p>{e(c.body)}</p></div>"
        )
    unread = sum(1 for c in comments if c.read_at is None)
    head = e(t("home.coaching", n=unread))
    return f'<h4>{head}</h4>{"".join(items)}<p class="muted small">{e(t("home.coaching_help"))}</p>'

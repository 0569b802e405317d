"""Drills: a trainer creates a drill, gives it to a rep or the whole team, and follows it.

``coach.services.training`` checks every step on the server (a trainer may only give drills
to their own team; a rep may not create one). The tab is shown to coaches only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.services import accounts, training
from ui import render
from ui.context import Context
from ui.pages.home import MODES, scenario_choices


@dataclass
class DrillsPage:
    """The drills page's components."""

    scenario: gr.Dropdown
    mode: gr.Radio
    title: gr.Textbox
    target: gr.Number
    exam: gr.Checkbox
    attempts: gr.Number
    certification: gr.Checkbox
    assignee: gr.Dropdown
    due_days: gr.Number
    create: gr.Button
    notice: gr.HTML
    status: gr.HTML


def build(ctx: Context) -> DrillsPage:
    """Lay out the drill form and the status table."""
    t = ctx.t
    gr.Markdown(f"### {t('drills.new')}")
    choices = scenario_choices(ctx)
    with gr.Row():
        scenario = gr.Dropdown(
            choices=choices,
            value=choices[0][1] if choices else None,
            label=t("home.scenario"),
            elem_id="drill-scenario",
            scale=3,
        )
        title = gr.Textbox(label=t("drills.title_field"), elem_id="drill-title", scale=3)
    mode = gr.Radio(
        choices=[(t("mode." + m), m) for m in MODES],
        value="freeform",
        label=t("home.mode"),
        elem_id="drill-mode",
    )
    with gr.Row():
        target = gr.Number(value=70, minimum=0, maximum=100, label=t("drills.target"), elem_id="drill-target")
        exam = gr.Checkbox(value=False, label=t("home.exam"), elem_id="drill-exam")
        attempts = gr.Number(value=0, minimum=0, maximum=100, precision=0, label=t("drills.attempts"), elem_id="drill-attempts")
        certification = gr.Checkbox(value=False, label=t("drills.certification"), elem_id="drill-cert")
    with gr.Row():
        assignee = gr.Dropdown(choices=[], label=t("drills.assignee"), elem_id="drill-assignee", scale=3)
        due_days = gr.Number(value=7, minimum=0, maximum=365, precision=0, label=t("drills.due_days"), elem_id="drill-due", scale=1)
        create = gr.Button(t("drills.create"), variant="primary", elem_id="drill-create", scale=1)
    notice = gr.HTML("")
    gr.Markdown(f"### {t('drills.status')}")
    status = gr.HTML(f'<p class="muted">{render.e(t("drills.none"))}</p>', elem_id="drill-status")
    return DrillsPage(scenario, mode, title, target, exam, attempts, certification, assignee, due_days, create, notice, status)


def assignee_choices(ctx: Context, who: str) -> list[tuple[str, str]]:
    """Whom a coach may give a drill: their team (or every team, for an admin), or one rep."""
    try:
        users = accounts.list_users(ctx.runtime, actor=who)
    except CoachError:
        return []
    teams = sorted({u.team for u in users if u.team})
    reps = sorted((u for u in users if u.role == "rep" and u.is_active), key=lambda u: u.username)
    return [(ctx.t("drills.to_team", team=team), f"team:{team}") for team in teams] + [
        (ctx.t("drills.to_rep", name=u.display_name, user=u.username), f"user:{u.username}") for u in reps
    ]


def status_html(ctx: Context, statuses: list[training.RepStatus]) -> str:
    """Each rep's standing on each drill the coach can see."""
    t = ctx.t
    e = render.e
    if not statuses:
        return f'<p class="muted">{e(t("drills.none"))}</p>'
    heads = [t("team.col.drill"), t("team.col.rep"), t("drills.col.status"), t("drills.col.attempts"), t("drills.col.best"), t("drills.col.due")]
    rows = []
    for s in statuses:
        best = "–" if s.best_score is None else f"{s.best_score:.0f}"
        target = "" if s.target_score is None else f" / {s.target_score:.0f}"
        due = "" if s.due_at is None else f"{s.due_at:%Y-%m-%d}"
        rows.append(
            f'<tr data-assignment="{s.assignment_id}" data-rep="{e(s.rep)}"><td>{e(s.title)}</td><td>{e(s.rep)}</td>'
            f'<td><span class="status {e(s.status)}">{e(t("drill.status." + str(s.status)))}</span></td>'
            f"<td>{s.attempts}</td><td>{e(best + target)}</td><td>{e(due)}</td></tr>"
        )
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    return f'<table class="coach-table" id="drill-status-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def refresh(ctx: Context, page: DrillsPage, who: str) -> dict[Any, Any]:
    """Updates that redraw the assignee choices and the status table."""
    try:
        statuses = training.drill_status_report(ctx.runtime, actor=who)
    except CoachError as error:
        return {page.notice: render.notice(ctx.message(error))}
    choices = assignee_choices(ctx, who)
    return {
        page.status: status_html(ctx, statuses),
        page.assignee: gr.update(choices=choices, value=choices[0][1] if choices else None),
    }


def create(
    ctx: Context,
    page: DrillsPage,
    who: str,
    values: dict[str, Any],
) -> dict[Any, Any]:
    """Create the drill and give it to the chosen team or rep; say what happened."""
    t = ctx.t
    assignee = values.get("assignee") or ""
    kind, _, name = assignee.partition(":")
    if kind not in ("team", "user") or not name:
        return {page.notice: render.notice(t("drills.pick_assignee"), kind="info")}
    try:
        drill = training.create_drill(
            ctx.runtime,
            actor=who,
            scenario_id=values["scenario"],
            mode=values["mode"],
            title=(values.get("title") or "").strip(),
            target_score=values.get("target"),
            exam=bool(values.get("exam")) or bool(values.get("certification")),
            max_attempts=int(values["attempts"]) if values.get("attempts") else None,
            certification=bool(values.get("certification")),
        )
        days = values.get("due_days")
        due = date.today() + timedelta(days=int(days)) if days not in (None, "") else None
        training.assign_drill(
            ctx.runtime,
            actor=who,
            drill_id=drill.id,
            to_team=name if kind == "team" else None,
            to_user=name if kind == "user" else None,
            due=due,
        )
    except (CoachError, ValueError) as error:
        return {page.notice: render.notice(ctx.message(error))}
    out = refresh(ctx, page, who)
    out[page.notice] = render.notice(t("drills.created", title=drill.title or drill.scenario_id), kind="info")
    out[page.assignee] = gr.update(value=assignee)
    return out

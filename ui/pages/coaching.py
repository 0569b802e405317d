"""Coaching on a scorecard: comments (on the call or one turn) and a manager's overrides.

Drawn under the scorecard. The rep sees their coaches' comments (opening the scorecard marks
them read) and any override next to the evaluator's original; a coach of the rep's team sees
a comment box; a manager also sees the score and key-point overrides. ``coach.services.
coaching`` checks every one of these on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.services import coaching, scope
from coach.services.practice import SessionView
from ui import render
from ui.context import Context

COACHES = scope.COACHES
MANAGERS = scope.MANAGERS
STATUSES = ("hit", "partial", "missed")


@dataclass
class CoachingPanel:
    """The coaching section's components."""

    comments: gr.HTML
    coach_box: gr.Group
    turn: gr.Dropdown
    body: gr.Textbox
    add: gr.Button
    manager_box: gr.Group
    score: gr.Number
    point: gr.Dropdown
    status: gr.Radio
    reason: gr.Textbox
    override_score: gr.Button
    override_point: gr.Button
    notice: gr.HTML


def build(ctx: Context) -> CoachingPanel:
    """Lay out the section (the boxes stay hidden until a coach opens a rep's session)."""
    t = ctx.t
    gr.Markdown(f"### {t('coach.title')}")
    comments = gr.HTML("", elem_id="coaching-comments")
    with gr.Group(visible=False, elem_id="coach-box") as coach_box:
        with gr.Row():
            turn = gr.Dropdown(choices=[], label=t("coach.turn"), elem_id="coach-turn", scale=2)
            body = gr.Textbox(label=t("coach.comment"), lines=2, elem_id="coach-comment", scale=4)
        add = gr.Button(t("coach.add"), elem_id="coach-add")
    with gr.Group(visible=False, elem_id="manager-box") as manager_box:
        with gr.Row():
            score = gr.Number(label=t("coach.score"), minimum=0, maximum=100, elem_id="override-score", scale=1)
            point = gr.Dropdown(choices=[], label=t("coach.point"), elem_id="override-point", scale=2)
            status = gr.Radio(
                choices=[(t("score." + s), s) for s in STATUSES], value="hit",
                label=t("coach.status"), elem_id="override-status", scale=2,
            )  # fmt: skip
        reason = gr.Textbox(label=t("coach.reason"), elem_id="override-reason")
        with gr.Row():
            override_score = gr.Button(t("coach.override_score"), elem_id="override-score-button")
            override_point = gr.Button(t("coach.override_point"), elem_id="override-point-button")
    notice = gr.HTML("")
    return CoachingPanel(
        comments, coach_box, turn, body, add, manager_box, score, point, status, reason,
        override_score, override_point, notice,
    )  # fmt: skip


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def comments_html(ctx: Context, records: list[coaching.CommentRecord], review: Any | None) -> str:
    """The comments, newest last, each with the turn it is about; and any overrides."""
    t = ctx.t
    e = render.e
    parts: list[str] = []
    if review is not None and review.override_score is not None:
        parts.append(
            f'<p class="override" id="score-override">{e(t("coach.overridden", score=f"{review.override_score:.0f}", original=f"{review.original_score:.0f}", by=review.override_by or "?"))}'
            f'<br><span class="muted">{e(review.override_comment or "")}</span></p>'
        )
    for point in getattr(review, "key_points", None) or []:
        if point.override:
            parts.append(
                f'<p class="override kp" data-kp="{e(point.id)}">{e(t("coach.point_overridden", point=point.id, status=t("score." + point.override), original=t("score." + point.original), by=point.override_by or "?"))}'
                f'<br><span class="muted">{e(point.comment or "")}</span></p>'
            )
    if not records:
        parts.append(f'<p class="muted">{e(t("coach.none"))}</p>')
    for c in records:
        about = f'<blockquote>{e(c.turn_text)}</blockquote>' if c.turn_text else ""
        parts.append(
            f'<div class="comment" data-comment="{c.id}"><b>{e(c.author or "?")}</b> '
            f'<small class="muted">{c.created_at:%Y-%m-%d %H:%M}</small>{about}<p>{e(c.body)}</p></div>'
        )
    return "".join(parts)


def show(ctx: Context, panel: CoachingPanel, view: SessionView | None, who: str, role: str) -> dict[Any, Any]:
    """Updates that draw the section for this viewer; the rep's own comments get marked read."""
    if view is None:
        return {panel.comments: "", panel.coach_box: gr.update(visible=False), panel.manager_box: gr.update(visible=False)}
    try:
        records = coaching.session_comments(ctx.runtime, actor=who, session_id=view.id)
    except CoachError:
        records = []
    review = None
    if view.scorecard is not None:
        try:
            review = coaching.review(ctx.runtime, actor=who, session_id=view.id)
        except CoachError:
            review = None
    if view.owner == who:
        for record in records:
            if record.read_at is None:
                try:
                    coaching.mark_read(ctx.runtime, actor=who, comment_id=record.id)
                except CoachError:
                    pass
    coaching_it = view.owner != who and role in COACHES
    managing = view.owner != who and role in MANAGERS and view.scorecard is not None
    turns = [(ctx.t("coach.whole_call"), -1)] + [
        (f"{turn.index}: {_short(turn.text)}", turn.index) for turn in view.turns if turn.speaker == "rep"
    ]
    points = [str(p.get("id")) for p in (view.scorecard or {}).get("key_points") or []]
    # The box starts at the score as it stands (an override, else the evaluator's), not at 0.
    current = review.override_score if review is not None and review.override_score is not None else (view.scorecard or {}).get("score")
    return {
        panel.score: gr.update(value=round(float(current)) if current is not None else None),
        panel.comments: comments_html(ctx, records, review),
        panel.coach_box: gr.update(visible=coaching_it),
        panel.turn: gr.update(choices=turns, value=-1),
        panel.manager_box: gr.update(visible=managing),
        panel.point: gr.update(choices=points, value=points[0] if points else None),
        panel.notice: "",
    }

"""The scorecard, right after the call or reopened from History."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.services import clips, content
from coach.services.practice import SessionView
from ui import render
from ui.context import Context


@dataclass
class ScorecardPage:
    """The scorecard's components."""

    card: gr.HTML
    transcript: gr.HTML
    try_again: gr.Button
    top: gr.Button
    top_clip: gr.HTML


def build(ctx: Context) -> ScorecardPage:
    """Lay out the scorecard page."""
    t = ctx.t
    card = gr.HTML(f'<p class="muted" id="score-empty">{render.e(t("score.none"))}</p>')
    with gr.Row():
        try_again = gr.Button(t("score.try_again"), elem_id="try-again", variant="primary")
        top = gr.Button(t("score.top_performer"), elem_id="top-performer")
    top_clip = gr.HTML("", elem_id="top-clip")
    transcript = gr.HTML("", elem_id="scorecard-transcript")
    return ScorecardPage(card, transcript, try_again, top, top_clip)


def show(ctx: Context, page: ScorecardPage, view: SessionView | None, actor: str) -> dict[Any, Any]:
    """Updates that draw ``view``'s scorecard (or the empty page)."""
    t = ctx.t
    if view is None or view.scorecard is None:
        return {
            page.card: f'<p class="muted" id="score-empty">{render.e(t("score.none"))}</p>',
            page.transcript: "",
            page.top_clip: "",
        }
    scenario = content.get_scenario(ctx.runtime, scenario_id=view.scenario_id)
    descriptions = {p.id: p.description for p in scenario.key_points}
    previous = previous_profile(ctx, actor, view)
    return {
        page.card: render.scorecard(view, t, previous=previous, descriptions=descriptions),
        page.transcript: render.transcript(view, t),
        page.top_clip: "",
    }


def previous_profile(ctx: Context, actor: str, view: SessionView) -> dict[str, float]:
    """The rep's average ability profile over their sessions before this one."""
    if view.owner != actor:
        return {}
    sums: dict[str, list[float]] = {}
    for past in ctx.practice.history(actor=actor):
        if past.id == view.id or past.started_at >= view.started_at:
            continue
        for key, value in past.profile.items():
            sums.setdefault(key, []).append(float(value))
    return {key: sum(values) / len(values) for key, values in sums.items() if values}


def top_performer(ctx: Context, view: SessionView, actor: str) -> str:
    """The clip that shows the weakest point done well: its card and a play button."""
    t = ctx.t
    result = view.scorecard or {}
    weak = [p for p in result.get("key_points") or [] if p.get("status") != "hit"]
    scenario = content.get_scenario(ctx.runtime, scenario_id=view.scenario_id)
    descriptions = {p.id: p.description for p in scenario.key_points}
    for point in weak or list(result.get("key_points") or []):
        point_id = str(point.get("id"))
        try:
            hits = clips.search(
                ctx.runtime,
                descriptions.get(point_id, point_id),
                actor=actor,
                tags=[f"key_point:{point_id}"],
                scenario=view.scenario_id,
                k=1,
            )
        except CoachError:
            hits = []
        if hits:
            hit = hits[0]
            return (
                render.clip_card(hit, t)
                + f'<button class="play big" data-src="/media/clip/{render.e(hit.clip_id)}" '
                f'id="play-top-clip" onclick="coachPlay(this)">▶ {render.e(t("practice.play"))}</button>'
            )
    return f'<p class="muted">{render.e(t("score.no_clip"))}</p>'

"""History: the rep's sessions with a score trend per scenario; any one reopens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.services.practice import SessionSummary
from ui import plots, render
from ui.context import Context


@dataclass
class HistoryPage:
    """The history page's components."""

    table: gr.HTML
    pick: gr.Dropdown
    open: gr.Button
    trend: gr.HTML


def build(ctx: Context) -> HistoryPage:
    """Lay out the history page."""
    t = ctx.t
    gr.Markdown(f"### {t('history.title')}")
    with gr.Row():
        pick = gr.Dropdown(choices=[], label=t("history.pick"), elem_id="history-pick", scale=4)
        open_button = gr.Button(t("history.open"), elem_id="history-open", scale=1)
    trend = gr.HTML(trend_html(ctx, []), elem_id="history-trend")
    table = gr.HTML(f'<p class="muted">{render.e(t("history.none"))}</p>', elem_id="history")
    return HistoryPage(table, pick, open_button, trend)


def trend_points(sessions: list[SessionSummary]) -> list[plots.Point]:
    """One point per scored session, oldest first, a series per scenario.

    The label is the month, day and time (the year too when the sessions span more than one),
    so two sessions on one day stay two points.
    """
    scored = sorted((s for s in sessions if s.score is not None), key=lambda s: s.started_at)
    years = {s.started_at.year for s in scored}
    when = "%m-%d %H:%M" if len(years) <= 1 else "%Y-%m-%d %H:%M"
    return [
        plots.Point(x=f"{s.started_at:{when}}", series=s.scenario_title, value=float(s.score or 0))
        for s in scored
    ]


def trend_html(ctx: Context, sessions: list[SessionSummary]) -> str:
    """The score trend as a line per scenario (0-100), drawn on the server."""
    t = ctx.t
    return plots.line_chart(
        trend_points(sessions), chart_id="history-trend", title=t("history.trend"),
        x_title=t("history.date"), y_title=t("history.score"),
        legend_title=t("history.scenario"), empty=t("history.none"), height=260, ordered=True,
    )  # fmt: skip


def show(ctx: Context, page: HistoryPage, sessions: list[SessionSummary]) -> dict[Any, Any]:
    """Updates that draw the rep's sessions."""
    t = ctx.t
    choices = [
        (
            f"{s.started_at:%Y-%m-%d %H:%M} · {s.scenario_title} · {t('mode.' + s.mode)}"
            + (f" · {s.score:.0f}" if s.score is not None else f" · {t('history.in_progress')}"),
            s.id,
        )
        for s in sessions
    ]
    return {
        page.table: render.history_table(sessions, t),
        page.pick: gr.update(choices=choices, value=choices[0][1] if choices else None),
        page.trend: trend_html(ctx, sessions),
    }

"""The practice screen: one layout for all four modes.

Voice first: the hands-free channel (ui/static/voice.js over the /ws/voice socket) listens,
ends the turn, and plays the customer; after each voice turn the page asks the server to
redraw the call from the database. Push-to-talk, an upload and a text box are the fallbacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.services.practice import SessionView
from ui import render
from ui.context import Context

VOICE_CONTROLS = """
<div class="voice-controls" id="voice-controls">
  <button type="button" class="mic" id="mic-start" onclick="window.CoachVoice && window.coachVoiceSession() === null ? window.coachSyncVoice() : (window.CoachVoice && window.CoachVoice.mute(false))">{start}</button>
  <button type="button" class="mic" id="mic-stop" onclick="window.CoachVoice && window.CoachVoice.mute(true)">{stop}</button>
  <button type="button" class="ptt" id="push-to-talk"
    onmousedown="window.CoachVoice && window.CoachVoice.pushToTalk(true)"
    onmouseup="window.CoachVoice && window.CoachVoice.pushToTalk(false)"
    ontouchstart="window.CoachVoice && window.CoachVoice.pushToTalk(true)"
    ontouchend="window.CoachVoice && window.CoachVoice.pushToTalk(false)">● {ptt}</button>
  <div id="live-partial"></div>
  <div id="voice-notice"></div>
</div>
"""


@dataclass
class PracticePage:
    """The practice screen's components."""

    call_bar: gr.HTML
    chat: gr.HTML
    panel: gr.HTML
    notice: gr.HTML
    hands_free: gr.Checkbox
    text: gr.Textbox
    send: gr.Button
    audio: gr.Audio
    send_audio: gr.Button
    repeat: gr.Button
    end: gr.Button
    refresh: gr.Button


def build(ctx: Context) -> PracticePage:
    """Lay out the practice screen (events are wired in ui/app.py)."""
    t = ctx.t
    call_bar = gr.HTML(f'<p class="muted" id="practice-empty">{render.e(t("practice.none"))}</p>')
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = gr.HTML("")
            notice = gr.HTML("")
            with gr.Row():
                hands_free = gr.Checkbox(
                    value=True,
                    label=t("practice.hands_free"),
                    info=t("practice.hands_free.help"),
                    elem_id="hands-free",
                    scale=1,
                )
                gr.HTML(
                    VOICE_CONTROLS.format(
                        start=render.e(t("practice.mic_start")),
                        stop=render.e(t("practice.mic_stop")),
                        ptt=render.e(t("practice.push_to_talk")),
                    )
                )
            with gr.Row():
                text = gr.Textbox(
                    label=t("practice.type"),
                    placeholder=t("practice.type.placeholder"),
                    elem_id="turn-text",
                    scale=4,
                    lines=1,
                    max_lines=6,
                )
                send = gr.Button(t("practice.send"), elem_id="send-turn", scale=1, variant="primary")
            with gr.Accordion(t("practice.upload"), open=False):
                audio = gr.Audio(
                    sources=["upload", "microphone"],
                    type="filepath",
                    label=None,
                    show_label=False,
                    elem_id="turn-audio",
                )
                send_audio = gr.Button(t("practice.send_audio"), elem_id="send-audio")
            with gr.Row():
                repeat = gr.Button(t("practice.repeat"), elem_id="repeat-line", visible=False)
                end = gr.Button(t("practice.end"), elem_id="end-call", variant="stop")
        with gr.Column(scale=2):
            panel = gr.HTML("")
    refresh = gr.Button("refresh", elem_id="coach-refresh", elem_classes=["coach-hidden"])
    return PracticePage(
        call_bar, chat, panel, notice, hands_free, text, send, audio, send_audio, repeat, end, refresh
    )


def show(ctx: Context, page: PracticePage, view: SessionView | None) -> dict[Any, Any]:
    """Updates that draw ``view`` on the practice screen (or the empty screen)."""
    t = ctx.t
    if view is None:
        return {
            page.call_bar: f'<p class="muted" id="practice-empty">{render.e(t("practice.none"))}</p>',
            page.chat: "",
            page.panel: "",
            page.repeat: gr.update(visible=False),
        }
    active = view.status == "active"
    ended = (
        render.notice(t("practice.ended", how=t("ended." + (view.ended_by or "rep"))), kind="info")
        if not active
        else ""
    )
    return {
        page.call_bar: render.call_bar(view, t),
        page.chat: render.conversation(view, t) + ended,
        page.panel: render.mode_panel(view, t, coverage=view.coverage),
        page.repeat: gr.update(visible=active and view.mode == "readalong"),
    }

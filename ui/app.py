"""The web app: one Gradio Blocks per UI language, assembled from the page modules.

Each page module lays out its components and knows how to draw service records; this
module wires the events between pages. Every callback takes the acting user from
``request.username`` (the signed cookie) and goes through the services, which check roles
and ownership themselves. Trainer, manager and admin pages slot in as more tabs here.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from coach.errors import CoachError  # noqa: E402
from coach.services import clips, profile, scope, training  # noqa: E402
from coach.services import coaching as coaching_service  # noqa: E402
from coach.services.practice import PracticeService, SessionView  # noqa: E402
from coach.services.runtime import Runtime  # noqa: E402
from ui import render  # noqa: E402
from ui.context import Context, actor  # noqa: E402
from ui.i18n import LANGUAGES, Translator  # noqa: E402
from ui.pages import (  # noqa: E402
    admin,
    call_scores,
    calls,
    coaching,
    drills,
    history,
    home,
    library,
    practice,
    scorecard,
    team,
)
from ui.pages import content as content_page  # noqa: E402

log = logging.getLogger(__name__)
COACH_ROLES = scope.COACHES
"""Roles that see the Drills tab (the services check the role again on every call)."""
MANAGER_ROLES = scope.MANAGERS
"""Roles that see the Team dashboard."""
STATIC = Path(__file__).parent / "static"
VOICE_STATES = ("idle", "connecting", "listening", "hearing", "thinking", "speaking", "ended")
VOICE_ERRORS = (
    "mic_denied", "mic_missing", "no_speech", "too_long", "stt_failed", "tts_failed",
    "session_ended", "forbidden", "unauthenticated", "connection_lost", "server_error",
    "voice_busy",
)  # fmt: skip


def page_messages(t: Translator, limits: dict[str, Any]) -> str:
    """The strings page.js shows for voice states and errors, as JSON in the page."""
    data = {f"state.{s}": t(f"practice.state.{s}") for s in VOICE_STATES}
    for code in VOICE_ERRORS:
        key = {"forbidden": "err.not_yours"}.get(code, f"err.{code}")
        data[f"err.{code}"] = t(key, **limits) if "{" in t.messages.get(key, "") else t(key)
    payload = render.e(json.dumps(data, ensure_ascii=False))
    return f'<div id="coach-messages" hidden data-messages="{payload}"></div>'


def build_blocks(runtime: Runtime, practice_service: PracticeService, language: str) -> gr.Blocks:
    """The whole app in one language."""
    ctx = Context(runtime=runtime, practice=practice_service, language=language)
    t = ctx.t
    with gr.Blocks(title=t("app.title"), analytics_enabled=False) as blocks:
        header = gr.HTML("")
        gr.HTML(page_messages(t, {"mb": runtime.settings.max_upload_mb, "seconds": runtime.settings.max_audio_s}))
        session_id = gr.State(None)
        with gr.Tabs(selected="home", elem_id="coach-tabs") as tabs:
            with gr.Tab(t("tab.home"), id="home", elem_id="tab-home"):
                h = home.build(ctx)
            with gr.Tab(t("tab.practice"), id="practice", elem_id="tab-practice"):
                p = practice.build(ctx)
            with gr.Tab(t("tab.scorecard"), id="scorecard", elem_id="tab-scorecard"):
                s = scorecard.build(ctx)
                co = coaching.build(ctx)
            with gr.Tab(t("tab.history"), id="history", elem_id="tab-history"):
                hi = history.build(ctx)
            with gr.Tab(t("tab.library"), id="library", elem_id="tab-library"):
                lib = library.build(ctx)
            # Shown to coaches only; the services refuse anyone else whatever the page shows.
            with gr.Tab(t("tab.drills"), id="drills", elem_id="tab-drills", visible=False) as drills_tab:
                dr = drills.build(ctx)
            with gr.Tab(t("tab.team"), id="team", elem_id="tab-team", visible=False) as team_tab:
                tm = team.build(ctx)
            # Trainers and admins; the clips service refuses anyone else (clips.write).
            with gr.Tab(t("calls.tab"), id="calls", elem_id="tab-calls", visible=False) as calls_tab:
                cl = calls.build(ctx)
            # Admins only (`me.role == "admin"`); the accounts service refuses anyone else.
            with gr.Tab(t("admin.tab"), id="admin", elem_id="tab-admin", visible=False) as admin_tab:
                adm = admin.build(ctx)
            # Trainers and admins (content.write); the content service refuses anyone else.
            with gr.Tab(t("content.tab"), id="content", elem_id="tab-content", visible=False) as content_tab:
                cp = content_page.build(ctx)

        screen = [
            tabs, session_id, h.scenario, h.persona, h.mode, p.call_bar, p.chat, p.panel, p.repeat, p.notice, p.text, p.audio,
            s.card, s.transcript, s.top_clip, h.recent, h.resume_note, h.resume,
            hi.table, hi.pick, hi.trend,
            co.comments, co.coach_box, co.turn, co.manager_box, co.score, co.point, co.notice, h.coaching,
        ]  # fmt: skip

        def open_view(view: SessionView, who: str, *, note: str = "") -> dict[Any, Any]:
            """Show a session: the practice screen while active, else its scorecard."""
            updates: dict[Any, Any] = {session_id: view.id, p.notice: note}
            updates.update(practice.show(ctx, p, view))
            if view.status != "active" and view.scorecard is not None:
                updates.update(scorecard.show(ctx, s, view, who))
                updates.update(coaching.show(ctx, co, view, who, profile.me(runtime, actor=who).role))
                updates[tabs] = gr.Tabs(selected="scorecard")
                updates.update(refresh_lists(who))
            else:
                updates[tabs] = gr.Tabs(selected="practice")
            return updates

        def refresh_lists(who: str) -> dict[Any, Any]:
            sessions = ctx.practice.history(actor=who) if who else []
            updates = history.show(ctx, hi, sessions)
            updates[h.recent] = render.recent_scores(sessions, t)
            updates[h.coaching] = home.coaching_html(ctx, coaching_service.coaching_for_me(runtime, actor=who)) if who else ""
            return updates

        def failure(error: Exception) -> dict[Any, Any]:
            return {p.notice: render.notice(ctx.message(error))}

        # -- load ------------------------------------------------------------------------

        def on_load(request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            me = profile.me(runtime, actor=who)
            updates: dict[Any, Any] = {
                header: render.header(name=me.display_name, role=me.role, language=language, t=t)
            }
            updates.update(refresh_lists(who))
            updates[drills_tab] = gr.update(visible=me.role in COACH_ROLES)
            updates[team_tab] = gr.update(visible=me.role in MANAGER_ROLES)
            updates[calls_tab] = gr.update(visible=me.role in calls.ROLES)
            choices = home.scenario_choices(ctx, prefer=me.language)
            first = choices[0][1] if choices else None
            persona_update, mode_update = home.on_scenario(ctx, first)
            updates[h.scenario] = gr.update(choices=choices, value=first)
            updates[h.persona] = persona_update
            updates[h.mode] = mode_update
            wanted = request.query_params.get("session") if request.query_params else None
            active = ctx.practice.active_session(actor=who)
            if wanted:
                try:
                    updates.update(open_view(ctx.practice.view(wanted, actor=who), who))
                except CoachError as error:
                    updates.update(failure(error))
                    updates[tabs] = gr.Tabs(selected="practice")
            elif active:
                view = ctx.practice.view(active, actor=who)
                updates[h.resume_note] = render.notice(
                    t("home.resume", title=view.scenario_title, mode=t("mode." + view.mode)), kind="info"
                )
                updates[h.resume] = gr.update(visible=True)
            return updates

        def load_side(request: gr.Request) -> tuple[Any, ...]:
            who = actor(request)
            tasks = clips.my_tasks(runtime, actor=who)
            saved = clips.favourites(runtime, actor=who)
            found = library.facets(ctx, who)
            mine = training.my_drills(runtime, actor=who)
            startable = home.drill_choices(mine)
            return (
                home.drills_html(ctx, mine),
                gr.update(visible=bool(startable)),
                gr.update(choices=startable, value=startable[0][1] if startable else None),
                library.plain(tasks),
                library.plain(saved),
                found["tag"],
                found["key_point"],
                found["objection"],
                found["scenario"],
            )

        blocks.load(on_load, outputs=screen + [header, drills_tab, team_tab, calls_tab])
        blocks.load(
            load_side,
            outputs=[h.drills, h.drill_row, h.drill_pick, lib.tasks, lib.saved, lib.tag, lib.key_point, lib.objection, lib.scenario],
        )

        def load_coach(request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            me = profile.me(runtime, actor=who)
            out: dict[Any, Any] = {dr.notice: ""}  # Gradio needs at least one update
            if me.role in COACH_ROLES:
                out.update(drills.refresh(ctx, dr, who))
            if me.role in MANAGER_ROLES:
                teams = team.teams_for(ctx, who)
                chosen = me.team if me.team in teams else (teams[0] if teams else None)
                out[tm.team] = gr.update(choices=teams, value=chosen)
                out.update(team.show(ctx, tm, who, chosen, team.PERIODS[0]))
            return out

        coach_outputs = [dr.status, dr.assignee, dr.notice, tm.team, *team.outputs(tm)]
        blocks.load(load_coach, outputs=coach_outputs)
        admin.wire(ctx, blocks, adm, admin_tab)  # shows the tab to admins and wires its forms
        content_page.wire(ctx, blocks, cp, content_tab, [h.scenario, dr.scenario])  # trainers, admins

        # -- drills and team (coaches) ---------------------------------------------------

        def on_create_drill(
            scenario_id: str | None, mode: str | None, title: str, target: float | None, exam: bool,
            attempts: float | None, certification: bool, assignee: str | None, due_days: float | None,
            request: gr.Request,
        ) -> dict[Any, Any]:
            values = {
                "scenario": scenario_id, "mode": mode, "title": title, "target": target, "exam": exam,
                "attempts": attempts, "certification": certification, "assignee": assignee, "due_days": due_days,
            }  # fmt: skip
            return drills.create(ctx, dr, actor(request), values)

        dr.create.click(
            on_create_drill,
            inputs=[dr.scenario, dr.mode, dr.title, dr.target, dr.exam, dr.attempts, dr.certification, dr.assignee, dr.due_days],
            outputs=[dr.status, dr.assignee, dr.notice],
        )

        def on_team(
            name: str | None, days: int | None, scenario: str | None, request: gr.Request
        ) -> dict[Any, Any]:
            return team.show(ctx, tm, actor(request), name, days, scenario)

        team_outputs = team.outputs(tm)
        team_inputs = [tm.team, tm.days, tm.scenario]
        tm.refresh.click(on_team, inputs=team_inputs, outputs=team_outputs)
        tm.days.change(on_team, inputs=team_inputs, outputs=team_outputs)
        tm.scenario.input(on_team, inputs=team_inputs, outputs=team_outputs)

        def on_open_team_session(picked: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not picked:
                return {tm.notice: render.notice(t("team.pick_session"), kind="info")}
            try:
                return open_view(ctx.practice.view(picked, actor=who), who)
            except (CoachError, ValueError) as error:
                return {tm.notice: render.notice(ctx.message(error))}

        tm.open.click(on_open_team_session, inputs=[tm.sessions], outputs=screen + [tm.notice])

        # -- coaching on a scorecard -----------------------------------------------------

        def redraw_coaching(sid: str, who: str, note: str) -> dict[Any, Any]:
            view = ctx.practice.view(sid, actor=who)
            out = coaching.show(ctx, co, view, who, profile.me(runtime, actor=who).role)
            out[co.notice] = note
            return out

        def on_comment(sid: str | None, turn: int | None, body: str, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {co.notice: render.notice(t("practice.none"), kind="info")}
            try:
                coaching_service.add_comment(
                    runtime, actor=who, session_id=sid, body=body,
                    turn_index=None if turn in (None, -1) else int(turn),
                )  # fmt: skip
            except (CoachError, ValueError) as error:
                return {co.notice: render.notice(ctx.message(error))}
            out = redraw_coaching(sid, who, render.notice(t("coach.added"), kind="info"))
            out[co.body] = ""
            return out

        coaching_outputs = [co.comments, co.coach_box, co.turn, co.manager_box, co.score, co.point, co.notice]
        co.add.click(on_comment, inputs=[session_id, co.turn, co.body], outputs=coaching_outputs + [co.body])

        def on_override_score(sid: str | None, score: float | None, reason: str, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid or score is None:
                return {co.notice: render.notice(t("coach.need_score"), kind="info")}
            try:
                coaching_service.override_score(runtime, actor=who, session_id=sid, score=float(score), comment=reason)
            except (CoachError, ValueError) as error:
                return {co.notice: render.notice(ctx.message(error))}
            return redraw_coaching(sid, who, render.notice(t("coach.overridden_ok"), kind="info"))

        co.override_score.click(on_override_score, inputs=[session_id, co.score, co.reason], outputs=coaching_outputs)

        def on_override_point(sid: str | None, point: str | None, status: str | None, reason: str, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid or not point or not status:
                return {co.notice: render.notice(t("coach.need_point"), kind="info")}
            try:
                coaching_service.override_key_point(
                    runtime, actor=who, session_id=sid, key_point_id=point, status=status, comment=reason
                )
            except (CoachError, ValueError) as error:
                return {co.notice: render.notice(ctx.message(error))}
            return redraw_coaching(sid, who, render.notice(t("coach.overridden_ok"), kind="info"))

        co.override_point.click(
            on_override_point, inputs=[session_id, co.point, co.status, co.reason], outputs=coaching_outputs
        )

        def on_download(name: str | None, days: int | None, kind: str | None, request: gr.Request) -> tuple[Any, str]:
            return team.download(ctx, actor(request), name, days, kind)

        tm.download.click(on_download, inputs=[tm.team, tm.days, tm.kind], outputs=[tm.file, tm.notice])

        def on_start_drill(assignment_id: int | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not assignment_id:
                return {p.notice: render.notice(t("home.no_open_drill"), kind="info"), tabs: gr.Tabs(selected="practice")}
            try:
                started = training.start_attempt(
                    runtime, ctx.practice, actor=who, assignment_id=int(assignment_id),
                    seed=int.from_bytes(os.urandom(2), "big"),
                )  # fmt: skip
                view = ctx.practice.view(started.session_id, actor=who)
            except (CoachError, ValueError) as error:
                out = failure(error)
                out[tabs] = gr.Tabs(selected="practice")
                return out
            out = open_view(view, who)
            out[h.resume] = gr.update(visible=False)
            out[h.resume_note] = ""
            return out

        h.start_drill.click(on_start_drill, inputs=[h.drill_pick], outputs=screen)

        # -- home ------------------------------------------------------------------------

        h.scenario.change(lambda sid: home.on_scenario(ctx, sid), inputs=[h.scenario], outputs=[h.persona, h.mode])

        def on_start(scenario_id: str | None, persona_id: str | None, mode: str | None, exam: bool, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not scenario_id or not mode:
                return {p.notice: render.notice(t("err.pick_scenario")), tabs: gr.Tabs(selected="practice")}
            try:
                started = ctx.practice.start(
                    actor=who,
                    scenario_id=scenario_id,
                    mode=mode,
                    persona_id=persona_id if mode == "freeform" else None,
                    hints=not exam,
                    seed=int.from_bytes(os.urandom(2), "big"),
                )
                view = ctx.practice.view(started.session_id, actor=who)
            except (CoachError, ValueError) as error:
                out = failure(error)
                out[tabs] = gr.Tabs(selected="practice")
                return out
            out = open_view(view, who)
            out[h.resume] = gr.update(visible=False)
            out[h.resume_note] = ""
            return out

        h.start.click(on_start, inputs=[h.scenario, h.persona, h.mode, h.exam], outputs=screen)

        def on_resume(request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            active = ctx.practice.active_session(actor=who)
            if not active:
                return {h.resume: gr.update(visible=False), h.resume_note: ""}
            out = open_view(ctx.practice.view(active, actor=who), who)
            out[h.resume] = gr.update(visible=False)
            out[h.resume_note] = ""
            return out

        h.resume.click(on_resume, outputs=screen)

        # -- practice --------------------------------------------------------------------

        def after_turn(sid: str, who: str) -> dict[Any, Any]:
            view = ctx.practice.view(sid, actor=who)
            return open_view(view, who)

        def on_text(sid: str | None, text: str, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {p.notice: render.notice(t("practice.none"), kind="info")}
            try:
                result = ctx.practice.take_turn(sid, actor=who, text=text)
            except (CoachError, ValueError) as error:
                return failure(error)
            out = after_turn(sid, who)
            out[p.text] = ""
            key = ctx_notice_key(result.notice)
            if key:
                out[p.notice] = render.notice(t(key), kind="warning")
            return out

        p.send.click(on_text, inputs=[session_id, p.text], outputs=screen)
        p.text.submit(on_text, inputs=[session_id, p.text], outputs=screen)

        def on_audio(sid: str | None, path: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {p.notice: render.notice(t("practice.none"), kind="info")}
            if not path:
                return {p.notice: render.notice(t("err.no_upload"), kind="info")}
            try:
                result = ctx.practice.take_turn(sid, actor=who, audio=path)
            except (CoachError, ValueError) as error:
                out = failure(error)
                out[p.audio] = None  # the rep picks another file; the call so far is kept
                return out
            out = after_turn(sid, who)
            out[p.audio] = None
            key = ctx_notice_key(result.notice)
            if key:
                out[p.notice] = render.notice(t(key), kind="warning")
            return out

        p.send_audio.click(on_audio, inputs=[session_id, p.audio], outputs=screen)

        def on_repeat(sid: str | None, request: gr.Request) -> dict[Any, Any]:
            return on_text(sid, "repeat", request)

        p.repeat.click(on_repeat, inputs=[session_id], outputs=screen)

        def on_end(sid: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {p.notice: render.notice(t("practice.none"), kind="info")}
            try:
                ctx.practice.end(sid, actor=who)
                return open_view(ctx.practice.view(sid, actor=who), who)
            except (CoachError, ValueError) as error:
                return failure(error)

        p.end.click(on_end, inputs=[session_id], outputs=screen)

        def on_refresh(sid: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {}
            try:
                return after_turn(sid, who)
            except (CoachError, ValueError) as error:
                return failure(error)

        p.refresh.click(on_refresh, inputs=[session_id], outputs=screen)

        # -- scorecard -------------------------------------------------------------------

        def on_try_again(sid: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not sid:
                return {tabs: gr.Tabs(selected="home")}
            try:
                old = ctx.practice.view(sid, actor=who)
                started = ctx.practice.start(
                    actor=who,
                    scenario_id=old.scenario_id,
                    mode=old.mode,
                    persona_id=(old.persona or {}).get("id"),
                    hints=old.hints,
                    seed=int.from_bytes(os.urandom(2), "big"),
                )
                return open_view(ctx.practice.view(started.session_id, actor=who), who)
            except (CoachError, ValueError) as error:
                out = failure(error)
                out[tabs] = gr.Tabs(selected="practice")
                return out

        s.try_again.click(on_try_again, inputs=[session_id], outputs=screen)

        def on_top(sid: str | None, request: gr.Request) -> str:
            who = actor(request)
            if not sid:
                return ""
            try:
                return scorecard.top_performer(ctx, ctx.practice.view(sid, actor=who), who)
            except CoachError as error:
                return render.notice(ctx.message(error))

        s.top.click(on_top, inputs=[session_id], outputs=[s.top_clip])

        # -- history ---------------------------------------------------------------------

        def on_open(picked: str | None, request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            if not picked:
                return {}
            try:
                return open_view(ctx.practice.view(picked, actor=who), who)
            except CoachError as error:
                return failure(error)

        hi.open.click(on_open, inputs=[hi.pick], outputs=screen)

        # -- calls (trainers) -------------------------------------------------------------

        def load_calls(request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            return calls.load(ctx, cl, who, profile.me(runtime, actor=who).role)

        calls_outputs = calls.outputs(cl)
        blocks.load(load_calls, outputs=calls_outputs)

        def load_call_mining(request: gr.Request) -> dict[Any, Any]:
            who = actor(request)
            return calls.load_mining(ctx, cl, who, profile.me(runtime, actor=who).role)

        blocks.load(load_call_mining, outputs=calls.mining_outputs(cl))

        def on_import_call(
            transcript: str | None, audio: str | None, scenario_id: str | None, lang: str | None, rep: str,
            request: gr.Request,
        ) -> dict[Any, Any]:
            options = {"scenario": scenario_id, "language": lang, "rep": rep}
            return calls.import_upload(ctx, cl, actor(request), transcript, audio, options)

        cl.import_button.click(
            on_import_call,
            inputs=[cl.transcript, cl.audio_file, cl.scenario, cl.language, cl.rep],
            outputs=calls_outputs,
        )
        def on_pick_call(call_id: str | None, request: gr.Request) -> dict[Any, Any]:
            if not call_id:  # the dropdown emptied itself while its choices changed: keep the turns
                return {cl.cut_notice: gr.update()}
            return calls.show_call(ctx, cl, actor(request), call_id)

        # `select`, not `input`: Gradio also fires `input` when the import sets the value
        cl.call.select(on_pick_call, inputs=[cl.call], outputs=calls_outputs)

        def on_cut_clip(
            call_id: str | None, start: float | None, end: float | None, title: str, tag_text: str,
            key_point: str, objection: str | None, notes: str, request: gr.Request,
        ) -> dict[Any, Any]:
            values = {
                "start": start, "end": end, "title": title, "tags": tag_text,
                "key_point": key_point, "objection": objection, "notes": notes,
            }  # fmt: skip
            return calls.cut_clip(ctx, cl, actor(request), call_id, values)

        cl.cut.click(
            on_cut_clip,
            inputs=[cl.call, cl.start, cl.end, cl.title, cl.tags, cl.key_point, cl.objection, cl.notes],
            outputs=calls_outputs,
        )
        def on_mine(lang: str | None, request: gr.Request) -> dict[Any, Any]:
            return calls.mine(ctx, cl, actor(request), lang)

        cl.mine_button.click(on_mine, inputs=[cl.mine_language], outputs=calls_outputs)

        def on_score_calls(scenario_id: str | None, since: str, request: gr.Request) -> dict[Any, Any]:
            return call_scores.score(ctx, cl.scoring, actor(request), scenario_id, since)

        cl.scoring.button.click(
            on_score_calls,
            inputs=[cl.scoring.scenario, cl.scoring.since],
            outputs=call_scores.outputs(cl.scoring),
        )

        # -- library ---------------------------------------------------------------------

        def on_search(q: str, tag: str, kp: str, obj: str, scn: str, lang: str, request: gr.Request) -> tuple[Any, str]:
            return library.run_search(ctx, q, tag, kp, obj, scn, lang, request)

        search_inputs = [lib.query, lib.tag, lib.key_point, lib.objection, lib.scenario, lib.language]
        lib.search.click(on_search, inputs=search_inputs, outputs=[lib.results, lib.notice])
        lib.query.submit(on_search, inputs=search_inputs, outputs=[lib.results, lib.notice])

    blocks.queue(default_concurrency_limit=16)
    return blocks


def ctx_notice_key(notice: str | None) -> str | None:
    """The catalogue key of a turn's notice (the LLM was down), if it has one."""
    from ui.i18n import notice_key

    return notice_key(notice)


def mount_ui(
    app: Any,
    runtime: Runtime,
    practice_service: PracticeService,
    *,
    identify: Any,
) -> None:
    """Mount the app once per language at ``/en`` and ``/zh``."""
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    head = '<script src="/static/voice.js"></script><script src="/static/page.js"></script>'
    for language in LANGUAGES:
        blocks = build_blocks(runtime, practice_service, language)
        gr.mount_gradio_app(
            app,
            blocks,
            path=f"/{language}",
            auth_dependency=identify,
            css=css,
            head=head,
            theme=gr.themes.Soft(primary_hue="orange", secondary_hue="blue"),
            show_error=False,
            footer_links=[],
            ssr_mode=False,
            max_file_size=f"{runtime.settings.max_upload_mb}mb",
        )

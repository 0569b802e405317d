"""Calls: a trainer imports real calls, cuts tagged clips from their turns, and mines them.

Everything goes through :mod:`coach.services.clips`, which refuses reps (and managers) on the
server: importing, listing and reading calls, cutting clips and mining the raw calls need
``clips.write``. The tab is shown to trainers and admins only. An upload that cannot be
imported (wrong type, too big, unreadable) is answered with a notice in the page's language
and every field keeps its value, so nothing typed or picked is lost.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd
from gradio.utils import get_upload_folder

from coach.clip_library.audio import AUDIO_SUFFIXES
from coach.clip_library.importer import TRANSCRIPT_SUFFIXES
from coach.errors import CoachError
from coach.security import PERMISSIONS
from coach.services import clips
from ui import plots, render
from ui.context import Context
from ui.pages import call_scores
from ui.pages.home import scenario_choices

CONCERNS = ("price", "timing", "trust", "competitor", "authority", "need")
"""Objection kinds the miner knows (a trainer may type another)."""
TREND_TOPICS = 5
"""How many of the most frequent topics the trend plot draws."""


@dataclass
class CallsPage:
    """The Calls page's components."""

    transcript: gr.File
    audio_file: gr.File
    scenario: gr.Dropdown
    language: gr.Dropdown
    rep: gr.Textbox
    import_button: gr.Button
    import_notice: gr.HTML
    call: gr.Dropdown
    turns: gr.HTML
    player: gr.Audio
    start: gr.Number
    end: gr.Number
    title: gr.Textbox
    tags: gr.Textbox
    key_point: gr.Textbox
    objection: gr.Dropdown
    notes: gr.Textbox
    cut: gr.Button
    cut_notice: gr.HTML
    mine_language: gr.Dropdown
    mine_button: gr.Button
    mine_notice: gr.HTML
    topics: gr.Dataframe
    trend: gr.HTML
    answers: gr.Dataframe
    scoring: call_scores.CallScores


class UploadProblem(Exception):
    """An upload that is not imported: ``key`` is the catalogue key of what to say."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


def build(ctx: Context) -> CallsPage:
    """Lay out the import form, the clip cutter and the mining tables."""
    t = ctx.t
    languages = [(t("calls.auto"), ""), (t("lang.en"), "en"), (t("lang.zh"), "zh")]
    gr.Markdown(f"### {t('calls.import')}")
    gr.Markdown(
        t("calls.import_help", mb=ctx.runtime.settings.max_upload_mb), elem_classes=["muted"]
    )
    with gr.Row():
        transcript = gr.File(
            label=t("calls.transcript"),
            file_types=sorted(TRANSCRIPT_SUFFIXES),
            type="filepath",
            elem_id="calls-transcript",
            height=120,
        )
        audio_file = gr.File(
            label=t("calls.audio"),
            file_types=sorted(AUDIO_SUFFIXES),
            type="filepath",
            elem_id="calls-audio",
            height=120,
        )
    with gr.Row():
        scenario = gr.Dropdown(
            choices=[(t("calls.no_scenario"), ""), *scenario_choices(ctx)],
            value="",
            label=t("calls.scenario"),
            elem_id="calls-scenario",
            scale=3,
        )
        language = gr.Dropdown(
            choices=languages,
            value="",
            label=t("calls.language"),
            elem_id="calls-language",
            scale=1,
        )
        rep = gr.Textbox(
            label=t("calls.rep"), placeholder=t("calls.rep_hint"), elem_id="calls-rep", scale=2
        )
        import_button = gr.Button(
            t("calls.import_go"), variant="primary", elem_id="calls-import", scale=1
        )
    import_notice = gr.HTML("", elem_id="calls-import-notice")

    gr.Markdown(f"### {t('calls.cut')}")
    call = gr.Dropdown(choices=[], label=t("calls.call"), elem_id="calls-pick")
    turns = gr.HTML(f'<p class="muted">{render.e(t("calls.no_calls"))}</p>', elem_id="calls-turns")
    player = gr.Audio(
        label=t("calls.play"),
        type="filepath",
        interactive=False,
        visible=False,
        elem_id="calls-player",
    )
    with gr.Row():
        start = gr.Number(
            value=1, minimum=1, precision=0, label=t("calls.start"), elem_id="calls-start", scale=1
        )
        end = gr.Number(
            value=2, minimum=1, precision=0, label=t("calls.end"), elem_id="calls-end", scale=1
        )
        title = gr.Textbox(label=t("calls.title"), elem_id="calls-title", scale=4)
    with gr.Row():
        tags = gr.Textbox(
            label=t("calls.tags"), placeholder=t("calls.tags_hint"), elem_id="calls-tags", scale=3
        )
        key_point = gr.Textbox(
            label=t("calls.key_point"),
            placeholder=t("calls.key_point_hint"),
            elem_id="calls-kp",
            scale=2,
        )
        objection = gr.Dropdown(
            choices=[(t("calls.none"), ""), *[(t("calls.concern." + c), c) for c in CONCERNS]],
            value="",
            allow_custom_value=True,
            label=t("calls.objection"),
            elem_id="calls-objection",
            scale=2,
        )
    with gr.Row():
        notes = gr.Textbox(label=t("calls.notes"), elem_id="calls-notes", scale=5)
        cut = gr.Button(t("calls.cut_go"), variant="primary", elem_id="calls-cut", scale=1)
    cut_notice = gr.HTML("", elem_id="calls-cut-notice")

    gr.Markdown(f"### {t('calls.mining')}")
    with gr.Row():
        mine_language = gr.Dropdown(
            choices=[(t("calls.all_languages"), ""), (t("lang.en"), "en"), (t("lang.zh"), "zh")],
            value="",
            label=t("calls.language"),
            elem_id="calls-mine-language",
            scale=3,
        )
        mine_button = gr.Button(t("calls.mine_go"), elem_id="calls-mine", scale=1)
    mine_notice = gr.HTML("", elem_id="calls-mine-notice")
    topics = gr.Dataframe(
        value=topics_frame(ctx, []),
        label=t("calls.topics"),
        interactive=False,
        wrap=True,
        column_widths=["9%", "9%", "9%", "29%", "7%", "8%", "29%"],
        max_height=420,
        elem_id="calls-topics",
    )
    trend = gr.HTML(trend_html(ctx, []), elem_id="calls-trend")
    answers = gr.Dataframe(
        value=answers_frame(ctx, []),
        label=t("calls.answers"),
        interactive=False,
        wrap=True,
        column_widths=["7%", "53%", "30%", "10%"],
        max_height=420,
        elem_id="calls-answers",
    )
    scoring = call_scores.build(ctx)
    return CallsPage(
        transcript, audio_file, scenario, language, rep, import_button, import_notice,
        call, turns, player, start, end, title, tags, key_point, objection, notes, cut, cut_notice,
        mine_language, mine_button, mine_notice, topics, trend, answers, scoring,
    )  # fmt: skip


# --- drawing ------------------------------------------------------------------------------


def call_choices(ctx: Context, records: list[clips.CallRecord]) -> list[tuple[str, str]]:
    """The calls to pick from, newest first: title, date and number of turns."""
    return [
        (ctx.t("calls.call_choice", title=r.title, date=f"{r.date:%Y-%m-%d}", n=r.turns), r.id)
        for r in records
    ]


def turns_html(
    ctx: Context,
    turns: list[dict[str, Any]],
    call_id: str | None = None,
    recorded: bool = False,
) -> str:
    """The call's turns, numbered from 1, with speaker, text and time when known.

    When the call has a recording (``recorded``), each turn with timings gets a play button
    for its own stretch of it (``/media/call/ID/INDEX``, cut on the server).
    """
    t = ctx.t
    e = render.e
    if not turns:
        return f'<p class="muted">{e(t("calls.no_turns"))}</p>'
    heads = [t("calls.col.turn"), t("calls.col.speaker"), t("calls.col.text"), t("calls.col.time")]
    rows = []
    for number, turn in enumerate(turns, start=1):
        speaker = str(turn.get("speaker") or "")
        label = t("calls.speaker." + speaker) if speaker in ("rep", "customer") else speaker
        begin, finish = turn.get("start"), turn.get("end")
        timed = begin is not None and finish is not None
        when = f"{float(begin):.1f}–{float(finish):.1f} s" if begin is not None and finish is not None else ""
        play = (
            f'<button class="play" data-src="/media/call/{e(call_id)}/{number - 1}" '
            f'aria-label="{e(t("calls.play_turn", n=number))}" title="{e(t("calls.play_turn", n=number))}" '
            f'onclick="return coachPlay(this)">▶</button> '
            if recorded and call_id and timed
            else ""
        )
        rows.append(
            f'<tr data-turn="{number}" class="{e(speaker)}"><td>{number}</td><td>{e(label)}</td>'
            f"<td>{e(str(turn.get('text') or ''))}</td><td>{play}{e(when)}</td></tr>"
        )
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    return f'<table class="coach-table" id="calls-turns-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def topics_frame(ctx: Context, topics: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per recurring question or objection, most frequent first."""
    t = ctx.t
    columns = [
        t("calls.col.kind"),
        t("calls.col.concern"),
        t("calls.col.language"),
        t("calls.col.topic"),
        t("calls.col.count"),
        t("calls.col.direction"),
        t("calls.col.best"),
    ]
    rows = [
        [
            t("calls.kind." + str(topic["kind"])),
            t("calls.concern." + topic["concern"]) if topic.get("concern") else "",
            t("lang." + str(topic["language"])),
            topic["label"],
            int(topic["count"]),
            t("calls.direction." + str(topic["direction"])),
            topic["answers"][0]["text"] if topic["answers"] else "",
        ]
        for topic in topics
    ]
    return pd.DataFrame(rows, columns=columns)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def trend_html(ctx: Context, topics: list[dict[str, Any]]) -> str:
    """How often each of the most frequent topics came up per month, as bars (SVG).

    Drawn on the server (``ui.plots``): Gradio's bar plot kept the colours of its first,
    empty value and drew the bars of an update without a fill.
    """
    t = ctx.t
    points = [
        plots.Point(str(point["period"]), _short(str(topic["label"])), float(point["count"]))
        for topic in topics[:TREND_TOPICS]
        for point in sorted(topic["trend"], key=lambda p: str(p["period"]))
    ]
    points.sort(key=lambda p: p.x)
    return plots.bar_chart(
        points,
        chart_id="calls-trend",
        title=t("calls.trend"),
        x_title=t("calls.col.period"),
        y_title=t("calls.col.count"),
        legend_title=t("calls.col.topic"),
        empty=t("calls.nothing_mined"),
    )


def answers_frame(ctx: Context, topics: list[dict[str, Any]]) -> pd.DataFrame:
    """The rep answers to the topics, most liked first."""
    t = ctx.t
    columns = [
        t("calls.col.likes"),
        t("calls.col.answer"),
        t("calls.col.topic"),
        t("calls.col.clips"),
    ]
    found = [
        (
            int(answer["likes"]),
            str(answer["text"]),
            str(topic["label"]),
            ", ".join(answer["clip_ids"]),
        )
        for topic in topics
        for answer in topic["answers"]
    ]
    found.sort(key=lambda row: (-row[0], row[1]))
    return pd.DataFrame([list(row) for row in found[:20]], columns=columns)


# --- callbacks ----------------------------------------------------------------------------


def refresh(ctx: Context, page: CallsPage, who: str, chosen: str | None = None) -> dict[Any, Any]:
    """Updates that redraw the call choices (``chosen`` or the newest picked) and its turns."""
    try:
        records = clips.list_calls(ctx.runtime, actor=who)
    except CoachError as error:
        return {page.cut_notice: render.notice(ctx.message(error))}
    choices = call_choices(ctx, records)
    ids = [value for _, value in choices]
    picked = chosen if chosen in ids else (ids[0] if ids else None)
    out: dict[Any, Any] = {page.call: gr.update(choices=choices, value=picked)}
    out.update(show_call(ctx, page, who, picked))
    return out


def _playable(path: str) -> str:
    """A copy of the call's recording where Gradio may serve it (its upload folder)."""
    source = Path(path)
    folder = Path(get_upload_folder()) / "coach-calls"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if not target.exists():
        shutil.copyfile(source, target)
    return str(target)


def show_call(ctx: Context, page: CallsPage, who: str, call_id: str | None) -> dict[Any, Any]:
    """Updates that show a call's turns, its recording if it has one, and a default span."""
    t = ctx.t
    if not call_id:
        return {
            page.turns: f'<p class="muted">{render.e(t("calls.no_calls"))}</p>',
            page.player: gr.update(value=None, visible=False),
        }
    try:
        record = clips.get_call(ctx.runtime, call_id=call_id, actor=who)
        turns = clips.get_call_turns(ctx.runtime, call_id=call_id, actor=who)
    except CoachError as error:
        return {page.cut_notice: render.notice(ctx.message(error))}
    recorded = bool(record.audio and Path(record.audio).is_file())
    player = (
        gr.update(value=_playable(record.audio), visible=True)
        if record.audio and recorded
        else gr.update(value=None, visible=False)
    )
    return {
        page.turns: turns_html(ctx, turns, call_id, recorded),
        page.player: player,
        page.start: gr.update(value=1, maximum=max(len(turns), 1)),
        page.end: gr.update(value=min(2, len(turns)) or 1, maximum=max(len(turns), 1)),
        page.cut_notice: "",
    }


def _check_file(ctx: Context, path: str, suffixes: frozenset[str]) -> Path:
    """The uploaded file, if it is of a type the importer reads and within the upload limit."""
    found = Path(path)
    if found.suffix.lower() not in suffixes:
        raise UploadProblem("calls.bad_format", name=found.name, types=", ".join(sorted(suffixes)))
    try:
        size = found.stat().st_size
    except OSError as error:
        raise UploadProblem(
            "calls.unreadable", name=found.name, detail=error.strerror or str(error)
        ) from error
    limit = ctx.runtime.settings.max_upload_mb
    if size > limit * 1024 * 1024:
        raise UploadProblem("calls.too_big", name=found.name, mb=limit)
    if size == 0:
        raise UploadProblem("calls.unreadable", name=found.name, detail=ctx.t("calls.empty_file"))
    return found


def import_upload(
    ctx: Context,
    page: CallsPage,
    who: str,
    transcript: str | None,
    audio: str | None,
    options: dict[str, Any],
) -> dict[Any, Any]:
    """Import one uploaded call (a transcript, with its recording if given); say what happened.

    The files are put side by side under one name, as the importer pairs a recording with
    its transcript. On any problem only the notice changes: the form keeps every value.
    """
    t = ctx.t
    if not transcript:
        return {page.import_notice: render.notice(t("calls.need_transcript"), kind="info")}
    staged = Path(tempfile.mkdtemp(prefix="coach-import-"))
    try:
        text = _check_file(ctx, transcript, TRANSCRIPT_SUFFIXES)
        stem = text.stem or "call"  # Gradio keeps the name the trainer uploaded
        target = staged / f"{stem}{text.suffix.lower()}"
        shutil.copyfile(text, target)
        source = target
        if audio:
            sound = _check_file(ctx, audio, AUDIO_SUFFIXES)
            source = staged / f"{stem}{sound.suffix.lower()}"
            shutil.copyfile(sound, source)
        summary = clips.import_calls(
            ctx.runtime,
            [source],
            actor=who,
            scenario=options.get("scenario") or None,
            language=options.get("language") or None,
            rep=(options.get("rep") or "").strip() or None,
        )
    except UploadProblem as problem:
        return {page.import_notice: render.notice(t(problem.key, **problem.values))}
    except OSError as error:
        detail = error.strerror or str(error)
        return {
            page.import_notice: render.notice(
                t("calls.unreadable", name=Path(transcript).name, detail=detail)
            )
        }
    except (CoachError, ValueError) as error:
        return {page.import_notice: render.notice(ctx.message(error))}
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    [item] = summary.items or [{"status": "failed", "message": "", "call_id": None, "warnings": []}]
    if item["status"] == "failed":
        return {
            page.import_notice: render.notice(
                t("calls.unreadable", name=Path(transcript).name, detail=item["message"])
            )
        }
    out = refresh(ctx, page, who, chosen=item["call_id"])
    if item["status"] == "skipped":
        out[page.import_notice] = render.notice(t("calls.already"), kind="info")
    else:
        warned = "; ".join(item["warnings"])
        note = t("calls.imported", name=stem)
        out[page.import_notice] = render.notice(
            note + (f" ({warned})" if warned else ""), kind="info"
        )
    return out


def tag_list(values: dict[str, Any]) -> list[str | tuple[str, str]]:
    """The clip's tags from the form: free tags (comma-separated), key point, objection."""
    tags: list[str | tuple[str, str]] = []
    for raw in str(values.get("tags") or "").replace("，", ",").split(","):
        if raw.strip():
            tags.append(raw.strip())
    if str(values.get("key_point") or "").strip():
        tags.append(("key_point", str(values["key_point"]).strip()))
    if str(values.get("objection") or "").strip():
        tags.append(("objection", str(values["objection"]).strip()))
    return tags


def cut_clip(
    ctx: Context, page: CallsPage, who: str, call_id: str | None, values: dict[str, Any]
) -> dict[Any, Any]:
    """Cut a clip from turns start..end (numbered from 1, inclusive) of the picked call."""
    t = ctx.t
    if not call_id:
        return {page.cut_notice: render.notice(t("calls.pick_call"), kind="info")}
    title = str(values.get("title") or "").strip()
    if not title:
        return {page.cut_notice: render.notice(t("calls.need_title"), kind="info")}
    start, end = values.get("start"), values.get("end")
    if start in (None, "") or end in (None, "") or int(start) < 1 or int(end) < int(start):
        return {page.cut_notice: render.notice(t("calls.bad_span"), kind="info")}
    try:
        record = clips.cut_clip(
            ctx.runtime,
            call_id=call_id,
            title=title,
            start_turn=int(start) - 1,
            end_turn=int(end) - 1,
            tags=tag_list(values),
            notes=str(values.get("notes") or ""),
            actor=who,
        )
    except (CoachError, ValueError) as error:
        return {page.cut_notice: render.notice(ctx.message(error))}
    return {
        page.cut_notice: render.notice(
            t(
                "calls.cut_done",
                title=record.title,
                n=len(record.turns),
                tags=", ".join(record.tags),
            ),
            kind="info",
        ),
        page.title: "",
    }


def _mined_line(ctx: Context, topics: list[dict[str, Any]]) -> str:
    """How many topics were found, over which months (or that nothing was found)."""
    if not topics:
        return ctx.t("calls.nothing_mined")
    periods = sorted({point["period"] for topic in topics for point in topic["trend"]})
    first, last = (periods[0], periods[-1]) if periods else ("–", "–")
    return ctx.t("calls.mined", n=len(topics), first=first, last=last)


def mine(ctx: Context, page: CallsPage, who: str, language: str | None) -> dict[Any, Any]:
    """Updates that redraw the mining tables and the trend plot."""
    try:
        topics = clips.call_insights(ctx.runtime, actor=who, language=language or None)
    except (CoachError, ValueError) as error:
        return {page.mine_notice: render.notice(ctx.message(error))}
    return {
        page.mine_notice: render.notice(_mined_line(ctx, topics), kind="info"),
        page.topics: topics_frame(ctx, topics),
        page.trend: trend_html(ctx, topics),
        page.answers: answers_frame(ctx, topics),
    }


ROLES = PERMISSIONS["clips.write"]
"""Roles that see the Calls tab (trainers and admins; the services check again on every call)."""


def load(ctx: Context, page: CallsPage, who: str, role: str) -> dict[Any, Any]:
    """What the page shows when it opens: the imported calls (nothing for others).

    The mining comes in its own event (``load_mining``): it can take seconds on a fresh
    library, and an import made meanwhile must not have its picked call reset by a late load.
    """
    if role not in ROLES:
        return {page.import_notice: ""}
    return refresh(ctx, page, who)


def load_mining(ctx: Context, page: CallsPage, who: str, role: str) -> dict[Any, Any]:
    """The mining tables when the page opens (nothing for roles without the Calls tab)."""
    if role not in ROLES:
        return {page.mine_notice: ""}
    return mine(ctx, page, who, None)


def mining_outputs(page: CallsPage) -> list[Any]:
    """The components ``mine`` updates."""
    return [page.mine_notice, page.topics, page.trend, page.answers]


def outputs(page: CallsPage) -> list[Any]:
    """Every component the page's callbacks update."""
    return [
        page.import_notice, page.call, page.turns, page.player, page.start, page.end, page.title,
        page.cut_notice, page.mine_notice, page.topics, page.trend, page.answers,
    ]  # fmt: skip

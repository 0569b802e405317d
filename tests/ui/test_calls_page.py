"""The Calls page's callbacks: a bad upload is refused in the trainer's language, nothing lost."""

import json
from pathlib import Path

import gradio as gr
import pytest

from coach.services import clips
from ui.context import Context
from ui.pages import calls

TURNS = [
    {"speaker": "rep", "text": "Hi, Sam from FleetFlow."},
    {"speaker": "customer", "text": "What does it cost per seat?"},
    {"speaker": "rep", "text": "Forty-nine, and the pilot is free."},
]


def _page(runtime, language: str) -> tuple[Context, calls.CallsPage]:
    ctx = Context(runtime=runtime, practice=None, language=language)  # type: ignore[arg-type]
    with gr.Blocks():
        page = calls.build(ctx)
    return ctx, page


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "call.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    broken = folder / "broken.json"
    broken.write_text('{"language": "en", "turns": [', encoding="utf-8")
    latin = folder / "latin.txt"
    latin.write_bytes("Rep: ol\xe1\n".encode("latin-1"))
    huge = folder / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: over the 50 MB limit, no disk used
    return {"pdf": pdf, "broken": broken, "latin": latin, "huge": huge}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"pdf": "cannot be imported", "broken": "could not be read", "latin": "could not be read", "huge": "larger than 50 MB"}),
        ("zh", {"pdf": "无法导入", "broken": "无法读取", "latin": "无法读取", "huge": "超过 50 MB"}),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_a_notice_and_the_form_kept(
    seeded_runtime, tmp_path, language, expected
):
    ctx, page = _page(seeded_runtime, language)
    for name, path in _bad_files(tmp_path / language).items():
        out = calls.import_upload(ctx, page, "trainer", str(path), None, {"scenario": ""})
        assert set(out) == {page.import_notice}, name  # no field is cleared or changed
        assert expected[name] in out[page.import_notice], (name, out[page.import_notice])
    assert clips.list_calls(seeded_runtime, actor="trainer") == []


def test_a_transcript_is_imported_shown_and_cut_into_a_tagged_clip(seeded_runtime, tmp_path):
    ctx, page = _page(seeded_runtime, "en")
    path = tmp_path / "sam-call.json"
    path.write_text(json.dumps({"language": "en", "turns": TURNS}), encoding="utf-8")
    out = calls.import_upload(ctx, page, "trainer", str(path), None, {"language": "en"})
    assert "imported" in out[page.import_notice]
    [call] = clips.list_calls(seeded_runtime, actor="trainer")
    assert out[page.call]["value"] == call.id
    assert 'data-turn="3"' in out[page.turns] and "cost per seat" in out[page.turns]
    again = calls.import_upload(ctx, page, "trainer", str(path), None, {})
    assert "already imported" in again[page.import_notice]
    values = {
        "start": 2,
        "end": 3,
        "title": "Seat price",
        "tags": "pilot， crisp",
        "objection": "price",
    }
    made = calls.cut_clip(ctx, page, "trainer", call.id, values)
    assert "Seat price" in made[page.cut_notice] and "2 turns" in made[page.cut_notice]
    assert "objection:price" in made[page.cut_notice] and "crisp" in made[page.cut_notice]
    bad = calls.cut_clip(ctx, page, "trainer", call.id, {**values, "start": 3, "end": 2})
    assert "first and last turn" in bad[page.cut_notice]


def test_a_rep_is_refused_by_the_service_whatever_the_page_shows(seeded_runtime, tmp_path):
    ctx, page = _page(seeded_runtime, "zh")
    path = tmp_path / "call.json"
    path.write_text(json.dumps({"language": "en", "turns": TURNS}), encoding="utf-8")
    out = calls.import_upload(ctx, page, "rep", str(path), None, {})
    assert out[page.import_notice] and set(out) == {page.import_notice}
    assert calls.mine(ctx, page, "rep", None)[page.mine_notice]
    assert calls.load(ctx, page, "rep", "rep") == {page.import_notice: ""}
    assert calls.load_mining(ctx, page, "rep", "rep") == {page.mine_notice: ""}
    assert clips.list_calls(seeded_runtime, actor="trainer") == []


def test_the_monthly_trend_draws_a_filled_bar_per_topic_and_month_in_both_languages(seeded_runtime):
    """Gradio's bar plot drew an update's bars without a fill; these bars are SVG markup."""
    topics = [
        {"label": "too expensive", "trend": [{"period": "2026-02", "count": 3}, {"period": "2026-01", "count": 2}]},
        {"label": "who else uses it", "trend": [{"period": "2026-01", "count": 1}, {"period": "2026-02", "count": 0}]},
    ]
    for language, title in (("en", "How often, by month"), ("zh", "按月出现次数")):
        ctx, page = _page(seeded_runtime, language)
        out = calls.mine(ctx, page, "trainer", None)
        assert page.trend in out  # mining redraws the trend
        html = calls.trend_html(ctx, topics)
        assert title in html
        assert html.count('class="chart-bar"') == 3  # the zero month draws no bar
        assert 'fill="#4c78a8" data-x="2026-01" data-series="too expensive" data-value="2"' in html
        assert html.index('data-x="2026-01"') < html.index('data-x="2026-02"')
        assert html.count('class="chart-key"') == 2


def test_each_timed_turn_of_a_recorded_call_has_its_own_play_button(seeded_runtime, tmp_path):
    from tests.services.test_media import recorded_call

    call = recorded_call(seeded_runtime, tmp_path / "calls")
    for language, label in (("en", "Play turn 2 of the recording"), ("zh", "播放录音中的第 2 轮")):
        ctx, page = _page(seeded_runtime, language)
        html = calls.show_call(ctx, page, "trainer", call.id)[page.turns]
        assert html.count('class="play"') == 2  # the third turn has no timings
        assert f'data-src="/media/call/{call.id}/1"' in html and label in html
        assert 'onclick="return coachPlay(this)"' in html
    # Without a recording there is nothing to play, so no button (the times still show).
    turn = {"speaker": "rep", "text": "<b>x</b>", "start": 0, "end": 1}
    plain = calls.turns_html(_page(seeded_runtime, "en")[0], [turn], "c1")
    assert 'class="play"' not in plain and "0.0–1.0 s" in plain and "&lt;b&gt;" in plain

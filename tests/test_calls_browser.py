"""The trainer's Calls tab in a real Chromium: import a call, cut a clip, mine, find the clip.

It runs `coach serve` as a new user does (see tests/test_web_browser.py, whose helpers it
uses); screenshots go to ``COACH_SCREENSHOT_DIR`` like the others.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_web_browser import (
    App,
    browser,
    browser_app,
    open_tab,
    shot,
    sign_in,
    silent_wav,
)

pytestmark = [pytest.mark.browser, pytest.mark.models]

TURNS = [
    {"speaker": "rep", "text": "Hi Dana, this is Alex from FleetFlow. Is now a good time?"},
    {"speaker": "customer", "text": "Quickly. Honestly your tracker sounds too expensive for us."},
    {
        "speaker": "rep",
        "text": "Fair question. Most fleets win the fee back in fuel savings within a quarter.",
    },
    {"speaker": "customer", "text": "How much would it cost for forty vans?"},
    {"speaker": "rep", "text": "About two thousand a month, and the pilot is free."},
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with browser_app(tmp_path_factory, "calls-web") as running:
        yield running


def transcript(folder: Path) -> Path:
    path = folder / "dana-fleet-call.json"
    data = {"language": "en", "date": "2026-01-15", "title": "Dana fleet call", "turns": TURNS}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def upload_until_listed(page: Any, component: str, path: Path, tries: int = 3) -> None:
    """Give the file to the upload component until it lists it.

    Gradio sometimes drops an upload under load (CI saw the name never appear once in 1,622
    tests), and while an upload is still going the component shows its progress instead of
    the file input (CI once timed out giving the file again then). So: wait for the input,
    give the file, and give it again only when the input is back and the name has not come
    within 40 s.
    """
    chooser = f"{component} input[type=file]"
    given: list[float] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if path.stem in shown_text(page, component):
            return
        ready = page.locator(chooser).count() > 0
        if ready and len(given) < tries and (not given or time.monotonic() - given[-1] > 40):
            page.set_input_files(chooser, str(path))
            given.append(time.monotonic())
        page.wait_for_timeout(500)
    shown = shown_text(page, component)[:400]
    raise AssertionError(
        f"{path.name} was never listed in {component} ({len(given)} uploads); it shows {shown!r}"
    )


def shown_text(page: Any, selector: str) -> str:
    """The text the element shows, or "" while it is not on the page (Gradio 6 lists an
    uploaded file's stem and suffix in separate elements, so match the stem)."""
    found = page.locator(selector)
    return str(found.inner_text()) if found.count() else ""


def test_a_trainer_imports_a_call_cuts_a_clip_mines_and_finds_it_in_the_library(app, tmp_path):
    with browser(silent_wav(tmp_path)) as context:
        page = context.new_page()
        sign_in(page, app, "trainer", "demo-trainer-pass")
        open_tab(page, "Calls")
        page.wait_for_selector("#calls-import", state="visible", timeout=60_000)
        upload_until_listed(page, "#calls-transcript", transcript(tmp_path))
        page.click("#calls-import")
        page.wait_for_selector("#calls-import-notice .coach-notice.info", timeout=60_000)
        assert "imported" in page.locator("#calls-import-notice").inner_text()
        page.wait_for_selector("#calls-turns-table tr[data-turn='5']", timeout=60_000)
        assert "too expensive" in page.locator("#calls-turns-table").inner_text()
        # turns 2 and 3 (numbered from 1): the price objection and the answer to it
        page.fill("#calls-start input", "2")
        page.fill("#calls-end input", "3")
        page.fill("#calls-title textarea, #calls-title input", "Fuel savings answer")
        page.fill("#calls-tags textarea, #calls-tags input", "price-pushback")
        page.click("#calls-cut")
        page.wait_for_selector("#calls-cut-notice .coach-notice.info", timeout=60_000)
        made = page.locator("#calls-cut-notice").inner_text()
        assert "Fuel savings answer" in made and "2 turns" in made and "price-pushback" in made
        page.click("#calls-mine")
        # the call's month is on the trend (it is dated 2026-01-15), and price objections are counted
        page.wait_for_selector("#calls-mine-notice :text('from 2026-01')", timeout=300_000)
        topics = page.locator("#calls-topics").inner_text()
        assert "Objection" in topics and "price" in topics
        assert "Rep's answer" in page.locator("#calls-answers").inner_text()
        # Refresh redraws the monthly trend: a filled bar for the call's month
        page.wait_for_selector("#calls-trend rect.chart-bar[data-x='2026-01']", timeout=60_000)
        fills = page.eval_on_selector_all(
            "#calls-trend rect.chart-bar", "els => els.map(e => getComputedStyle(e).fill)"
        )
        assert fills and all(f not in ("none", "") for f in fills), fills
        shot(page, "en-trainer-calls")
        open_tab(page, "Clip library")
        page.fill("#clip-query textarea, #clip-query input", "fuel savings")
        page.click("#clip-search")
        page.wait_for_selector(".clip-row :text('Fuel savings answer')", timeout=120_000)
        page.goto(f"{app.url}/zh/")
        page.wait_for_selector("#recent-scores", timeout=60_000)
        open_tab(page, "通话")
        page.wait_for_selector("#calls-mine-notice :text('2026-01')", timeout=120_000)
        assert "异议" in page.locator("#calls-topics").inner_text()
        assert page.locator("#calls-trend rect.chart-bar[data-x='2026-01']").count() >= 1
        assert "按月出现次数" in page.locator("#calls-trend").inner_text()
        assert "Dana fleet call" in page.locator("#calls-pick").inner_text() or page.locator(
            "#calls-pick input"
        ).input_value().startswith("Dana fleet call")
        shot(page, "zh-trainer-calls")


def test_reps_do_not_see_the_calls_tab(app, tmp_path):
    with browser(silent_wav(tmp_path)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        assert page.get_by_role("tab", name="Calls").count() == 0

"""The rep's web app as a person uses it: a real Chromium against `coach serve` on loopback.

The app runs as a new user runs it (`coach init`, `coach serve`, the embedded models, no LLM,
no network). Calls are driven by Chromium's fake microphone playing WAVs spoken with
`coach speak`'s voices, by an uploaded recording, and by typed turns. Screenshots of every
page in both languages go to ``COACH_SCREENSHOT_DIR`` (default ``.artifacts/screenshots``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, missing_tool
from tests.support.chromium import CHROMIUM, installed, launch_args
from tests.support.net import free_port

pytestmark = [pytest.mark.browser, pytest.mark.models]

SHOTS = Path(os.environ.get("COACH_SCREENSHOT_DIR", ROOT / ".artifacts" / "screenshots"))
WAIT_MS = 180_000
"""Upper bound for one voice turn on a busy 2-core machine (the models run on the CPU)."""
HOOKS = """
window.__played = [];
window.__events = [];
document.addEventListener('coach-voice', (e) => window.__events.push(e.detail));
const _start = AudioBufferSourceNode.prototype.start;
AudioBufferSourceNode.prototype.start = function (...args) {
  window.__played.push('webaudio');
  return _start.apply(this, args);
};
const _play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__played.push(this.src || 'media');
  return _play.apply(this);
};
"""


@dataclass
class App:
    url: str
    data: Path
    pid: int


def _coach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", *args], env=env, capture_output=True, text=True, check=True
    )


@contextmanager
def serving(tmp: Path, **extra_env: str) -> Iterator[App]:
    """`coach init` and `coach serve` on a free loopback port, stopped at the end."""
    data = tmp / "data"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COACH_") or k == "COACH_TEST_STRICT"},
        "COACH_DATA_DIR": str(data),
        "GRADIO_TEMP_DIR": str(data / "tmp"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **extra_env,
    }
    _coach("init", "--no-index", env=env)  # serve builds the clip index as it starts
    port = free_port()
    log_path = tmp / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "coach.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):  # bounded wait for the app to answer
                if server.poll() is not None:
                    pytest.fail(f"coach serve exited: {log_path.read_text()}")
                try:
                    with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            yield App(url=url, data=data, pid=server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)


@contextmanager
def browser_app(factory: pytest.TempPathFactory, name: str, **extra_env: str) -> Iterator[App]:
    """A served app in its own data dir for a browser test module (Chromium required)."""
    if not installed():
        missing_tool("Chromium is not installed (Debian package: chromium)")
    with serving(factory.mktemp(name), **extra_env) as running:
        yield running


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with browser_app(tmp_path_factory, "web") as running:
        yield running


@pytest.fixture(scope="module")
def voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voices")


def rep_wav(folder: Path, name: str, turns: list[tuple[str, str]], *, lead_s: float, gap_s: float) -> Path:
    """One WAV of the rep's turns (spoken by the embedded voices), with silences between."""
    from coach.services import speech
    from coach.speech.audio import SAMPLE_RATE, decode_audio, write_wav

    pieces = [np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.float32)]
    for index, (language, text) in enumerate(turns):
        part = folder / f"{name}-{index}.wav"
        speech.speak(text, language=language, out=part)
        pieces += [decode_audio(part), np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)]
    return write_wav(folder / f"{name}.wav", np.concatenate(pieces), SAMPLE_RATE)


def silent_wav(folder: Path) -> Path:
    from coach.speech.audio import SAMPLE_RATE, write_wav

    return write_wav(folder / "silence.wav", np.zeros(SAMPLE_RATE * 60, dtype=np.float32), SAMPLE_RATE)


@contextmanager
def browser(mic: Path, *, locale: str = "en-US", microphone: bool = True) -> Iterator[object]:
    """A Chromium context; ``microphone=False``: the rep refuses the browser's microphone prompt."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the playwright Python package is not installed")
    with sync_playwright() as pw:
        args = launch_args(mic)
        if not microphone:  # no auto-accepted prompt, no permission: getUserMedia is refused
            args = [a for a in args if a != "--use-fake-ui-for-media-stream"]
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        context = chromium.new_context(
            viewport={"width": 1300, "height": 1000},
            permissions=["microphone"] if microphone else [],
            locale=locale,
        )
        context.add_init_script(HOOKS)
        try:
            yield context
        finally:
            context.close()
            chromium.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def sign_in(page, app: App, user: str, password: str = "demo-rep-pass") -> None:
    page.goto(f"{app.url}/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#sign-in-button")
    page.wait_for_selector("#signed-in", timeout=60_000)
    page.wait_for_selector("#recent-scores", timeout=60_000)


def pick(page, element: str, label: str | re.Pattern[str]) -> None:
    """Choose an option of a Gradio dropdown by its visible label."""
    page.click(f"{element} input")
    page.get_by_role("option", name=label).first.click()
    page.wait_for_timeout(500)


def start_call(page, *, mode: str, scenario: str | re.Pattern[str] | None = None) -> str:
    if scenario is not None:
        pick(page, "#pick-scenario", scenario)
    page.click(f"#pick-mode label:has-text('{mode}')")
    page.click("#start-call")
    page.wait_for_selector("#coach-call[data-status=active]", timeout=60_000)
    return page.get_attribute("#coach-call", "data-session")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(800)


def rep_bubbles(page) -> int:
    return page.locator("#coach-chat .bubble.rep").count()


# -- the tests -------------------------------------------------------------------------------


def test_sign_in_pages_in_both_languages(app, voices):
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        page.goto(f"{app.url}/en/")
        assert "/login" in page.url  # anonymous: the sign-in page, never the app
        assert page.locator("text=demo-rep-pass").count() >= 1  # dev mode lists demo accounts
        shot(page, "en-sign-in")
        page.goto(f"{app.url}/login?lang=zh")
        assert page.locator("text=用户名").count() == 1
        shot(page, "zh-sign-in")
        page.fill("#username", "rep")
        page.fill("#password", "wrong-password")
        page.click("#sign-in-button")
        assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"


def test_an_ai_customer_call_by_voice_then_its_scorecard_and_history(app, voices):
    mic = rep_wav(
        voices,
        "crm",
        [
            ("en", "Hi Dana, this is Alex from FleetFlow. Is now a good time for two minutes?"),
            ("en", "How do you handle rate quotes today, from the request to your reply?"),
        ],
        lead_s=9.0,
        gap_s=14.0,
    )
    with browser(mic) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        shot(page, "en-home")
        session = start_call(page, mode="AI customer")
        assert page.locator("#persona-card").inner_text().count("Dana") >= 1
        assert page.locator("#trust-meter").count() == 1 and page.locator("#patience-meter").count() == 1
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
        first = page.locator("#coach-chat .bubble.rep").first.inner_text().lower()
        assert "fleetflow" in first.replace(" ", "") or "dana" in first
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 2", timeout=WAIT_MS)
        page.wait_for_function(
            "document.querySelectorAll('#coach-chat .bubble.customer').length >= 3", timeout=WAIT_MS
        )
        assert page.evaluate("window.__played.length") >= 1  # the customer was heard
        events = page.evaluate("window.__events.map(e => e.type)")
        assert "heard" in events and "customer" in events
        shot(page, "en-practice-ai-customer")
        page.click("#end-call")
        page.wait_for_selector("#score-value", timeout=WAIT_MS)
        assert page.locator("#key-points .kp").count() >= 5
        assert page.locator("#key-points .kp.hit blockquote").count() >= 1  # evidence quoted
        assert page.locator("#delivery").count() == 1 and page.locator("#profile svg").count() == 1
        shot(page, "en-scorecard")
        open_tab(page, "History")
        assert page.locator(f"#history-table tr[data-session='{session}']").count() == 1
        assert page.locator("#history-trend .chart-dot").count() >= 1  # redrawn after the call
        shot(page, "en-history")


def test_a_read_along_in_mandarin_by_voice(app, voices):
    line = "您好，请问是王先生吗？我是青岚植发的咨询顾问林悦，您前两天在我们官网留了信息想了解头发的情况，现在方便聊两分钟吗？"
    mic = rep_wav(voices, "zh-read", [("zh", line)], lead_s=4.0, gap_s=30.0)
    with browser(mic, locale="zh-CN") as context:
        page = context.new_page()
        sign_in(page, app, "rep-zh")
        assert "/zh/" in page.url
        shot(page, "zh-home")
        start_call(page, mode="跟读", scenario=re.compile("植发"))
        assert page.locator("#readalong-script li.current").count() == 1
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
        page.wait_for_selector("#coach-chat .bubble.rep .marks .tok", timeout=WAIT_MS)
        marks = page.locator("#coach-chat .bubble.rep .marks .tok.ok").count()
        assert marks >= 10  # most characters read correctly
        shot(page, "zh-practice-read-along")
        page.click("#end-call")
        page.wait_for_selector("#score-value", timeout=WAIT_MS)
        assert "朗读准确率" in page.locator("#scorecard").inner_text() or page.locator(".script.read").count()
        shot(page, "zh-scorecard")
        open_tab(page, "历史")
        assert page.locator("#history-table tbody tr").count() >= 1
        shot(page, "zh-history")
        open_tab(page, "话术库")
        page.fill("#clip-query textarea", "太贵了")
        page.click("#clip-search")
        page.wait_for_selector(".clip-row .clip", timeout=WAIT_MS)
        shot(page, "zh-library")


def test_a_turn_from_an_uploaded_recording(app, voices):
    recording = rep_wav(
        voices,
        "upload",
        [("en", "Hi Dana, this is Alex from FleetFlow. Have you got two minutes?")],
        lead_s=0.3,
        gap_s=0.3,
    )
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        start_call(page, mode="Scripted dialogue")
        page.locator("button:has-text('Or send a recording')").first.click()
        page.wait_for_selector("#turn-audio input[type=file]", state="attached", timeout=30_000)
        page.set_input_files("#turn-audio input[type=file]", str(recording))
        page.wait_for_timeout(1500)
        page.click("#send-audio")
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
        said = page.locator("#coach-chat .bubble.rep .text").first.inner_text().lower()
        # the upload became this rep turn; Piper's voice varies between runs, and Whisper
        # sometimes spells the customer's name "Daina", so check the words it always gets
        assert "fleetflow" in said and "two minutes" in said
        assert page.locator("#coach-chat .bubble.rep button.play").count() == 1  # the recording was kept
        shot(page, "en-practice-scripted-upload")
        # A broken upload is refused with a notice and loses nothing.
        broken = voices / "broken.wav"
        broken.write_bytes(b"RIFF not really a wav file" * 20)
        page.set_input_files("#turn-audio input[type=file]", str(broken))
        page.wait_for_timeout(1500)
        page.click("#send-audio")
        page.wait_for_selector(".coach-notice.error", timeout=WAIT_MS)
        assert "could not be read as audio" in page.locator(".coach-notice.error").first.inner_text()
        assert rep_bubbles(page) == 1


def test_clip_search_like_and_save_persist(app, voices):
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        open_tab(page, "Clip library")
        page.fill("#clip-query textarea", "the price is too expensive")
        page.click("#clip-search")
        page.wait_for_selector(".clip-row .clip", timeout=WAIT_MS)
        assert page.locator(".clip-row .clip mark").count() >= 1  # words highlighted
        first = page.locator(".clip-row").first
        clip_id = first.locator(".clip").get_attribute("data-clip")
        first.get_by_role("button", name="Like").click()
        page.wait_for_selector(f".clip-row:has(.clip[data-clip='{clip_id}']) button:has-text('Liked')", timeout=30_000)
        first = page.locator(f".clip-row:has(.clip[data-clip='{clip_id}'])")
        first.get_by_role("button", name="Save").click()
        page.wait_for_selector(f".saved-clip .clip[data-clip='{clip_id}']", timeout=30_000)
        shot(page, "en-library")
        page.reload()
        page.wait_for_selector("#signed-in", timeout=60_000)
        open_tab(page, "Clip library")
        page.wait_for_selector(f".saved-clip .clip[data-clip='{clip_id}']", timeout=30_000)
        page.fill("#clip-query textarea", "the price is too expensive")
        page.click("#clip-search")
        page.wait_for_selector(f".clip-row:has(.clip[data-clip='{clip_id}']) button:has-text('Liked')", timeout=60_000)


def test_another_rep_cannot_open_a_session_by_forging_its_id(app, voices):
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        session = start_call(page, mode="AI customer")
        page.fill("#turn-text textarea", "Hi Dana, this is Alex from FleetFlow, my private line is 555-0100.")
        page.click("#send-turn")
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
    with browser(silent_wav(voices), locale="zh-CN") as context:
        page = context.new_page()
        sign_in(page, app, "rep-zh")
        page.goto(f"{app.url}/zh/?session={session}")
        page.wait_for_selector(".coach-notice.error", timeout=60_000)
        assert "不是您的" in page.locator(".coach-notice.error").first.inner_text()
        assert "555-0100" not in page.content()
        response = page.request.get(f"{app.url}/media/session/{session}/1")
        assert response.status == 403
        shot(page, "zh-forged-session")


def test_a_dead_llm_server_mid_call_hands_over_to_the_builtin_customer(tmp_path, voices):
    from tests.support.fake_openai import fake_openai

    with fake_openai(["Hmm, right. Go on, what is this about?"]) as llm:
        with serving(tmp_path, COACH_LLM_BASE_URL=llm.base_url, COACH_LLM_MODEL="fake", COACH_LLM_TIMEOUT_S="3") as running:
            with browser(silent_wav(voices)) as context:
                page = context.new_page()
                sign_in(page, running, "rep")
                start_call(page, mode="AI customer")
                assert "language model" in page.locator("#persona-card").inner_text()
                page.fill("#turn-text textarea", "Hi Dana, this is Alex from FleetFlow. Is now a good time?")
                page.click("#send-turn")
                page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.customer').length >= 2", timeout=WAIT_MS)
                llm.stop()  # the model server dies mid-call
                page.fill("#turn-text textarea", "How do you handle rate quotes today?")
                page.click("#send-turn")
                page.wait_for_selector(".coach-notice.warning", timeout=WAIT_MS)
                assert "built-in customer" in page.locator(".coach-notice.warning").inner_text()
                assert page.locator("#coach-chat .bubble.customer").count() >= 3
                assert rep_bubbles(page) == 2
                shot(page, "en-practice-llm-down")


CRM_LINE = "Hi Dana, this is Alex Moreno from FleetFlow CRM. Did I catch you at an okay time for a few minutes?"
CLINIC_LINE = "您好，请问是王先生吗？我是青岚植发的咨询顾问林悦，您前两天在我们官网留了信息想了解头发的情况，现在方便聊两分钟吗？"


@pytest.mark.parametrize(
    ("user", "locale", "language", "line", "mode"),
    [
        ("rep", "en-US", "en", CRM_LINE, "Read-along"),
        ("rep", "en-US", "en", CRM_LINE, "Recitation"),
        ("rep", "en-US", "en", CRM_LINE, "Scripted dialogue"),
        ("rep-zh", "zh-CN", "zh", CLINIC_LINE, "背诵"),
        ("rep-zh", "zh-CN", "zh", CLINIC_LINE, "智能对练"),
        ("rep-zh", "zh-CN", "zh", CLINIC_LINE, "AI 客户"),
    ],
)
def test_every_mode_by_voice_in_both_languages(app, voices, user, locale, language, line, mode):
    """The two calls above cover an English AI customer and a Mandarin read-along."""
    mic = rep_wav(voices, f"{language}-{mode}", [(language, line)], lead_s=7.0, gap_s=40.0)
    with browser(mic, locale=locale) as context:
        page = context.new_page()
        sign_in(page, app, user)
        start_call(page, mode=mode)
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
        heard = page.locator("#coach-chat .bubble.rep .text").first.inner_text()
        assert len(heard) >= 10
        if mode in ("Scripted dialogue", "智能对练", "AI 客户"):
            page.wait_for_function(
                "document.querySelectorAll('#coach-chat .bubble.customer').length >= 2", timeout=WAIT_MS
            )
            assert page.evaluate("window.__played.length") >= 1
        if mode in ("Recitation", "背诵"):
            assert int(page.get_attribute("#recitation-progress", "data-value")) > 0
        if mode == "Read-along":
            page.wait_for_selector("#coach-chat .bubble.rep .marks .tok.ok", timeout=WAIT_MS)
        if page.locator("#coach-call[data-status=active]").count():
            page.click("#end-call")
        page.wait_for_selector("#score-value", timeout=WAIT_MS)
        assert page.locator("#key-points .kp").count() >= 5
        name = {"Read-along": "read-along", "Recitation": "recitation", "Scripted dialogue": "scripted",
                "背诵": "recitation", "智能对练": "scripted", "AI 客户": "ai-customer"}[mode]
        shot(page, f"{language}-scorecard-{name}")


def test_a_closed_tab_resumes_the_call_and_the_scorecard_offers_more(app, voices):
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        session = start_call(page, mode="AI customer")
        page.fill("#turn-text textarea", "Hi Dana, this is Alex from FleetFlow. Is now a good time?")
        page.click("#send-turn")
        page.wait_for_function("document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS)
        page.close()  # the rep closes the tab mid-call
        page = context.new_page()
        page.goto(f"{app.url}/")
        page.wait_for_selector("#resume-call", state="visible", timeout=60_000)
        page.click("#resume-call")
        page.wait_for_selector(f"#coach-call[data-session='{session}'][data-status=active]", timeout=60_000)
        assert rep_bubbles(page) == 1  # every turn came back from the database
        page.click("#end-call")
        page.wait_for_selector("#score-value", timeout=WAIT_MS)
        page.click("#top-performer")
        page.wait_for_selector("#play-top-clip", timeout=WAIT_MS)
        page.click("#play-top-clip")
        page.wait_for_function("window.__played.some(s => String(s).includes('/media/clip/'))", timeout=60_000)
        page.click("#try-again")
        page.wait_for_selector("#coach-call[data-status=active]", timeout=60_000)
        assert page.get_attribute("#coach-call", "data-session") != session


def test_a_refused_microphone_says_so_and_the_call_goes_on_by_text(app, voices):
    with browser(silent_wav(voices), microphone=False) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        start_call(page, mode="AI customer")
        page.wait_for_selector("#voice-notice .coach-notice.error", timeout=60_000)
        notice = page.locator("#voice-notice .coach-notice.error").first.inner_text()
        assert "did not allow the microphone" in notice
        shot(page, "en-practice-mic-refused")
        # A typed turn, with markup in it, is answered and shown as text, never as markup.
        page.fill("#turn-text textarea", "Hi Dana, Alex from FleetFlow <img src=x onerror=alert(1)>")
        page.click("#send-turn")
        page.wait_for_function(
            "document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS
        )
        bubble = page.locator("#coach-chat .bubble.rep .text").first
        assert "<img" in bubble.inner_text()
        assert page.locator("#coach-chat img[src=x]").count() == 0
        page.wait_for_function(
            "document.querySelectorAll('#coach-chat .bubble.customer').length >= 2", timeout=WAIT_MS
        )


def test_a_trainer_assigns_a_drill_the_rep_starts_it_and_the_manager_sees_the_team(app, voices):
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "trainer", "demo-trainer-pass")
        assert page.get_by_role("tab", name="Team").count() == 0  # analytics are for managers
        open_tab(page, "Drills")
        pick(page, "#drill-scenario", re.compile("CRM"))
        page.click("#drill-mode label:has-text('Scripted dialogue')")
        page.fill("#drill-title textarea, #drill-title input", "Discovery drill <b>week 1</b>")
        page.click("#drill-create")
        page.wait_for_selector("#drill-status-table", timeout=60_000)
        assert "Discovery drill <b>week 1</b>" in page.locator("#drill-status-table").inner_text()
        shot(page, "en-trainer-drills")
    # the rep does the drill by voice: the fake microphone says the scripted line
    mic = rep_wav(voices, "en-drill", [("en", CRM_LINE)], lead_s=7.0, gap_s=40.0)
    with browser(mic) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        assert page.get_by_role("tab", name="Team").count() == 0  # not for reps
        assert page.get_by_role("tab", name="Drills").count() == 0
        page.wait_for_selector("#my-drills .drill[data-kind=drill]", timeout=60_000)
        assert "week 1" in page.locator("#my-drills").inner_text()
        page.click("#start-drill")
        page.wait_for_selector("#coach-call[data-status=active]", timeout=60_000)
        page.wait_for_function(
            "document.querySelectorAll('#coach-chat .bubble.rep').length >= 1", timeout=WAIT_MS
        )
        assert len(page.locator("#coach-chat .bubble.rep .text").first.inner_text()) >= 10
        page.click("#end-call")
        page.wait_for_selector("#score-value", timeout=WAIT_MS)
    with browser(silent_wav(voices), locale="zh-CN") as context:
        page = context.new_page()
        sign_in(page, app, "manager", "demo-manager-pass")
        page.goto(f"{app.url}/zh/")
        page.wait_for_selector("#recent-scores", timeout=60_000)
        open_tab(page, "团队")
        page.wait_for_selector("#team-report #team-drills, #team-report #team-mentions", timeout=60_000)
        assert "要点提及率" in page.locator("#team-report").inner_text()
        assert "week 1" in page.locator("#team-report").inner_text()
        for plot in ("#team-mentions-plot", "#team-volume-plot", "#team-score-plot"):
            page.wait_for_selector(plot, state="visible", timeout=60_000)
        assert "每周练习量" in page.locator("#team-volume-plot").inner_text()
        page.wait_for_selector("#team-heatmap #team-heatmap-table", timeout=60_000)
        assert "每位销售的要点提及率" in page.locator("#team-heatmap").inner_text()
        assert "rep" in page.locator("#team-heatmap-table").inner_text()
        assert "认证情况" in page.locator("#team-certificates").inner_text()
        shot(page, "zh-manager-team")
        shot(page, "zh-manager-dashboard")
        # drill down into the rep's call, coach it and override a key point
        page.click("#team-open")
        page.wait_for_selector("#score-value", timeout=60_000)
        page.wait_for_selector("#coach-box", state="visible", timeout=60_000)
        # the override box starts at the call's score as it stands, not at 0
        score = page.locator("#score-value").inner_text().strip()
        page.wait_for_function(
            "(want) => { const b = document.querySelector('#override-score input');"
            " return !!b && String(Math.round(Number(b.value))) === want; }",
            arg=score,
            timeout=60_000,
        )
        page.fill("#coach-comment textarea", "开场不错，下次先确认对方是否方便 <script>x</script>")
        page.click("#coach-add")
        page.wait_for_selector("#coaching-comments .comment", timeout=60_000)
        assert "<script>x</script>" in page.locator("#coaching-comments").inner_text()
        page.fill("#override-reason textarea, #override-reason input", "问候其实做到了")
        page.click("#override-status label:has-text('已做到')")
        page.click("#override-point-button")
        page.wait_for_selector("#coaching-comments .override.kp", timeout=60_000)
        shot(page, "zh-manager-coaching")
        open_tab(page, "团队")
        with page.expect_download(timeout=60_000) as download:
            page.click("#team-download")
            page.wait_for_selector("#team-file a", timeout=60_000)
            page.locator("#team-file a").first.click()
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel opens Chinese
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "manager", "demo-manager-pass")
        open_tab(page, "Team")
        page.wait_for_selector("#team-heatmap #team-heatmap-table", timeout=60_000)
        assert "Practice volume per week" in page.locator("#team-volume-plot").inner_text()
        assert "Score trend per rep" in page.locator("#team-score-plot").inner_text()
        assert "Certification status" in page.locator("#team-certificates").inner_text()
        assert "Leaderboard" in page.locator("#team-report").inner_text()
        shot(page, "en-manager-dashboard")
    with browser(silent_wav(voices)) as context:
        page = context.new_page()
        sign_in(page, app, "rep")
        page.wait_for_selector("#coaching-for-me .comment.unread", timeout=60_000)
        assert "下次先确认" in page.locator("#coaching-for-me").inner_text()
        shot(page, "en-rep-coaching-for-me")

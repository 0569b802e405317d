"""Voice benchmark: the real app in a real Chromium, a fake microphone as the rep.

What it drives is what a rep uses: ``coach init`` and ``coach serve`` on a loopback port, the
sign-in page, the home tab (first scenario of the rep's language, "AI customer"), the start
button, and the practice page, which opens the voice channel by itself (``ui/static/page.js``,
``?wiring=naive`` for the baseline). Chromium's fake microphone plays a WAV of the rep: a
leading silence (page ready, the customer's opening line), then ``--turns`` lines, each
followed by a silence long enough for the customer to answer. The rep's voice is Piper
(English) / Kokoro's jf_alpha style (Mandarin), the customer's is the persona's.

Several calls per language and wiring (live, naive), interleaved in the same run. Reported per
language and wiring:

- end of the rep's speech -> first customer audio in the page, median and p90, measured twice:
  ``page``: ``window.__coachVoiceTimes`` (voice.js: the last loud microphone frame it saw
  before the server said "thinking", and the scheduled start of the first reply sample);
  ``hook``: independently, an init script taps the microphone stream with its own
  ScriptProcessor (last loud frame of each utterance) and wraps
  ``AudioBufferSourceNode.prototype.start`` (the scheduled start of the first source after it).
  The table's headline figures are ``hook``; ``page`` is shown next to them.
- the ratio live / naive (hook medians);
- the ``coach serve`` process's peak RSS during that configuration's calls (VmHWM, reset
  through /proc/PID/clear_refs before each call) and over the whole run;
- turns stored in the database (rep turns of each session) against the turns spoken, and the
  rep bubbles the page shows.

The server keeps its speech cache between calls (as a running server does: a persona's lines
made for one call serve the next); ``--cold`` restarts it before each round instead, so each
live call has only what it synthesised ahead itself. The server-side table (from the voice
protocol's ``timing`` event) says where the time went and whether the first piece of each
answer had been made ahead.

Bounded: every wait has a limit, only 127.0.0.1, and the server is stopped at the end.
Writes bench/results/voice.json (``--cold``: voice-cold.json).

Usage: python -m bench.voice_bench [--calls N] [--turns N] [--languages en,zh]
       [--wirings live,naive] [--cold]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import write_results
from tests.support.chromium import CHROMIUM, launch_args

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-rep-pass"
USERS = {"en": "rep", "zh": "rep-zh"}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
SCENARIOS = {"en": "crm-logistics-discovery", "zh": "hair-clinic-booking-zh"}
"""The first scenario of each rep's language on the home tab (checked after each call)."""
REP_VOICES = {"en": None, "zh": "jf_alpha"}
"""The rep speaks with another voice than the customer (Kokoro's persona voices: jf_nezumi, jm_kumo)."""
LINES = {
    "en": [
        "Hi, this is Alex from FleetFlow. Is now a good time to talk for two minutes?",
        "How do you plan your delivery routes today, and how long does that take each morning?",
        "What happens when a driver calls in sick or a truck breaks down?",
        "Would it help if your team could see every load and every quote in one place?",
        "Could we book a short demo next Tuesday with your operations lead?",
    ],
    "zh": [
        "您好，我是青岚植发的咨询顾问林悦，您前两天在官网填了个表，现在方便聊两分钟吗？",
        "您的头发大概是从什么时候开始掉的？主要是哪个位置？",
        "这个问题平时对您的工作和生活有什么影响吗？",
        "我们的面诊和毛囊检测都是免费的，大概一个小时。",
        "您看这个周六上午方便来院里面诊吗？",
    ],
}
LEAD_S = {"en": 7.0, "zh": 8.0}
"""Silence before the first line: the page opens the channel and the customer picks up."""
GAP_S = {"en": 15.0, "zh": 17.0}
"""Silence after each line: the customer answers (naive: several seconds) and finishes."""
TAIL_S = 4.0

# The independent measurement: the page's microphone stream tapped by a ScriptProcessor of our
# own (loud runs of 512-sample buffers), and every AudioBufferSourceNode.start with the moment
# it is scheduled to sound. performance.now() milliseconds, like window.__coachVoiceTimes.
INIT_SCRIPT = """
(() => {
  const B = (window.__bench = { runs: [], starts: [], micOpened: null, micError: null, events: [], timings: [] });
  const LOUD = 0.01;
  // The server's own breakdown of each reply (the voice protocol's "timing" event).
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' || event.data.indexOf('"timing"') < 0) return;
        try {
          const message = JSON.parse(event.data);
          if (message.type === 'timing') B.timings.push(message);
        } catch (err) {
          // not JSON
        }
      });
    }
  };
  document.addEventListener('coach-voice', (e) => {
    const d = e.detail || {};
    B.events.push({ t: performance.now(), type: d.type, state: d.state, code: d.code, turn: d.turn });
  });
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (when, ...rest) {
    const context = this.context;
    const now = performance.now();
    const ahead = typeof when === 'number' && when > context.currentTime ? when - context.currentTime : 0;
    B.starts.push({ at: now + ahead * 1000, called: now, duration: this.buffer ? this.buffer.duration : 0 });
    return start.call(this, when, ...rest);
  };
  const media = navigator.mediaDevices;
  if (!media || !media.getUserMedia) return;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    if (B.micOpened !== null) return stream;
    B.micOpened = performance.now();
    try {
      const context = new AudioContext();
      if (context.state === 'suspended') await context.resume();
      const source = context.createMediaStreamSource(stream);
      const tap = context.createScriptProcessor(512, 1, 1);
      tap.onaudioprocess = (event) => {
        const data = event.inputBuffer.getChannelData(0);
        let sum = 0;
        for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
        if (Math.sqrt(sum / data.length) < LOUD) return;
        const now = performance.now();
        const last = B.runs[B.runs.length - 1];
        if (last && now - last[1] < 300) last[1] = now;
        else B.runs.push([now, now]);
      };
      source.connect(tap);
      tap.connect(context.destination);
      B.tap = { context, source, tap };
    } catch (err) {
      B.micError = String(err);
    }
    return stream;
  };
})();
"""


@dataclass
class CallResult:
    language: str
    wiring: str
    round: int
    session_id: str | None = None
    scenario_id: str | None = None
    spoken: int = 0
    page_s: list[float] = field(default_factory=list)
    hook_s: list[float] = field(default_factory=list)
    replies: int = 0
    stored: int | None = None
    bubbles: int | None = None
    ended_by: str | None = None
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float | None = None
    timings: list[dict[str, Any]] = field(default_factory=list)
    trace: list[list[Any]] = field(default_factory=list)
    wall_s: float = 0.0
    failed: str | None = None


# -- the rep's voice -------------------------------------------------------------------------


def rep_line(language: str, index: int, folder: Path) -> np.ndarray:
    """The rep's line ``index`` in ``language``, spoken by the rep's voice, peak 0.5, 16 kHz."""
    from coach.services import speech
    from coach.speech.audio import decode_audio

    spoken = speech.speak(
        LINES[language][index],
        language=language,
        voice=REP_VOICES[language],
        out=folder / f"{language}-{index}.wav",
    )
    samples = decode_audio(spoken.path)
    return samples / max(1e-6, float(np.max(np.abs(samples)))) * 0.5


def rep_wav(language: str, turns: int, folder: Path) -> tuple[Path, list[tuple[float, float]]]:
    """The fake microphone's file: lead silence, then each line and a gap; (start, end) of each."""
    from coach.speech.audio import SAMPLE_RATE, write_wav

    pieces = [np.zeros(int(LEAD_S[language] * SAMPLE_RATE), dtype=np.float32)]
    at = LEAD_S[language]
    spans: list[tuple[float, float]] = []
    for index in range(len(LINES[language][:turns])):
        samples = rep_line(language, index, folder)
        pieces += [
            samples.astype(np.float32),
            np.zeros(int(GAP_S[language] * SAMPLE_RATE), dtype=np.float32),
        ]
        spans.append((at, at + samples.size / SAMPLE_RATE))
        at += samples.size / SAMPLE_RATE + GAP_S[language]
    pieces.append(np.zeros(int(TAIL_S * SAMPLE_RATE), dtype=np.float32))
    path = write_wav(folder / f"rep-{language}-{turns}.wav", np.concatenate(pieces), SAMPLE_RATE)
    return path, spans


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`coach init` + `coach serve` in a temporary data dir; always stopped by ``stop``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
        self.env = {
            **inherited,
            "COACH_DATA_DIR": str(folder / "data"),
            "GRADIO_TEMP_DIR": str(folder / "tmp"),
            "GRADIO_ANALYTICS_ENABLED": "False",
            "COACH_LLM_BASE_URL": "",
            "COACH_LLM_MODEL": "",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / "serve.log"

    def init(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "coach.cli", "init"],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self, *, timeout_s: float = 120.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "coach.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"coach serve exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"coach serve did not answer /api/health within {timeout_s:.0f} s")

    def wait_quiet(
        self, *, timeout_s: float = 240.0, share: float = 0.12, span_s: float = 3.0
    ) -> float:
        """Wait until the server uses under ``share`` of a core for ``span_s`` (warm-up done).

        Gradio's queue loop alone keeps an idle server at about 7% of a core.
        """
        began = time.monotonic()
        deadline = began + timeout_s
        while time.monotonic() < deadline:
            before = self.cpu_s()
            time.sleep(span_s)
            if self.cpu_s() - before < share * span_s:
                break
        return round(time.monotonic() - began, 1)

    def cpu_s(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status_kb(self, key: str) -> int | None:
        assert self.process is not None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def reset_peak(self) -> bool:
        assert self.process is not None
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def db(self) -> Path:
        return self.folder / "data" / "coach.db"


# -- one call ----------------------------------------------------------------------------------


def _loud_ends(runs: list[list[float]], gap_ms: float = 1500.0) -> list[tuple[float, float]]:
    """(start, end) of each utterance: loud runs closer than ``gap_ms`` belong together."""
    utterances: list[list[float]] = []
    for start, end in runs:
        if utterances and start - utterances[-1][1] < gap_ms:
            utterances[-1][1] = end
        else:
            utterances.append([start, end])
    return [(a, b) for a, b in utterances if b - a >= 300]


def _hook_latencies(bench: dict[str, Any]) -> list[float]:
    """End of each utterance -> the first reply source scheduled after it (seconds).

    A reply that only came after the rep's next line began still counts, from its own line:
    late answers are not dropped from the figures.
    """
    starts = sorted(s["at"] for s in bench.get("starts", []))
    out = []
    for _, end in _loud_ends(bench.get("runs", [])):
        after = [s for s in starts if s > end]
        if after:
            out.append(round((after[0] - end) / 1000, 3))
    return out


def run_call(
    server: Server,
    language: str,
    wiring: str,
    wav: Path,
    spans: list[tuple[float, float]],
    index: int,
) -> CallResult:
    from playwright.sync_api import sync_playwright

    result = CallResult(language=language, wiring=wiring, round=index, spoken=len(spans))
    began = time.monotonic()
    talk_s = spans[-1][1] + GAP_S[language] if spans else 10.0
    args = launch_args(wav)
    server.reset_peak()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args, timeout=60_000)
        try:
            context = browser.new_context(
                permissions=["microphone"],
                locale=LOCALES[language],
                viewport={"width": 1200, "height": 900},
            )
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{server.url}/login", wait_until="domcontentloaded")
            page.fill("#username", USERS[language])
            page.fill("#password", PASSWORD)
            page.click("#sign-in-button")
            page.wait_for_selector("#signed-in", timeout=60_000)
            home = f"/{language}/" + ("?wiring=naive" if wiring == "naive" else "")
            if not page.url.rstrip("/").endswith(f"/{language}") or wiring == "naive":
                page.goto(server.url + home, wait_until="domcontentloaded")
                page.wait_for_selector("#signed-in", timeout=60_000)
            page.wait_for_selector("#start-call button, button#start-call", timeout=60_000)
            # Freeform ("AI customer") is the default mode; the first scenario is the rep's.
            page.locator("#pick-mode input[value=freeform]").check(timeout=30_000)
            page.locator("#start-call").first.click()
            page.wait_for_selector("#coach-call[data-status=active]", timeout=60_000)
            result.session_id = page.get_attribute("#coach-call", "data-session")
            # The fake microphone runs from when the page opens it: wait until every line was
            # said and answered (bounded by the file's length plus a margin).
            page.wait_for_function("window.__bench.micOpened !== null", timeout=30_000)
            deadline = time.monotonic() + talk_s + 45
            while time.monotonic() < deadline:
                done = page.evaluate(
                    "() => ({ended: window.__bench.events.some((e) => e.type === 'ended'),"
                    " mic: performance.now() - window.__bench.micOpened})"
                )
                if done["ended"] or done["mic"] / 1000 > talk_s:
                    break
                time.sleep(0.5)
            # Let the last reply finish and the page redraw the chat from the server.
            settle = time.monotonic() + 20
            while time.monotonic() < settle:
                state = page.evaluate(
                    "() => { const b = window.__bench; const last = b.starts[b.starts.length - 1];"
                    " return {playing: last ? last.at + last.duration * 1000 > performance.now() : false,"
                    " rep: document.querySelectorAll('#coach-chat .bubble.rep').length}; }"
                )
                if not state["playing"] and state["rep"] >= result.spoken:
                    break
                time.sleep(0.5)
            result.bubbles = page.locator("#coach-chat .bubble.rep").count()
            times = page.evaluate("window.__coachVoiceTimes || []")
            bench = page.evaluate("window.__bench")
            result.page_s = [
                round((t["firstAudio"] - t["speechEnd"]) / 1000, 3)
                for t in times
                if t.get("speechEnd") and t.get("firstAudio")
            ]
            result.hook_s = _hook_latencies(bench)
            result.timings = list(bench.get("timings", []))
            opened = bench.get("micOpened") or 0.0
            result.trace = [
                [round((e["t"] - opened) / 1000, 2), e.get("type"), e.get("state") or e.get("code")]
                for e in bench.get("events", [])
                if e.get("type") in ("state", "heard", "customer", "error", "ended", "turn_done")
            ]
            result.replies = len(times)
            result.errors = [
                str(e.get("code")) for e in bench.get("events", []) if e.get("type") == "error"
            ]
            if bench.get("micError"):
                result.errors.append("tap: " + str(bench["micError"]))
            context.close()
        except Exception as exc:  # one failed call is reported, the run goes on
            result.failed = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            browser.close()
    peak = server.status_kb("VmHWM")
    result.peak_rss_mb = round(peak / 1024, 1) if peak else None
    result.wall_s = round(time.monotonic() - began, 1)
    return result


def stored_turns(db: Path, session_id: str) -> tuple[int, str | None, str | None]:
    """Rep turns stored for a session, its scenario and how it ended (read-only)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM turns WHERE session_id = ? AND speaker = 'rep'", (session_id,)
        ).fetchone()
        row = connection.execute(
            "SELECT scenario_id, ended_by FROM practice_sessions WHERE id = ?", (session_id,)
        ).fetchone()
    finally:
        connection.close()
    return int(count), (row[0] if row else None), (row[1] if row else None)


# -- summary -----------------------------------------------------------------------------------


def _pct(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 3)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def summarise(calls: list[CallResult], language: str, wiring: str) -> dict[str, Any]:
    mine = [c for c in calls if c.language == language and c.wiring == wiring]
    hook = [v for c in mine for v in c.hook_s]
    page = [v for c in mine for v in c.page_s]
    peaks = [c.peak_rss_mb for c in mine if c.peak_rss_mb]
    timings = [t for c in mine for t in c.timings]

    def part(key: str) -> float | None:
        return _median([float(t[key]) for t in timings if isinstance(t.get(key), int | float)])

    cached = [t["first_cached"] for t in timings if isinstance(t.get("first_cached"), bool)]
    # The page's figures, split by whether the reply's first piece had been made ahead.
    split: dict[bool, list[float]] = {True: [], False: []}
    for c in mine:
        flags = [t.get("first_cached") for t in c.timings]
        if len(flags) == len(c.hook_s):
            for flag, value in zip(flags, c.hook_s, strict=True):
                if isinstance(flag, bool):
                    split[flag].append(value)
    server = {
        "pause_s": part("decided_pause_s"),
        "transcribed_s": part("transcribed_s"),
        "answered_s": part("answered_s"),
        "first_audio_s": part("first_audio_s"),
        "synth_first_s": part("synth_first_s"),
        "latency_s": part("latency_s"),
        "first_piece_cached": f"{sum(cached)}/{len(cached)}" if cached else None,
        "hook_p50_first_piece_cached_s": _median(split[True]),
        "hook_p50_first_piece_made_after_s": _median(split[False]),
    }
    return {
        "calls": len(mine),
        "failed_calls": sum(1 for c in mine if c.failed),
        "samples": len(hook),
        "hook_p50_s": _median(hook),
        "hook_p90_s": _pct(hook, 0.9),
        "page_p50_s": _median(page),
        "page_p90_s": _pct(page, 0.9),
        "hook_all_s": hook,
        "page_all_s": page,
        "spoken": sum(c.spoken for c in mine),
        "stored": sum(c.stored or 0 for c in mine),
        "bubbles": sum(c.bubbles or 0 for c in mine),
        "ended_by_customer": sum(1 for c in mine if c.ended_by and c.ended_by != "rep"),
        "errors": sorted({e for c in mine for e in c.errors}),
        "peak_rss_mb": max(peaks) if peaks else None,
        "server_medians": server,
    }


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3, help="calls per language and wiring")
    parser.add_argument("--turns", type=int, default=3, help="rep turns per call (at most 5)")
    parser.add_argument("--languages", default="en,zh")
    parser.add_argument("--wirings", default="live,naive")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="restart coach serve before each round: the speech cache starts empty, so each "
        "live call has only what it synthesised ahead itself (no throwaway calls)",
    )
    options = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print("voice bench skipped: Chromium is not installed at /usr/bin/chromium")
        return 0
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("voice bench skipped: the playwright package is not installed")
        return 0
    languages = [x for x in options.languages.split(",") if x]
    wirings = [x for x in options.wirings.split(",") if x]
    turns = max(1, min(len(LINES["en"]), options.turns))
    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="coach-voice-bench-"))
    server = Server(folder)
    calls: list[CallResult] = []
    run_started = time.monotonic()
    try:
        voices = {lang: rep_wav(lang, turns, folder) for lang in languages}
        warm_one = {lang: rep_wav(lang, 1, folder) for lang in languages}
        server.init()
        warm_peak = 0
        for index in range(options.calls):
            if index == 0 or options.cold:
                server.stop()
                server.start()
                warm_s = server.wait_quiet()
                warm_peak = max(warm_peak, server.status_kb("VmHWM") or 0)
                print(
                    f"server up on {server.url}; warm-up took {warm_s:.0f} s; "
                    f"RSS {(server.status_kb('VmRSS') or 0) / 1024:.0f} MB"
                )
            if index == 0 and not options.cold:
                for lang in languages:  # a throwaway call each: the first page, socket, turn
                    throwaway = run_call(server, lang, "live", *warm_one[lang], -1)
                    print(f"throwaway {lang} call: {throwaway.hook_s} {throwaway.failed or ''}")
            for lang in languages:
                for wiring in wirings:
                    call = run_call(server, lang, wiring, *voices[lang], index)
                    if call.session_id:
                        # A turn heard just before the page closed is still being stored.
                        deadline = time.monotonic() + 30
                        while True:
                            call.stored, call.scenario_id, call.ended_by = stored_turns(
                                server.db(), call.session_id
                            )
                            if call.stored >= call.spoken or time.monotonic() > deadline:
                                break
                            time.sleep(1.0)
                    calls.append(call)
                    print(
                        f"  call {index + 1} {lang} {wiring:5}: hook {call.hook_s} page {call.page_s} "
                        f"stored {call.stored}/{call.spoken} bubbles {call.bubbles} "
                        f"peak {call.peak_rss_mb} MB {call.wall_s:.0f} s"
                        + (f" errors {call.errors}" if call.errors else "")
                        + (f" FAILED {call.failed}" if call.failed else "")
                        + (f" ended_by {call.ended_by}" if call.ended_by else "")
                    )
        overall_peak = max([warm_peak or 0] + [int((c.peak_rss_mb or 0) * 1024) for c in calls])
    finally:
        server.stop()
        if any(c.stored is not None and c.stored < c.spoken for c in calls):
            print("a turn was lost; the server's log ends:")
            print(server.log_path.read_text(errors="replace")[-3000:])
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()
    rows = {
        f"{lang}/{wiring}": summarise(calls, lang, wiring)
        for lang in languages
        for wiring in wirings
    }
    targets = {"en": 1.0, "zh": 1.2}
    print()
    print(
        "end of the rep's speech -> first customer audio in the page (s); hook = init-script "
        "measurement (headline), page = window.__coachVoiceTimes"
    )
    header = (
        f"{'language':<9}{'wiring':<7}{'n':>4}{'p50':>7}{'p90':>7}{'page p50':>10}{'page p90':>10}"
        f"{'live/naive':>12}{'target':>8}{'peak RSS':>10}{'stored/spoken':>15}{'bubbles':>9}"
    )
    print(header)
    print("-" * len(header))
    for lang in languages:
        naive = rows.get(f"{lang}/naive", {}).get("hook_p50_s")
        for wiring in wirings:
            row = rows[f"{lang}/{wiring}"]
            ratio = None
            if wiring == "live" and naive and row["hook_p50_s"]:
                ratio = round(row["hook_p50_s"] / naive, 3)
                row["live_over_naive"] = ratio
                row["speedup"] = round(naive / row["hook_p50_s"], 2)
            ratio_text = f"{ratio:.2f} ({row['speedup']:.1f}x)" if ratio else ""
            target = f"≤{targets[lang]:.1f}" if wiring == "live" else ""
            print(
                f"{lang:<9}{wiring:<7}{row['samples']:>4}{_fmt(row['hook_p50_s']):>7}{_fmt(row['hook_p90_s']):>7}"
                f"{_fmt(row['page_p50_s']):>10}{_fmt(row['page_p90_s']):>10}"
                f"{ratio_text:>12}"
                f"{target:>8}{(str(round(row['peak_rss_mb'])) + ' MB') if row['peak_rss_mb'] else '-':>10}"
                f"{str(row['stored']) + '/' + str(row['spoken']):>15}{row['bubbles']:>9}"
            )
    print(f"server peak RSS over the whole run (warm-up included): {overall_peak / 1024:.0f} MB")
    print()
    print(
        "where the time goes, server side (medians, s): the pause waited for; then, from the end "
        "of that pause, transcript ready, reply chosen, first audio sent; synthesis of the first piece"
    )
    print(
        f"{'language':<9}{'wiring':<7}{'pause':>7}{'heard':>7}{'answered':>10}{'sent':>7}{'synth 1st':>11}"
        f"{'server total':>14}{'cached 1st':>12}{'p50 cached':>12}{'p50 made after':>16}"
    )
    for lang in languages:
        for wiring in wirings:
            m = rows[f"{lang}/{wiring}"]["server_medians"]
            print(
                f"{lang:<9}{wiring:<7}{_fmt(m['pause_s']):>7}{_fmt(m['transcribed_s']):>7}"
                f"{_fmt(m['answered_s']):>10}{_fmt(m['first_audio_s']):>7}{_fmt(m['synth_first_s']):>11}"
                f"{_fmt(m['latency_s']):>14}{m['first_piece_cached'] or '-':>12}"
                f"{_fmt(m['hook_p50_first_piece_cached_s']):>12}"
                f"{_fmt(m['hook_p50_first_piece_made_after_s']):>16}"
            )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
        f"{os.cpu_count()} cores; run took {time.monotonic() - run_started:.0f} s"
    )
    for lang in languages:
        for wiring in wirings:
            row = rows[f"{lang}/{wiring}"]
            if row["errors"] or row["failed_calls"] or row["ended_by_customer"]:
                print(
                    f"  {lang}/{wiring}: errors {row['errors']} failed calls {row['failed_calls']} "
                    f"ended by the customer {row['ended_by_customer']}"
                )
    path = write_results(
        "voice-cold" if options.cold else "voice",
        {
            "measured": "end of the rep's speech (last loud microphone frame) -> scheduled start of the first customer audio sample, in the page",
            "headline": "hook (init script: ScriptProcessor tap on the microphone stream + AudioBufferSourceNode.prototype.start)",
            "targets_s": targets,
            "calls_per_config": options.calls,
            "cold": options.cold,
            "turns_per_call": turns,
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
            "cores": os.cpu_count(),
            "server_peak_rss_mb": round(overall_peak / 1024, 1),
            "configs": rows,
            "calls": [c.__dict__ for c in calls],
        },
    )
    print(f"wrote {path.relative_to(ROOT)}")
    lost = any(r["stored"] < r["spoken"] for r in rows.values())
    return 1 if lost or any(c.failed for c in calls) else 0


if __name__ == "__main__":
    raise SystemExit(main())

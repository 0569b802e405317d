"""Speech benchmark: accuracy, speed and the voice turn latency of the embedded models.

- Accuracy: WER (English) / CER (Mandarin) on the real clips in ../shared/fixtures/speech,
  with beam 1 and beam 5, with the fast encoder context and the standard 30 s window; and on
  round trips (our synthesizers speak customer/rep lines, the transcriber reads them back).
- Mandarin synthesizer choice: every shipped Kokoro voice style and espeak-ng's own Mandarin
  voice, by real-time factor and round-trip CER (nobody can listen here).
- Hotwords: CER with the scenario's terms as hotwords, and how often a hotword that was never
  said shows up in the transcript.
- Speed: transcription and synthesis real-time factors (median of several runs), CPU threads
  1 vs 2, load and warm-up times, peak memory (ru_maxrss).
- Voice turn latency: from the end of a ~5 s rep utterance to the first customer audio chunk
  ready: transcribe -> canned customer reply (stand-in for the persona engine) -> first
  sentence synthesised. Against a naive baseline in the same run: beam 5 on the standard 30 s
  window, then the whole reply synthesised before playing. Median, p90 and the ratio.

Usage: python -m bench.speech_bench [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import write_results
from coach.backends.kokoro_synthesizer import SHIPPED_VOICES, KokoroSynthesizer
from coach.backends.piper_synthesizer import PiperSynthesizer
from coach.backends.ports import AudioChunk
from coach.backends.speech_router import SpeechRouter
from coach.backends.whisper_transcriber import WhisperTranscriber
from coach.speech.accuracy import error_rate
from coach.speech.audio import SAMPLE_RATE, decode_audio, resample, write_wav
from coach.speech.errors import NoSpeechError
from coach.speech.live import LiveTranscription

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures" / "speech"
CLIPS = [
    (
        "en-jfk.flac",
        "en",
        "And so my fellow Americans, ask not what your country can do for you, ask what you "
        "can do for your country.",
    ),
    (
        "en-librispeech-1995-1837-0001.wav",
        "en",
        "IT WAS THE FIRST GREAT SORROW OF HIS LIFE IT WAS NOT SO MUCH THE LOSS OF THE COTTON "
        "ITSELF BUT THE FANTASY THE HOPES THE DREAMS BUILT AROUND IT",
    ),
    ("zh-aishell-BAC009S0724W0121.wav", "zh", "广州市房地产中介协会分析"),
]
EN_LINES = [
    "Good morning, this is Alex from Fleet Flow.",
    "Is now a good time to talk for two minutes?",
    "How do you plan delivery routes today, and how long does it take each morning?",
    "We cut planning time by forty percent for a logistics firm your size.",
    "The price is forty nine dollars per user per month, billed yearly.",
    "Could we book a demo next Tuesday at ten with your operations lead?",
    "I understand the budget is tight this quarter.",
    "What would have to be true for you to switch from spreadsheets?",
]
ZH_LINES = [
    "您好，我是云帆科技的小王。",
    "请问您现在方便聊两分钟吗？",
    "你们现在是怎么管理客户资料的？",
    "我们的系统可以帮您节省百分之三十的时间。",
    "价格是每个用户每月三百元。",
    "下周二上午十点给您做个演示，可以吗？",
    "我理解您对预算的担心。",
    "如果试用一个月不满意，可以随时取消。",
]
ZH_CUSTOMER_LINES = [
    "您好，我是陈总。",
    "你们的价格太贵了，能不能便宜一点？",
    "我们现在用的是别家的系统，换起来很麻烦。",
    "这个我得跟老板商量一下。",
    "你先把资料发到我邮箱吧。",
    "下周二下午三点可以吗？",
    "我对售后服务比较担心。",
    "好的，那我们就先试用一个月。",
]
REP_TURN = {
    "en": "Hi Dana, this is Alex from Fleet Flow. How do you plan your delivery routes today?",
    "zh": "陈总您好，我是云帆科技的小王。你们现在的价格是怎么定的？",
}
CUSTOMER_LINES = {
    "en": {
        "route": "Honestly, we plan routes in spreadsheets. It takes my dispatchers about two "
        "hours every morning. What would your system change?",
        "price": "Price is the first thing my boss will ask about. What does it cost per user?",
        "": "Sorry, who is this again? I only have a minute.",
    },
    "zh": {
        "价格": "别绕，直接说我这种情况大概多少钱，我不想听那些虚的。",
        "系统": "我们现在用的是表格，挺麻烦的。不过换系统也不容易。",
        "": "我忙得很，你长话短说。",
    },
}
HOTWORDS = {"en": ["Fleet Flow", "dispatchers"], "zh": ["云帆科技", "演示"]}
NEVER_SAID = {"en": ["Salesforce", "HubSpot"], "zh": ["销售易", "纷享销客"]}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 4)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def to_16k(chunks: list[AudioChunk], gap_s: float = 0.15) -> np.ndarray:
    """The chunks at 16 kHz with a pause between sentences (none after the last)."""
    pieces: list[np.ndarray] = []
    for index, chunk in enumerate(chunks):
        if index:
            pieces.append(np.zeros(int(gap_s * SAMPLE_RATE), np.float32))
        pieces.append(resample(chunk.samples, chunk.sample_rate))
    return np.concatenate(pieces).astype(np.float32)


def canned_reply(text: str, language: str) -> str:
    """Stand-in for the persona engine: the first canned line whose keyword the rep said."""
    lines = CUSTOMER_LINES[language]
    lowered = text.lower()
    for keyword, line in lines.items():
        if keyword and keyword in lowered:
            return line
    return lines[""]


# -- accuracy on the real clips ------------------------------------------------------------


def clip_accuracy(
    transcribers: dict[str, WhisperTranscriber], runs: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    per_clip: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    for config, transcriber in transcribers.items():
        for name, language, reference in CLIPS:
            samples = decode_audio(FIXTURES / name)
            seconds = len(samples) / SAMPLE_RATE
            times, text = [], ""
            for _ in range(runs):
                elapsed, result = timed(
                    lambda s=samples, lang=language, t=transcriber: t.transcribe(s, language=lang)
                )
                times.append(elapsed)
                text = result.text
            err = error_rate(reference, text, language=language)
            per_clip.setdefault(name, {})[config] = {
                "error_rate": round(err, 4),
                "median_s": median(times),
                "rtf": round(median(times) / seconds, 4),
                "text": text,
            }
            summary.setdefault(config, {}).setdefault(language, []).append(
                (err, median(times), seconds)
            )
    table = {
        config: {
            lang: {
                ("wer" if lang == "en" else "cer"): round(
                    statistics.mean(e for e, _, _ in rows), 4
                ),
                "rtf": round(sum(t for _, t, _ in rows) / sum(s for _, _, s in rows), 4),
            }
            for lang, rows in by_lang.items()
        }
        for config, by_lang in summary.items()
    }
    return per_clip, table


# -- synthesis and round trips -------------------------------------------------------------


def synth_lines(
    speak: Callable[[str], Iterator[AudioChunk]], lines: list[str]
) -> tuple[list[np.ndarray], float, list[float]]:
    """Audio (16 kHz) per line, the synthesis RTF over all lines and per-line RTFs."""
    audio, spent, made, rtfs = [], 0.0, 0.0, []
    for line in lines:
        elapsed, chunks = timed(lambda line=line: list(speak(line)))
        seconds = sum(c.duration for c in chunks)
        spent, made = spent + elapsed, made + seconds
        rtfs.append(elapsed / seconds)
        audio.append(to_16k(chunks))
    return audio, round(spent / made, 4), rtfs


def round_trip(
    transcriber: WhisperTranscriber, audio: list[np.ndarray], lines: list[str], language: str
) -> tuple[float, list[str]]:
    heard = []
    for a in audio:
        try:
            heard.append(transcriber.transcribe(a, language=language).text)
        except NoSpeechError:
            heard.append("")
    return round(error_rate(lines, heard, language=language), 4), heard


ESPEAK_SCRIPT = r"""
import ctypes, json, sys, time, wave
import numpy as np, espeakng_loader
lib = ctypes.CDLL(espeakng_loader.get_library_path())
rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)
buf = []
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
def cb(wav, n, events):
    if n > 0:
        buf.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
    return 0
callback = CB(cb)
lib.espeak_SetSynthCallback(callback)
lib.espeak_SetVoiceByName(b"cmn")
out = []
for i, line in enumerate(json.loads(sys.argv[2])):
    buf.clear()
    data = line.encode()
    start = time.perf_counter()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)
    lib.espeak_Synchronize()
    spent = time.perf_counter() - start
    pcm = np.concatenate(buf).astype(np.int16)
    path = f"{sys.argv[1]}/espeak-{i}.wav"
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(pcm.tobytes())
    out.append({"path": path, "seconds": len(pcm) / rate, "spent": spent})
print(json.dumps(out))
"""


def espeak_candidate(
    transcriber: WhisperTranscriber, lines: list[str], folder: Path
) -> dict[str, Any]:
    """espeak-ng's own Mandarin voice, run in a child process (its C state is global)."""
    done = subprocess.run(
        [sys.executable, "-c", ESPEAK_SCRIPT, str(folder), json.dumps(lines, ensure_ascii=False)],
        capture_output=True,
        text=True,
        check=True,
    )
    made = json.loads(done.stdout)
    audio = [decode_audio(Path(m["path"])) for m in made]
    cer, heard = round_trip(transcriber, audio, lines, "zh")
    rtf = sum(m["spent"] for m in made) / sum(m["seconds"] for m in made)
    return {"rtf": round(rtf, 4), "round_trip_cer": cer, "heard": heard}


# -- the voice turn --------------------------------------------------------------------------


def voice_turn(
    transcriber: WhisperTranscriber,
    synthesize: Callable[[str, str], Iterator[AudioChunk]],
    rep_audio: np.ndarray,
    language: str,
    *,
    whole_reply: bool,
) -> tuple[float, dict[str, float], str]:
    """Seconds from the end of the rep's audio to the first customer audio ready to play."""
    marks: dict[str, float] = {}
    start = time.perf_counter()
    heard = transcriber.transcribe(rep_audio, language=language).text
    marks["transcribe"] = time.perf_counter() - start
    reply = canned_reply(heard, language)
    marks["reply"] = time.perf_counter() - start - marks["transcribe"]
    chunks = synthesize(reply, language)
    if whole_reply:
        list(chunks)
    else:
        next(iter(chunks))
    total = time.perf_counter() - start
    marks["synthesize"] = total - marks["transcribe"] - marks["reply"]
    return total, marks, heard


class _Adapter:
    """A bench synthesize function as an engine for the router."""

    def __init__(self, speak: Callable[[str, str], Iterator[AudioChunk]]):
        self.speak = speak

    def synthesize(
        self, text: str, *, language: str, voice: str | None = None
    ) -> Iterator[AudioChunk]:
        return self.speak(text, language)


def live_turn(
    transcriber: WhisperTranscriber,
    synthesize: Callable[[str, str], Iterator[AudioChunk]],
    rep_audio: np.ndarray,
    language: str,
    *,
    step_s: float = 0.1,
) -> tuple[float, dict[str, float], str]:
    """Like ``voice_turn``, but the audio arrives in real time and is transcribed as it comes."""
    live = LiveTranscription(transcriber, language=language)
    step = int(step_s * SAMPLE_RATE)
    begin = time.perf_counter()
    for start in range(0, len(rep_audio), step):
        delay = begin + (start + step) / SAMPLE_RATE - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # the rep is still talking
        live.feed(rep_audio[start : start + step])
    end_of_speech = max(time.perf_counter(), begin + len(rep_audio) / SAMPLE_RATE)
    marks: dict[str, float] = {}
    heard = live.finish().text
    marks["transcribe"] = time.perf_counter() - end_of_speech
    reply = canned_reply(heard, language)
    next(iter(synthesize(reply, language)))
    total = time.perf_counter() - end_of_speech
    marks["synthesize"] = total - marks["transcribe"]
    marks["phrases_in_background"] = live.phrases_in_background
    return total, marks, heard


def latency(
    fast: WhisperTranscriber,
    naive: WhisperTranscriber,
    synthesizers: dict[str, Callable[[str, str], Iterator[AudioChunk]]],
    rep_audio: dict[str, np.ndarray],
    runs: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for language, audio in rep_audio.items():
        speak = synthesizers[language]
        optimised, baseline = [], []
        parts: dict[str, list[float]] = {"transcribe": [], "reply": [], "synthesize": []}
        base_parts: dict[str, list[float]] = {"transcribe": [], "reply": [], "synthesize": []}
        heard = heard_live = ""
        streamed: list[float] = []
        live_parts: dict[str, list[float]] = {
            "transcribe": [],
            "synthesize": [],
            "phrases_in_background": [],
        }
        router = SpeechRouter(
            {"engine": lambda speak=speak: _Adapter(speak)},
            defaults={language: "engine"},
            engine_languages={"engine": frozenset({language})},
        )
        router.prefetch(list(CUSTOMER_LINES[language].values()), language=language)
        router.wait_for_prefetch()  # at the start of the call, before the rep says anything
        prefetched: list[float] = []
        for _ in range(runs):  # interleaved, so all of them see the same machine load
            total, marks, heard_live = live_turn(fast, speak, audio, language)
            streamed.append(total)
            for key in live_parts:
                live_parts[key].append(marks[key])
            cached = router.synthesize
            total, _, _ = live_turn(
                fast, lambda text, lang, c=cached: c(text, language=lang), audio, language
            )
            prefetched.append(total)
            total, marks, heard = voice_turn(fast, speak, audio, language, whole_reply=False)
            optimised.append(total)
            for key in parts:
                parts[key].append(marks[key])
            total, marks, _ = voice_turn(naive, speak, audio, language, whole_reply=True)
            baseline.append(total)
            for key in base_parts:
                base_parts[key].append(marks[key])
        out[language] = {
            "rep_utterance_s": round(len(audio) / SAMPLE_RATE, 2),
            "heard": heard,
            "optimised": {
                "median_s": median(optimised),
                "p90_s": p90(optimised),
                "parts_median_s": {k: median(v) for k, v in parts.items()},
            },
            "baseline": {
                "median_s": median(baseline),
                "p90_s": p90(baseline),
                "parts_median_s": {k: median(v) for k, v in base_parts.items()},
            },
            "ratio": round(median(baseline) / median(optimised), 2),
            "live": {
                "heard": heard_live,
                "median_s": median(streamed),
                "p90_s": p90(streamed),
                "parts_median_s": {k: median(v) for k, v in live_parts.items()},
            },
            "ratio_live": round(median(baseline) / median(streamed), 2),
            "live_prefetched_lines": {"median_s": median(prefetched), "p90_s": p90(prefetched)},
        }
    return out


def run_latency(
    fast: WhisperTranscriber,
    piper: PiperSynthesizer,
    kokoro: KokoroSynthesizer,
    data: Path,
    tmp: Path,
    runs: int,
) -> dict[str, Any]:
    # A natural pause (0.35 s) between the rep's sentences.
    rep_audio = {
        "en": to_16k(list(piper.synthesize(REP_TURN["en"], language="en")), gap_s=0.35),
        "zh": to_16k(
            list(kokoro.synthesize(REP_TURN["zh"], language="zh", voice="jm_kumo")), gap_s=0.35
        ),
    }
    for language, audio in rep_audio.items():
        write_wav(tmp / f"rep-{language}.wav", audio, SAMPLE_RATE)
    naive = WhisperTranscriber(data_dir=data, beam_size=5, fast_context=False)
    naive.warm_up()
    synthesizers: dict[str, Callable[[str, str], Iterator[AudioChunk]]] = {
        "en": lambda text, lang: piper.synthesize(text, language=lang),
        "zh": lambda text, lang: kokoro.synthesize(text, language=lang),
    }
    turns = latency(fast, naive, synthesizers, rep_audio, runs)
    print("\nvoice turn: end of the rep's ~5 s utterance -> first customer audio ready")
    for language, row in turns.items():
        o, b, v = row["optimised"], row["baseline"], row["live"]
        print(
            f"  {language} ({row['rep_utterance_s']:.1f} s rep turn, heard: {row['heard']})\n"
            f"    baseline (beam 5, 30 s window, whole reply): median {b['median_s']:.2f} s  "
            f"p90 {b['p90_s']:.2f} s\n"
            f"    optimised (transcribe at the end):           median {o['median_s']:.2f} s  "
            f"p90 {o['p90_s']:.2f} s  (transcribe {o['parts_median_s']['transcribe']:.2f} + "
            f"first sentence {o['parts_median_s']['synthesize']:.2f})  {row['ratio']:.2f}x faster\n"
            f"    optimised + live (transcribe while talking): median {v['median_s']:.2f} s  "
            f"p90 {v['p90_s']:.2f} s  (transcribe {v['parts_median_s']['transcribe']:.2f} + "
            f"first sentence {v['parts_median_s']['synthesize']:.2f})  "
            f"{row['ratio_live']:.2f}x faster\n"
            f"    ... + the persona's lines prefetched:      median "
            f"{row['live_prefetched_lines']['median_s']:.2f} s  p90 "
            f"{row['live_prefetched_lines']['p90_s']:.2f} s"
        )
    return turns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument(
        "--latency-only", action="store_true", help="only the voice turn (results not written)"
    )
    args = parser.parse_args()
    runs = max(3, args.runs)
    results: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "runs": runs,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        loads: dict[str, float] = {}

        fast = WhisperTranscriber(data_dir=data)
        loads["whisper_assemble_load_warm_s"], _ = timed(fast.warm_up)
        loads["peak_mb_after_whisper"] = peak_mb()
        piper = PiperSynthesizer()
        loads["piper_load_warm_s"], _ = timed(piper.warm_up)
        kokoro = KokoroSynthesizer(data_dir=data)
        loads["kokoro_assemble_load_warm_s"], _ = timed(kokoro.warm_up)
        loads["peak_mb_after_all_models"] = peak_mb()
        results["load"] = {k: round(v, 2) for k, v in loads.items()}
        print(
            f"load + warm-up: whisper {loads['whisper_assemble_load_warm_s']:.1f} s, "
            f"piper {loads['piper_load_warm_s']:.1f} s, kokoro "
            f"{loads['kokoro_assemble_load_warm_s']:.1f} s; peak memory "
            f"{loads['peak_mb_after_all_models']:.0f} MB"
        )

        if args.latency_only:
            results["voice_turn"] = run_latency(fast, piper, kokoro, data, Path(tmp), runs)
            return 0
        configs = {
            "beam1_fast": fast,
            "beam5_fast": WhisperTranscriber(data_dir=data, beam_size=5),
            "beam1_full": WhisperTranscriber(data_dir=data, fast_context=False),
            "beam5_full": WhisperTranscriber(data_dir=data, beam_size=5, fast_context=False),
        }
        per_clip, table = clip_accuracy(configs, runs=3)
        results["clips"] = per_clip
        results["clips_summary"] = table
        print("\nreal clips (fixtures): error rate and transcription RTF")
        for config, by_lang in table.items():
            row = "  ".join(
                f"{lang}: {'WER' if lang == 'en' else 'CER'} {v.get('wer', v.get('cer')):.3f} "
                f"RTF {v['rtf']:.3f}"
                for lang, v in by_lang.items()
            )
            print(f"  {config:<11} {row}")

        threads = {}
        rep_probe = decode_audio(FIXTURES / CLIPS[1][0])
        for n in (1, 2):
            t = WhisperTranscriber(data_dir=data, cpu_threads=n)
            t.warm_up()
            times = [timed(lambda t=t: t.transcribe(rep_probe, language="en"))[0] for _ in range(3)]
            threads[str(n)] = median(times)
        results["cpu_threads_transcribe_s"] = threads
        print(f"\ncpu threads (8.7 s clip, beam 1): {threads}")

        # Synthesis speed and round trips.
        en_audio, en_rtf, _ = synth_lines(lambda s: piper.synthesize(s, language="en"), EN_LINES)
        en_wer, en_heard = round_trip(fast, en_audio, EN_LINES, "en")
        results["synthesis"] = {"en_piper": {"rtf": en_rtf, "round_trip_wer": en_wer}}
        print(f"\nEnglish synthesis (piper joe): RTF {en_rtf:.3f}, round-trip WER {en_wer:.3f}")

        # Read back with beam 5: the better reader, so the voices are compared, not the beam.
        reader = configs["beam5_fast"]
        candidate_lines = ZH_LINES + ZH_CUSTOMER_LINES
        candidates: dict[str, Any] = {}
        zh_audio: list[np.ndarray] = []
        for voice in SHIPPED_VOICES:
            audio, rtf, _ = synth_lines(
                lambda s, v=voice: kokoro.synthesize(s, language="zh", voice=v), candidate_lines
            )
            cer, heard = round_trip(reader, audio, candidate_lines, "zh")
            candidates[f"kokoro:{voice}"] = {"rtf": rtf, "round_trip_cer": cer, "heard": heard}
            if voice == "jf_nezumi":
                zh_audio = audio[: len(ZH_LINES)]
        candidates["espeak-ng:cmn"] = espeak_candidate(reader, candidate_lines, Path(tmp))
        results["mandarin_candidates"] = candidates
        print("\nMandarin synthesizer candidates (16 rep/customer lines): RTF, round-trip CER")
        for name, row in candidates.items():
            print(f"  {name:<22} RTF {row['rtf']:.3f}  CER {row['round_trip_cer']:.3f}")
        results["synthesis"]["zh_kokoro_jf_nezumi"] = {
            "rtf": candidates["kokoro:jf_nezumi"]["rtf"],
            "round_trip_cer": candidates["kokoro:jf_nezumi"]["round_trip_cer"],
        }
        zh_cer, _ = round_trip(fast, zh_audio, ZH_LINES, "zh")
        results["synthesis"]["zh_kokoro_jf_nezumi"]["round_trip_cer_beam1"] = zh_cer
        results["round_trip"] = {"en_heard": en_heard}

        # Transcription RTF per language on the round-trip audio (beam 1 fast, the default).
        for language, audio in (("en", en_audio), ("zh", zh_audio)):
            spent = sum(
                timed(lambda a=a, lang=language: fast.transcribe(a, language=lang))[0]
                for a in audio
            )
            seconds = sum(len(a) for a in audio) / SAMPLE_RATE
            results.setdefault("transcription_rtf_round_trip", {})[language] = round(
                spent / seconds, 4
            )
        print(
            f"transcription RTF on the round-trip lines: {results['transcription_rtf_round_trip']}"
        )

        # Hotwords: help on the scenario's terms? made-up words when not said?
        hot: dict[str, Any] = {}
        for language, audio, lines in (("en", en_audio, EN_LINES), ("zh", zh_audio, ZH_LINES)):
            with_terms = [
                fast.transcribe(a, language=language, hotwords=HOTWORDS[language]).text
                for a in audio
            ]
            unrelated = [
                fast.transcribe(a, language=language, hotwords=NEVER_SAID[language]).text
                for a in audio
            ]
            invented = sum(
                1
                for text in unrelated
                for word in NEVER_SAID[language]
                if word.lower() in text.lower()
            )
            hot[language] = {
                "error_rate_without": round(
                    error_rate(
                        lines,
                        [fast.transcribe(a, language=language).text for a in audio],
                        language=language,
                    ),
                    4,
                ),
                "error_rate_with_terms": round(error_rate(lines, with_terms, language=language), 4),
                "error_rate_with_unrelated_terms": round(
                    error_rate(lines, unrelated, language=language), 4
                ),
                "unsaid_hotwords_in_output": invented,
            }
        zh_clip = decode_audio(FIXTURES / CLIPS[2][0])
        hot["zh_clip_with_its_own_terms"] = fast.transcribe(
            zh_clip, language="zh", hotwords=["房地产", "中介协会"]
        ).text
        results["hotwords"] = hot
        print(f"hotwords: {json.dumps({k: v for k, v in hot.items() if k in ('en', 'zh')})}")

        results["voice_turn"] = run_latency(fast, piper, kokoro, data, Path(tmp), runs)
        results["peak_memory_mb"] = peak_mb()
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(f"\npeak memory (ru_maxrss): {results['peak_memory_mb']:.0f} MB")
    path = write_results("speech", results)
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

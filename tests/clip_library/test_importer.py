import json
from pathlib import Path

import numpy as np
import pytest

from coach.backends.fake import FakeTranscriber
from coach.backends.ports import Segment, Transcription
from coach.clip_library import importer
from coach.clip_library.importer import (
    UNKNOWN,
    collect_sources,
    import_calls,
    merge_channels,
)
from coach.errors import CoachError
from tests.clip_library.conftest import silence, tone, write_stereo


class MemoryStore:
    def __init__(self):
        self.calls: dict[str, importer.ParsedCall] = {}
        self.hashes: dict[str, str] = {}

    def find(self, source_hash):
        return self.hashes.get(source_hash)

    def save(self, call, source_hash):
        call_id = f"call{len(self.calls) + 1}"
        self.calls[call_id] = call
        self.hashes[source_hash] = call_id
        return call_id


class RegionTranscriber:
    """Hears one segment per stretch of sound; texts come from a list per call, in order."""

    def __init__(self, texts_per_call, language="en"):
        self.texts_per_call = list(texts_per_call)
        self.language = language
        self.calls = 0

    def transcribe(self, audio, *, language=None, hotwords=()):
        assert isinstance(audio, np.ndarray) and audio.ndim == 1
        texts = self.texts_per_call[self.calls]
        self.calls += 1
        loud = np.abs(audio) > 0.01
        regions, start = [], None
        for i, on in enumerate(np.append(loud, False)):
            if on and start is None:
                start = i
            elif not on and start is not None:
                regions.append((start / 16000, i / 16000))
                start = None
        merged = []
        for a, b in regions:
            if merged and a - merged[-1][1] < 0.2:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        if not merged:
            raise CoachError("no speech in this audio")
        segments = tuple(Segment(start=a, end=b, text=texts[i]) for i, (a, b) in enumerate(merged))
        return Transcription(
            text=" ".join(texts),
            language=language or self.language,
            segments=segments,
            duration=len(audio) / 16000,
        )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_transcripts_json_and_text_with_meta_and_resume(tmp_path):
    write(
        tmp_path / "a.json",
        json.dumps(
            {
                "language": "en",
                "title": "Karen at Crossroads",
                "date": "2024-03-05",
                "outcome": "demo booked",
                "turns": [
                    {"speaker": "customer", "text": "How much is it?", "start": 0, "end": 1.5},
                    {"speaker": "rep", "text": "Forty-nine a seat.", "start": 1.5, "end": 3},
                ],
            }
        ),
    )
    write(tmp_path / "call-2024-04-02.txt", "销售：您好\n客户：多少钱？\n")
    store, seen = MemoryStore(), []
    report = import_calls(
        [tmp_path], store=store, progress=lambda done, total, item: seen.append((done, total))
    )
    assert (report.imported, report.skipped, report.failed) == (2, 0, 0)
    assert seen == [(1, 2), (2, 2)]
    by_title = {call.title: call for call in store.calls.values()}
    first = by_title["Karen at Crossroads"]
    assert first.outcome == "demo booked" and first.date.isoformat().startswith("2024-03-05")
    assert first.duration_s == 3 and first.language == "en"
    second = by_title["call-2024-04-02"]
    assert second.language == "zh" and second.date.month == 4
    assert [t["speaker"] for t in second.turns] == ["rep", "customer"]
    again = import_calls([tmp_path], store=store)
    assert (again.imported, again.skipped) == (0, 2)
    assert again.summary() == "imported 0, skipped 2, failed 0"


def test_bad_files_are_reported_not_fatal(tmp_path):
    write(tmp_path / "good.txt", "Rep: Hello\nCustomer: Hi\n")
    write(tmp_path / "broken.json", '{"turns": [ }')
    write(tmp_path / "nobody.txt", "just a line without a speaker\n")
    write(
        tmp_path / "bad-date.json",
        json.dumps({"date": "last tuesday", "turns": [{"speaker": "rep", "text": "hi"}]}),
    )
    (tmp_path / "noise.wav").write_bytes(b"RIFF not really audio")
    (tmp_path / "notes.md").write_text("ignored in folders")
    report = import_calls(
        [tmp_path, tmp_path / "missing.txt", tmp_path / "notes.md"],
        store=MemoryStore(),
        transcriber=FakeTranscriber(default="hello"),
    )
    status = {Path(i.path).name: (i.status, i.message) for i in report.items}
    assert status["good.txt"][0] == "imported"
    assert status["broken.json"][0] == "failed" and "invalid JSON" in status["broken.json"][1]
    assert status["nobody.txt"][0] == "failed" and "Name: text" in status["nobody.txt"][1]
    assert "ISO date" in status["bad-date.json"][1]
    assert (
        status["noise.wav"][0] == "failed" and "not a readable audio file" in status["noise.wav"][1]
    )
    assert status["missing.txt"] == ("failed", "no such file or folder")
    assert status["notes.md"][0] == "failed"
    assert report.failed == 6 and report.imported == 1


def test_recording_needs_a_transcriber(tmp_path):
    path = write_stereo(tmp_path / "call.wav", tone(1.0), silence(1.0))
    report = import_calls([path], store=MemoryStore(), transcriber=None)
    assert report.failed == 1 and "speech recogniser" in report.items[0].message


def test_stereo_call_is_split_by_channel_and_merged_by_time(tmp_path):
    # rep speaks 0-1 s and 2-3 s on the left; the customer 1.2-1.8 s on the right
    left = np.concatenate([tone(1.0), silence(1.0), tone(1.0)])
    right = np.concatenate([silence(1.2), tone(0.6, freq=330), silence(1.2)])
    path = write_stereo(tmp_path / "call.wav", left, right)
    store = MemoryStore()
    transcriber = RegionTranscriber(
        [["Hello, this is Alex.", "Can we meet Tuesday?"], ["Who is this?"]]
    )
    report = import_calls([path], store=store, transcriber=transcriber, audio_dir=tmp_path / "kept")
    assert report.imported == 1, report.items
    call = next(iter(store.calls.values()))
    assert [(t["speaker"], t["text"]) for t in call.turns] == [
        ("rep", "Hello, this is Alex."),
        ("customer", "Who is this?"),
        ("rep", "Can we meet Tuesday?"),
    ]
    assert call.turns[1]["start"] == pytest.approx(1.2, abs=0.01)
    assert call.duration_s == pytest.approx(3.0, abs=0.01)
    assert call.audio_path.parent == tmp_path / "kept" and call.audio_path.exists()
    # the rep on the right channel
    transcriber = RegionTranscriber([["Who is this?"], ["Hi.", "Tuesday?"]])
    turns = importer.transcribe_recording(path, transcriber, rep_channel="right").turns
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]


def test_a_silent_channel_keeps_the_other_with_a_warning(tmp_path):
    path = write_stereo(tmp_path / "call.wav", tone(1.0), silence(1.0))
    transcriber = RegionTranscriber([["Hello?"], []])
    # the right channel is silent: our transcriber raises like the real one does
    call = importer.transcribe_recording(path, transcriber)
    assert [t["speaker"] for t in call.turns] == ["rep"]
    assert any("customer channel" in w for w in call.warnings)


def test_mono_recording_has_unknown_speakers_and_a_warning(tmp_path):
    mono = tone(1.0)
    path = write_stereo(tmp_path / "mono.wav", mono, mono)
    transcriber = RegionTranscriber([["Hello there."]])
    report = import_calls([path], store=MemoryStore(), transcriber=transcriber)
    assert report.imported == 1
    assert "mono recording" in report.items[0].warnings[0]


def test_recording_with_a_transcript_beside_it_is_one_call(tmp_path):
    path = write_stereo(tmp_path / "c1.wav", tone(0.5), silence(0.5))
    write(tmp_path / "c1.txt", "Rep: Hello\nCustomer: Hi\n")
    write(tmp_path / "other.txt", "Rep: Hello\nCustomer: Bye\n")
    sources, problems = collect_sources([tmp_path])
    assert problems == []
    assert [(s.audio and s.audio.name, s.transcript and s.transcript.name) for s in sources] == [
        ("c1.wav", "c1.txt"),
        (None, "other.txt"),
    ]
    store = MemoryStore()
    report = import_calls([tmp_path], store=store, transcriber=None)
    assert report.imported == 2
    with_audio = [c for c in store.calls.values() if c.audio_path is not None]
    assert len(with_audio) == 1 and with_audio[0].turns[0]["text"] == "Hello"
    assert path.exists()


def test_merge_channels_joins_consecutive_segments_of_one_speaker():
    rep = [Segment(0.0, 1.0, "您好"), Segment(1.1, 2.0, "我是小陈")]
    customer = [Segment(2.5, 3.0, "你好")]
    turns = merge_channels(rep, customer, language="zh")
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("rep", "您好我是小陈"),
        ("customer", "你好"),
    ]
    assert turns[0]["end"] == 2.0
    assert UNKNOWN == "unknown"


def test_the_same_content_twice_in_one_run_is_imported_once(tmp_path):
    write(tmp_path / "a.txt", "Rep: Hello\nCustomer: Hi\n")
    write(tmp_path / "b.txt", "Rep: Hello\nCustomer: Hi\n")
    report = import_calls([tmp_path], store=MemoryStore())
    assert (report.imported, report.skipped) == (1, 1)

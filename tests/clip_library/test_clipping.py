import wave

import numpy as np
import pytest

from coach.clip_library.clipping import CallData, ClipError, cut_clip, turn_span_for_times
from tests.clip_library.conftest import silence, tone, write_stereo

TURNS = [
    {"speaker": "rep", "text": "Hi, Alex from FleetFlow.", "start": 0.0, "end": 2.0},
    {"speaker": "customer", "text": "It's too expensive.", "start": 2.0, "end": 4.0},
    {"speaker": "rep", "text": "Compared to a lost shipper?", "start": 4.5, "end": 6.0},
    {"speaker": "customer", "text": "Fair.", "start": 6.0, "end": 7.0},
]


def call(**extra):
    return CallData(
        call_id="c1",
        title="Call",
        language="en",
        turns=TURNS,
        scenario_id="crm-logistics-discovery",
        outcome="demo booked",
        **extra,
    )


def test_cut_by_turns_with_tags_and_relative_times():
    draft = cut_clip(
        call(),
        title="Price answer",
        start_turn=1,
        end_turn=2,
        tags=[("objection", "price"), ("key_point", "handle_objection"), ("free", "calm")],
        notes="Reframes.",
        clipped_by=7,
    )
    assert [t["text"] for t in draft.turns] == [
        "It's too expensive.",
        "Compared to a lost shipper?",
    ]
    assert (draft.start_s, draft.end_s) == (2.0, 6.0)
    assert draft.turns[0]["start"] == 0.0 and draft.turns[1]["end"] == 4.0
    assert ("language", "en") in draft.tags and (
        "scenario",
        "crm-logistics-discovery",
    ) in draft.tags
    assert ("objection", "price") in draft.tags
    assert draft.scenario_id == "crm-logistics-discovery" and draft.created_by == 7
    assert draft.clip_id.startswith("clip-") and draft.audio_path is None
    assert draft.outcome == "demo booked"


def test_cut_by_time_picks_overlapping_turns():
    draft = cut_clip(call(), title="t", start_s=3.0, end_s=5.0)
    assert (draft.start_turn, draft.end_turn) == (1, 2)
    assert turn_span_for_times(TURNS, 0.0, 0.5) == (0, 0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start_turn": 2, "end_turn": 1}, "not in this call"),
        ({"start_turn": 0, "end_turn": 9}, "not in this call"),
        ({"start_turn": 0}, "both"),
        ({}, "by turns"),
        ({"start_turn": 0, "end_turn": 1, "start_s": 0.0, "end_s": 1.0}, "by turns"),
        ({"start_s": 20.0, "end_s": 30.0}, "no turn between"),
        ({"start_s": 5.0, "end_s": 4.0}, "before it starts"),
    ],
)
def test_bad_spans_are_refused(options, message):
    with pytest.raises(ClipError, match=message):
        cut_clip(call(), title="t", **options)


def test_bad_tags_and_titles_are_refused():
    with pytest.raises(ClipError, match="unknown tag kind"):
        cut_clip(call(), title="t", start_turn=0, end_turn=0, tags=[("mood", "sad")])
    with pytest.raises(ClipError, match="title"):
        cut_clip(call(), title="  ", start_turn=0, end_turn=0)


def test_untimed_calls_cut_by_turns_only():
    untimed = CallData(
        call_id="c2", title="x", language="zh", turns=[{"speaker": "rep", "text": "您好"}]
    )
    draft = cut_clip(untimed, title="开场", start_turn=0, end_turn=0)
    assert draft.start_s is None and draft.tags == [("language", "zh")]
    with pytest.raises(ClipError, match="no timings"):
        cut_clip(untimed, title="t", start_s=0.0, end_s=1.0)


def test_audio_excerpt_is_written_as_wav(tmp_path):
    left = np.concatenate([tone(2.0), silence(2.0), tone(3.0)])
    right = np.concatenate([silence(2.0), tone(2.0, freq=330), silence(3.0)])
    audio = write_stereo(tmp_path / "call.wav", left, right)
    draft = cut_clip(
        call(audio_path=str(audio)),
        title="t",
        start_turn=1,
        end_turn=2,
        clips_dir=tmp_path / "clips",
    )
    assert draft.audio_path == str(tmp_path / "clips" / f"{draft.clip_id}.wav")
    with wave.open(draft.audio_path) as excerpt:
        assert excerpt.getnchannels() == 2 and excerpt.getframerate() == 16000
        assert excerpt.getnframes() / excerpt.getframerate() == pytest.approx(4.0, abs=0.01)
    missing = cut_clip(
        call(audio_path=str(tmp_path / "gone.wav")),
        title="t",
        start_turn=0,
        end_turn=0,
        clips_dir=tmp_path / "clips",
    )
    assert missing.audio_path is None and "missing" in missing.warnings[0]

import threading

import numpy as np
import pytest

from coach.backends.ports import Segment, Transcription, Word
from coach.speech.errors import NoSpeechError
from coach.speech.live import LiveTranscription
from tests.speech.helpers import tone

RATE = 16000


class PhraseTranscriber:
    """Names each call's audio p0, p1, ... and says how long it was."""

    def __init__(self, language="en"):
        self.lengths: list[float] = []
        self.threads: list[str] = []
        self.language = language

    def transcribe(self, audio, *, language=None, hotwords=()):
        if float(np.max(np.abs(audio))) < 0.002:
            raise NoSpeechError("no speech heard")
        seconds = len(audio) / RATE
        name = f"p{len(self.lengths)}"
        self.lengths.append(round(seconds, 2))
        self.threads.append(threading.current_thread().name)
        word = Word(start=0.1, end=seconds - 0.1, text=name)
        segment = Segment(start=0.1, end=seconds - 0.1, text=name, words=(word,))
        return Transcription(
            text=name, language=language or self.language, segments=(segment,), duration=seconds
        )


def speech_with_pauses(*spans):
    """Alternating tone / silence spans in seconds, starting with tone."""
    pieces = [
        tone(s) if i % 2 == 0 else np.zeros(int(s * RATE), np.float32) for i, s in enumerate(spans)
    ]
    return np.concatenate(pieces)


def feed(live, audio, step_s=0.1):
    step = int(step_s * RATE)
    for start in range(0, len(audio), step):
        live.feed(audio[start : start + step])
        live.wait()  # let the background phrase finish, as real time would


def test_phrases_before_a_pause_are_done_in_the_background():
    fake = PhraseTranscriber()
    live = LiveTranscription(fake, language="en")
    audio = speech_with_pauses(2.2, 0.4, 2.2, 0.4, 1.0)
    feed(live, audio)
    assert live.phrases_in_background == 2
    result = live.finish()
    assert result.text == "p0 p1 p2" and result.language == "en"
    assert fake.threads[:2] == ["live-stt_0", "live-stt_0"] and fake.threads[2] != "live-stt_0"
    assert fake.lengths[2] < 1.4  # only the last phrase was left at the end
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and 2.2 + 0.1 < starts[1] < 2.6 + 0.1  # cut inside the pause
    assert result.segments[1].words[0].start == pytest.approx(starts[1])
    assert result.duration == pytest.approx(len(audio) / RATE)


def test_short_phrases_and_short_pauses_are_not_cut():
    fake = PhraseTranscriber()
    live = LiveTranscription(fake, language="en", min_phrase_s=1.2, min_pause_s=0.25)
    # pauses: after 0.5 s of speech (phrase too short), 0.1 s (pause too short), then a real one
    feed(live, speech_with_pauses(0.5, 0.4, 0.8, 0.1, 0.5, 0.4, 1.0))
    assert live.phrases_in_background == 1
    assert live.finish().text == "p0 p1"
    assert 2.3 < live.transcriber.lengths[0] < 2.7


def test_chinese_is_joined_without_spaces_and_language_is_kept():
    fake = PhraseTranscriber(language="zh")
    live = LiveTranscription(fake)
    feed(live, speech_with_pauses(2.2, 0.5, 1.5))
    result = live.finish()
    assert result.text == "p0p1" and result.language == "zh" and live.language == "zh"


def test_silence_only_is_no_speech_and_trailing_silence_is_ignored():
    live = LiveTranscription(PhraseTranscriber(), language="en")
    feed(live, np.zeros(RATE * 2, np.float32))
    with pytest.raises(NoSpeechError):
        live.finish()
    live = LiveTranscription(PhraseTranscriber(), language="en")
    feed(live, speech_with_pauses(1.5, 1.0))
    assert live.finish().text == "p0"


def test_close_without_result():
    live = LiveTranscription(PhraseTranscriber(), language="en")
    live.feed(tone(0.5))
    live.close()

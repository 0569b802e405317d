import wave

import numpy as np
import pytest

from coach.backends.fake import FakeSynthesizer, FakeTranscriber
from coach.backends.ports import AudioChunk
from coach.services import speech
from coach.settings import Settings
from coach.speech.errors import (
    AudioTooLargeError,
    AudioTooLongError,
    NoSpeechError,
    SpeechError,
    UnsupportedLanguageError,
)
from tests.speech.helpers import encode, tone, write


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", tts_en="fake", tts_zh="fake")


def test_transcribe_file_decodes_and_hands_samples_to_the_transcriber(tmp_path, settings):
    path = write(tmp_path / "rep.ogg", tone(2.0, rate=48000), rate=48000, kind="ogg-opus")
    fake = FakeTranscriber(default="hello there")
    result = speech.transcribe_file(path, language="EN", settings=settings, transcriber=fake)
    assert result.text == "hello there" and result.language == "en"
    assert fake.calls == ["<samples>"] and abs(result.duration - 2.0) < 0.1
    assert result.as_dict().keys() == {"language", "text", "segments", "duration"}


def test_transcribe_bytes_and_samples(settings):
    fake = FakeTranscriber(default="你好", language="zh")
    assert (
        speech.transcribe_bytes(
            encode(tone(1.0), rate=16000), settings=settings, transcriber=fake
        ).text
        == "你好"
    )
    assert (
        speech.transcribe_samples(
            tone(1.0), language="zh", settings=settings, transcriber=fake
        ).language
        == "zh"
    )


def test_limits_come_from_the_settings(tmp_path):
    small = Settings(data_dir=tmp_path, max_upload_mb=1, max_audio_s=2)
    fake = FakeTranscriber(default="x")
    big = write(tmp_path / "big.wav", tone(40.0), rate=16000)  # 1.28 MB
    with pytest.raises(AudioTooLargeError):
        speech.transcribe_file(big, settings=small, transcriber=fake)
    long = write(tmp_path / "long.wav", tone(5.0), rate=16000)
    with pytest.raises(AudioTooLongError):
        speech.transcribe_file(long, settings=small, transcriber=fake)
    assert fake.calls == []


def test_silent_recording_is_no_speech_not_an_empty_turn(tmp_path, settings):
    silent = write(tmp_path / "silent.wav", np.zeros(32000, np.float32), rate=16000)
    fake = FakeTranscriber(default="should not be asked")
    with pytest.raises(NoSpeechError, match="no speech heard"):
        speech.transcribe_file(silent, settings=settings, transcriber=fake)
    assert fake.calls == []


def test_bad_language(settings, tmp_path):
    path = write(tmp_path / "a.wav", tone(1.0), rate=16000)
    with pytest.raises(UnsupportedLanguageError):
        speech.transcribe_file(
            path, language="de", settings=settings, transcriber=FakeTranscriber()
        )
    with pytest.raises(UnsupportedLanguageError, match="--language"):
        speech.speak("Hi.", language="", out=tmp_path / "x.wav", settings=settings)


def test_speak_writes_one_wav_with_every_sentence(tmp_path, settings):
    fake = FakeSynthesizer()
    out = tmp_path / "out" / "reply.wav"
    spoken = speech.speak(
        "First one. Second one!", language="en", out=out, settings=settings, synthesizer=fake
    )
    assert spoken.path == out and spoken.sentences == ("First one.", "Second one!")
    with wave.open(str(out)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert abs(wav.getnframes() / 16000 - spoken.duration) < 0.01
    assert fake.calls == [("First one. Second one!", "en", None)]


def test_speak_uses_the_configured_router(tmp_path, settings):
    spoken = speech.speak(
        "你好。我是陈总。",
        language="zh",
        out=tmp_path / "zh.wav",
        voice="zm_yunyang",
        settings=settings,
    )
    assert spoken.sentences == ("你好。", "我是陈总。")
    assert speech.get_synthesizer(settings) is speech.get_synthesizer(settings)


def test_stream_speech_yields_sentence_by_sentence(settings):
    chunks = speech.stream_speech("One. Two. Three.", language="en", speed=1.2, settings=settings)
    first = next(chunks)
    assert first.text == "One." and len(list(chunks)) == 2


def test_nothing_to_say(tmp_path, settings):
    with pytest.raises(SpeechError, match="empty"):
        speech.speak("   ", language="en", out=tmp_path / "x.wav", settings=settings)


def test_join_chunks_resamples_to_the_first_rate():
    a = AudioChunk(samples=np.ones(16000, np.float32) * 0.1, sample_rate=16000, text="a")
    b = AudioChunk(samples=np.ones(24000, np.float32) * 0.1, sample_rate=24000, text="b")
    joined = speech.join_chunks([a, b], gap_s=0.5)
    assert (
        joined.sample_rate == 16000 and abs(joined.duration - 2.5) < 0.01 and joined.text == "a b"
    )
    with pytest.raises(SpeechError):
        speech.join_chunks([])

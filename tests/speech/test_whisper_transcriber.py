"""The Whisper adapter's own logic, without loading the model."""

import numpy as np
import pytest

from coach.backends.ports import Transcriber
from coach.backends.whisper_transcriber import (
    FULL_FRAMES,
    WhisperTranscriber,
    compression_ratio,
    encoder_frames,
    looks_repetitive,
    resolve_model_path,
)
from coach.settings import Settings
from coach.speech.errors import NoSpeechError, SpeechModelError, UnsupportedLanguageError
from coach.speech.language import clean_chinese, normalise_language, to_simplified


def padded(content_frames):
    features = np.zeros((80, FULL_FRAMES), np.float32)
    features[:, :content_frames] = -0.5
    return features


@pytest.mark.parametrize(
    ("content", "expected"),
    [(0, 1000), (120, 1000), (700, 1000), (701, 1100), (1234, 1600), (2800, 3000), (3000, 3000)],
)
def test_encoder_sees_the_speech_plus_three_seconds_at_least_ten(content, expected):
    assert encoder_frames(padded(content)) == expected
    assert encoder_frames(padded(content)[None]) == expected


def test_loops_are_spotted():
    looped = "how long does it take each morning " * 3
    assert looks_repetitive("Hi Dana. " + looped, language="en")
    assert not looks_repetitive("No, no, no. I said no.", language="en")
    assert not looks_repetitive("It was the first great sorrow of his life.", language="en")
    assert looks_repetitive("我们可以我们可以我们可以", language="zh")
    assert not looks_repetitive("哈哈哈，好的好的。", language="zh")
    assert compression_ratio("la " * 50) > 2.4 > compression_ratio("And so my fellow Americans")


def test_languages():
    assert normalise_language(None) is None and normalise_language("auto") is None
    assert normalise_language("EN") == "en" and normalise_language("en-US") == "en"
    assert normalise_language("zh-CN") == "zh" and normalise_language("cmn") == "zh"
    with pytest.raises(UnsupportedLanguageError, match="en .*zh"):
        normalise_language("fr")


def test_chinese_comes_out_simplified_without_pause_spaces():
    assert to_simplified("廣州市房地產中介協會") == "广州市房地产中介协会"
    assert clean_chinese("廣州市 佛地產 中間協會分析") == "广州市佛地产中间协会分析"
    assert clean_chinese("我们用 CRM 系统") == "我们用 CRM 系统"
    assert to_simplified("") == ""


def test_silence_never_reaches_the_model():
    # A model path that does not exist: had it been loaded, the error would differ.
    transcriber = WhisperTranscriber("/no/such/model")
    with pytest.raises(NoSpeechError, match="no speech heard"):
        transcriber.transcribe(np.zeros(16000, np.float32), language="en")
    with pytest.raises(NoSpeechError):
        transcriber.transcribe(np.zeros(0, np.float32))


def test_unknown_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SpeechModelError, match="no model folder"):
        resolve_model_path(str(tmp_path / "nope" / "model"), tmp_path)
    with pytest.raises(SpeechModelError, match="model.bin"):
        resolve_model_path(str(tmp_path), tmp_path)
    assert resolve_model_path("tiny.en", tmp_path) == ("tiny.en", True)


def test_built_from_settings(tmp_path):
    settings = Settings(
        data_dir=tmp_path, stt_device="cpu", stt_compute_type="int8_float32", max_audio_s=30
    )
    transcriber = WhisperTranscriber.from_settings(settings, beam_size=5)
    assert isinstance(transcriber, Transcriber)
    assert (transcriber.model, transcriber.compute_type, transcriber.beam_size) == (
        "base",
        "int8_float32",
        5,
    )
    assert transcriber.max_seconds == 30 and transcriber.data_dir == tmp_path


def seg(text, words):
    from types import SimpleNamespace

    return SimpleNamespace(
        text=text,
        words=[SimpleNamespace(word=w, start=s, end=e, probability=p) for w, s, e, p in words],
    )


def test_made_up_segments_are_dropped():
    from coach.backends.whisper_transcriber import is_hallucination

    heard = seg("广州市", [("广", 0.1, 0.6, 0.7), ("州", 0.6, 0.8, 0.98), ("市", 0.8, 1.0, 0.9)])
    squeezed = seg(
        "房地产", [("房", 4.25, 4.25, 0.99), ("地", 4.25, 4.25, 0.99), ("产", 4.25, 4.25, 0.99)]
    )
    unsure = seg("中介", [("中", 3.7, 3.9, 0.01), ("介", 3.9, 4.1, 0.08)])
    looping = seg("la la la la la la la la la la la la", [])
    assert not is_hallucination(heard, "zh")
    assert is_hallucination(squeezed, "zh") and is_hallucination(unsure, "zh")
    assert is_hallucination(looping, "en") and not is_hallucination(seg("Yes.", []), "en")


def test_hotwords_are_cut_to_whole_terms_within_the_token_budget():
    from coach.backends.whisper_transcriber import fit_hotwords

    def count(text):  # one token a character, as a stand-in for the tokenizer
        return len(text)

    terms = ["FleetFlow", "lane pipeline", "a very long term that cannot fit", "RFQ", "FleetFlow"]
    assert fit_hotwords(terms, count, budget=30) == "FleetFlow lane pipeline RFQ"
    assert fit_hotwords(terms, count, budget=5) == "RFQ"
    assert fit_hotwords(terms, count, budget=3) is None
    assert fit_hotwords(["  ", ""], count) is None
    assert len(fit_hotwords(["青岚植发周立衡副主任医师"] * 3 + ["不剃发FUE"] * 20, count, budget=20)) <= 20


class FakeTokenizer:
    def encode(self, text, add_special_tokens=False):
        from types import SimpleNamespace

        return SimpleNamespace(ids=list(text))


class OverflowingModel:
    """Fails as CTranslate2 does when hotwords and earlier text fill the 448 positions."""

    hf_tokenizer = FakeTokenizer()
    fast_context = False

    def __init__(self):
        self.hotwords = []

    def transcribe(self, samples, *, language, hotwords=None, **options):
        self.hotwords.append(hotwords)
        if hotwords:
            raise ValueError("The maximum decoding length must be > 0")
        segment = seg("您好", [("您", 0.1, 0.3, 0.9), ("好", 0.3, 0.5, 0.9)])
        segment.start, segment.end = 0.1, 0.5
        segment.compression_ratio, segment.avg_logprob = 1.0, -0.2
        return iter([segment]), None


def test_hotwords_that_leave_whisper_no_room_are_capped_then_dropped(monkeypatch):
    import threading

    from coach.backends import whisper_transcriber as adapter

    model = OverflowingModel()
    loaded = adapter._Loaded(model=model, lock=threading.Lock(), warmed=True)
    monkeypatch.setattr(adapter, "load_model", lambda *a, **k: loaded)
    transcriber = WhisperTranscriber(fast_context=False)
    speech = (0.3 * np.sin(np.arange(16000) / 5)).astype(np.float32)
    terms = [f"青岚植发第{i}个很长很长很长的专业术语" for i in range(12)]
    result = transcriber.transcribe(speech, language="zh", hotwords=terms)
    assert result.text == "您好" and transcriber.last_hotwords_dropped
    capped, dropped = model.hotwords
    assert capped and len(" " + capped) <= adapter.HOTWORD_TOKENS and dropped is None
    assert capped.split(" ") == terms[: len(capped.split(" "))]  # whole terms, first ones first


class UnsureModel(OverflowingModel):
    """Every pass comes back very unsure: the adapter would redo it the standard way."""

    def transcribe(self, samples, *, language, hotwords=None, **options):
        self.hotwords.append(hotwords)
        segment = seg("您好", [("您", 0.1, 0.3, 0.9), ("好", 0.3, 0.5, 0.9)])
        segment.start, segment.end = 0.1, 0.5
        segment.compression_ratio, segment.avg_logprob = 1.0, -1.5
        return iter([segment]), None


def test_a_second_pass_can_refuse_to_redo_a_suspect_result(monkeypatch):
    import threading

    from coach.backends import whisper_transcriber as adapter

    model = UnsureModel()
    loaded = adapter._Loaded(model=model, lock=threading.Lock(), warmed=True)
    monkeypatch.setattr(adapter, "load_model", lambda *a, **k: loaded)
    transcriber = WhisperTranscriber()
    speech = (0.3 * np.sin(np.arange(16000) / 5)).astype(np.float32)
    assert transcriber.transcribe(speech, language="zh").text == "您好"
    assert len(model.hotwords) == 2 and transcriber.last_fallback  # redone the standard way
    with pytest.raises(NoSpeechError, match="looked wrong"):
        transcriber.transcribe(speech, language="zh", retry_suspect=False)
    assert len(model.hotwords) == 3  # one quick pass, not redone

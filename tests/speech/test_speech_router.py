from types import SimpleNamespace

import pytest

from coach.backends.fake import FakeSynthesizer
from coach.backends.ports import Synthesizer
from coach.backends.speech_router import SpeechRouter, build_router
from coach.speech.errors import UnsupportedLanguageError


class Recorder(FakeSynthesizer):
    """A fake that also takes a speed, like the real engines."""

    def synthesize(self, text, *, language, voice=None, speed=None):
        self.speeds = [*getattr(self, "speeds", []), speed]
        yield from super().synthesize(text, language=language, voice=voice)


@pytest.fixture
def router():
    made = []

    def factory(name):
        def make():
            made.append(name)
            return Recorder()

        return make

    r = SpeechRouter(
        {"piper": factory("piper"), "kokoro": factory("kokoro"), "fake": FakeSynthesizer}
    )
    r.made = made
    return r


def test_picks_the_engine_by_language_and_creates_it_lazily(router):
    assert router.made == []
    chunks = list(router.synthesize("Hello there. How are you?", language="en"))
    assert [c.text for c in chunks] == ["Hello there.", "How are you?"]
    assert router.made == ["piper"]
    list(router.synthesize("你好。", language="zh"))
    assert router.made == ["piper", "kokoro"]
    assert router.engine("kokoro").calls == [("你好。", "zh", None)]
    assert isinstance(router, Synthesizer)


def test_persona_voice_engine_voice_and_speed(router):
    voice = SimpleNamespace(engine="kokoro", voice="zm_yunyang", speed=1.1)
    list(router.speak_as("价格太贵了。", language="zh", persona_voice=voice))
    kokoro = router.engine("kokoro")
    assert kokoro.calls[-1] == ("价格太贵了。", "zh", "zm_yunyang") and kokoro.speeds == [1.1]


def test_persona_engine_that_cannot_speak_the_language_falls_back(router, caplog):
    voice = SimpleNamespace(engine="piper", voice="joe", speed=1.0)
    list(router.speak_as("你好。", language="zh", persona_voice=voice))
    assert router.engine("kokoro").calls[-1] == ("你好。", "zh", None)
    unknown = SimpleNamespace(engine="coqui", voice="x", speed=0.9)
    list(router.speak_as("Hi.", language="en", persona_voice=unknown))
    assert router.engine("piper").calls[-1] == ("Hi.", "en", None)
    assert "cannot speak" in caplog.text


def test_engine_prefix_in_the_voice(router):
    list(router.synthesize("Hi.", language="en", voice="fake:any"))
    assert router.made == []  # the fake engine spoke
    assert router.choose(language="en-US") == "piper"


def test_unknown_language_and_engine(router):
    with pytest.raises(UnsupportedLanguageError, match="en .*zh"):
        list(router.synthesize("Bonjour.", language="fr"))
    with pytest.raises(UnsupportedLanguageError, match="COACH_TTS_EN"):
        SpeechRouter({"fake": FakeSynthesizer}, defaults={"en": "nope"})


def test_built_router_follows_the_settings(tmp_path):
    r = build_router(data_dir=tmp_path, tts_en="fake", tts_zh="fake")
    chunks = list(r.synthesize("One. Two.", language="en", speed=1.2))
    assert [c.text for c in chunks] == ["One.", "Two."]
    r.warm_up(("en", "zh"))


def test_kokoro_cuts_a_long_first_sentence_after_its_first_clause():
    from coach.backends.kokoro_synthesizer import KokoroSynthesizer

    kokoro = KokoroSynthesizer()
    assert kokoro.pieces("我们现在用的是表格，挺麻烦的。不过换系统也不容易。") == [
        "我们现在用的是表格，",
        "挺麻烦的。",
        "不过换系统也不容易。",
    ]
    assert kokoro.pieces("好的，行。") == ["好的，行。"]  # too short to be worth a cut
    assert kokoro.pieces("价格太贵了。能便宜吗？") == ["价格太贵了。", "能便宜吗？"]
    assert KokoroSynthesizer(clause_first=False).pieces("我们现在用的是表格，挺麻烦的。") == [
        "我们现在用的是表格，挺麻烦的。"
    ]
    assert kokoro.pieces("") == []


def test_kokoro_voice_names_map_to_the_shipped_styles():
    from coach.backends.kokoro_synthesizer import resolve_voice
    from coach.speech.errors import UnsupportedVoiceError

    shipped = {"jf_nezumi": 1, "jm_kumo": 2, "jf_alpha": 3}
    assert resolve_voice(None, shipped) == "jf_nezumi"
    assert resolve_voice("zm_yunyang", shipped) == "jm_kumo"
    assert resolve_voice("zf_xiaoxiao", shipped) == "jf_nezumi"
    assert resolve_voice("jf_alpha", shipped) == "jf_alpha"
    with pytest.raises(UnsupportedVoiceError, match="zf_xiaoxiao"):
        resolve_voice("nobody", shipped)


def test_piper_refuses_other_languages_and_unknown_voices():
    from coach.backends.piper_synthesizer import PiperSynthesizer
    from coach.speech.errors import UnsupportedVoiceError

    with pytest.raises(UnsupportedLanguageError, match="English only"):
        list(PiperSynthesizer().synthesize("你好。", language="zh"))
    with pytest.raises(UnsupportedVoiceError, match="joe"):
        list(PiperSynthesizer(voice="nobody").synthesize("Hi.", language="en"))


def test_spoken_lines_are_cached_and_prefetched(router):
    first = list(router.synthesize("Hello there.", language="en"))
    again = list(router.synthesize("Hello there.", language="en"))
    piper = router.engine("piper")
    assert len(piper.calls) == 1 and again == first
    list(router.synthesize("Hello there.", language="en", speed=1.2))  # another speed: new audio
    assert len(piper.calls) == 2
    chunks = router.synthesize("Not finished. Two.", language="en")
    next(chunks)  # a reply cut short is not cached
    list(router.synthesize("Not finished. Two.", language="en"))
    assert len(piper.calls) == 4

    voice = SimpleNamespace(engine="kokoro", voice="zm_yunyang", speed=1.1)
    router.prefetch(["别绕，直接说。", "行。"], language="zh", persona_voice=voice)
    router.wait_for_prefetch()
    kokoro = router.engine("kokoro")
    assert len(kokoro.calls) == 2
    list(router.speak_as("行。", language="zh", persona_voice=voice))
    assert len(kokoro.calls) == 2


def test_cache_is_bounded_and_can_be_off():
    small = SpeechRouter({"piper": Recorder, "kokoro": Recorder}, cache_size=1)
    list(small.synthesize("One.", language="en"))
    list(small.synthesize("Two.", language="en"))
    list(small.synthesize("One.", language="en"))
    assert len(small.engine("piper").calls) == 3
    off = SpeechRouter({"piper": Recorder, "kokoro": Recorder}, cache_size=0)
    list(off.synthesize("One.", language="en"))
    list(off.synthesize("One.", language="en"))
    off.prefetch(["One."], language="en")
    assert len(off.engine("piper").calls) == 2

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

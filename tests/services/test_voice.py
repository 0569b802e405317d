"""The voice call without a transport: PCM in, events out, with fake speech engines.

The rep's "speech" is tone bursts: the test transcriber hears one word per burst, named by
its pitch, so the text is the same however the call cuts the turn into parts.
"""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import numpy as np
import pytest

from coach.backends.fake import FakeEmbedder, FakeSynthesizer
from coach.backends.ports import Segment, Transcription
from coach.backends.speech_router import SpeechRouter
from coach.errors import PermissionDenied
from coach.services.practice import PracticeService, SessionEndedError, TurnResult, VoiceProfile
from coach.services.voice import (
    CustomerAudio,
    Endpointing,
    EnergyDetector,
    VoiceCall,
    classify_ending,
    prefetch_order,
    speech_pieces,
)
from coach.settings import Settings
from coach.speech.errors import NoSpeechError, SpeechError

RATE = 16000
WORDS = {300: "is", 400: "this", 500: "a", 600: "good", 700: "time?", 800: "hello", 900: "and"}
REVISED = {"hello": "Hello"}


def burst(freq: int, seconds: float = 0.4) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def speech(*freqs: int, gap: float = 0.08) -> np.ndarray:
    pieces = []
    for freq in freqs:
        pieces += [burst(freq), silence(gap)]
    return np.concatenate(pieces)


def pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


WORD_GAP_FRAMES = 6
"""Quiet 10 ms frames that part two words: a shorter quiet stretch lies inside one word.

The words of ``speech`` are 80 ms apart; a microphone dropout inside a word (the browser's
capture, starved of CPU, fills its missed blocks with zeros) is not a second word, to a real
recogniser or to this one."""


class PitchTranscriber:
    """One word per loud run, named by its pitch; beam 5 capitalises (the "better" pass).

    A run is loud 10 ms frames with fewer than ``WORD_GAP_FRAMES`` quiet frames inside it.
    """

    def __init__(self, *, fail: bool = False):
        self.fail = fail
        self.calls: list[int | None] = []

    def transcribe(self, audio, *, language=None, hotwords=(), beam_size=None):
        self.calls.append(beam_size)
        if self.fail:
            raise RuntimeError("the model crashed")
        samples = np.asarray(audio, dtype=np.float32)
        frame = 160
        n = samples.size // frame
        loud = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame) ** 2, axis=1)) > 0.05
        words, index = [], 0
        while index < n:
            if not loud[index]:
                index += 1
                continue
            end = index
            while end < n and loud[end : end + WORD_GAP_FRAMES].any():
                end += 1
            while not loud[end - 1]:
                end -= 1
            run = samples[index * frame : end * frame]
            if run.size >= 800:
                spectrum = np.abs(np.fft.rfft(run))
                freq = float(np.fft.rfftfreq(run.size, 1 / RATE)[int(np.argmax(spectrum))])
                word = WORDS[min(WORDS, key=lambda f: abs(f - freq))]
                words.append(REVISED.get(word, word) if beam_size == 5 else word)
            index = end
        if not words:
            raise NoSpeechError("no speech heard")
        text = " ".join(words)
        duration = samples.size / RATE
        return Transcription(
            text=text,
            language=language or "en",
            segments=(Segment(start=0.0, end=duration, text=text),),
            duration=duration,
        )


class BrokenSynthesizer:
    def speak_as(self, text, *, language, persona_voice):
        raise SpeechError("the voice model is missing")

    def prefetch(self, texts, *, language, persona_voice=None):
        pass


class StubPractice:
    """The practice service's voice surface, in memory."""

    def __init__(self, *, owner="rep", reply="Sure, go ahead.", ended=False, likely=()):
        self.owner = owner
        self.reply = reply
        self.status = "ended" if ended else "active"
        self.likely = list(likely)
        self.turns: list[dict] = []
        self.revised: dict[int, str] = {}
        self.ended_by: str | None = None

    def _check(self, actor):
        if actor != self.owner:
            raise PermissionDenied("this practice session is not yours")

    def voice_profile(self, session_id, *, actor):
        self._check(actor)
        return VoiceProfile(
            language="en",
            persona_voice=None,
            likely_replies=self.likely,
            hotwords=["FleetFlow"],
            opening="Hello, Dana speaking.",
            status=self.status,
        )

    def take_turn(
        self,
        session_id,
        *,
        actor,
        text=None,
        audio_path_to_keep=None,
        start=None,
        end=None,
        meta=None,
        audio=None,
    ):
        self._check(actor)
        if self.status != "active":
            raise SessionEndedError("the session has ended")
        self.turns.append(
            {"text": text, "audio": audio_path_to_keep, "start": start, "end": end, "meta": meta}
        )
        return TurnResult(
            session_id=session_id,
            rep_text=text,
            customer=self.reply,
            turn_index=2 * len(self.turns) - 1,
        )

    def revise_rep_turn(self, session_id, *, actor, turn_index, text, meta=None):
        self._check(actor)
        self.revised[turn_index] = text

    def end(self, session_id, *, actor, ended_by="rep"):
        self._check(actor)
        self.status = "ended"
        self.ended_by = ended_by
        return {"score": 50.0}


def fake_router():
    return SpeechRouter({"fake": FakeSynthesizer}, defaults={"en": "fake", "zh": "fake"})


def make_call(practice, tmp_path, **kw):
    options = {
        "actor": "rep",
        "settings": Settings(data_dir=tmp_path / "data", max_audio_s=kw.pop("max_audio_s", 600)),
        "transcriber": kw.pop("transcriber", None) or PitchTranscriber(),
        "synthesizer": kw.pop("synthesizer", None) or fake_router(),
        "detector": EnergyDetector(),
        "greet": kw.pop("greet", False),
    }
    options.update(kw)
    return VoiceCall(practice, "s1", **options)


async def converse(call, *chunks, step_s=0.032):
    """Start the call, feed the audio in 32 ms frames, wait for the replies, close."""
    events: list = []

    async def collect():
        async for event in call.events():
            events.append(event)

    collector = asyncio.ensure_future(collect())
    await call.start()
    for chunk in chunks:
        if isinstance(chunk, dict):
            await call.control(chunk)
            continue
        step = int(step_s * RATE)
        for start in range(0, len(chunk), step):
            await call.feed(pcm(chunk[start : start + step]))
    await call.idle()
    for future in call.revisions:
        await asyncio.wrap_future(future)
    await asyncio.sleep(0)  # let a revision's event reach the queue
    await call.close()
    await collector
    return events


def service_call(service, session_id, runtime, **kw):
    """A voice call on the real practice service, with the fake recogniser, voice and detector."""
    options = {
        "actor": "rep",
        "settings": runtime.settings,
        "transcriber": PitchTranscriber(),
        "synthesizer": fake_router(),
        "detector": EnergyDetector(),
    }
    options.update(kw)
    return VoiceCall(service, session_id, **options)


def of(events, kind):
    return [e for e in events if isinstance(e, dict) and e["type"] == kind]


def run(coro):
    return asyncio.run(coro)


def test_one_practice_turn_per_rep_turn_with_the_reply_spoken(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path)
    events = run(
        converse(
            call,
            silence(0.5),
            speech(800, 900),
            silence(0.2),
            speech(300, 400, 500, 600, 700),
            silence(1.5),
            speech(800),
            silence(1.5),
        )
    )
    assert [t["text"] for t in practice.turns] == ["hello and is this a good time?", "hello"]
    assert [e["text"] for e in of(events, "heard")] == [t["text"] for t in practice.turns]
    assert [e["turn"] for e in of(events, "heard")] == [1, 3]
    assert [e["text"] for e in of(events, "customer")] == ["Sure, go ahead.", "Sure, go ahead."]
    audio = [e for e in events if isinstance(e, CustomerAudio)]
    assert {a.reply for a in audio} == {1, 2} and all(a.sample_rate == 16000 for a in audio)
    assert len(audio[0].pcm16()) == 2 * audio[0].samples.size
    assert [e["turn"] for e in of(events, "reply_done")] == [1, 3]
    states = [e["state"] for e in of(events, "state")]
    assert states[:4] == ["listening", "hearing", "thinking", "listening"]
    first = practice.turns[0]
    assert first["start"] == pytest.approx(0.5 - 0.3, abs=0.07)  # with the pre-roll
    assert first["end"] == pytest.approx(0.5 + 0.96 + 0.2 + 2.4 - 0.08, abs=0.07)
    assert first["meta"]["source"] == "voice" and first["meta"]["heard_fast"] == first["text"]
    assert not of(events, "error")


def test_each_turns_audio_is_kept_as_a_16k_wav_under_the_data_dir(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path)
    turn = speech(800, 900)
    run(converse(call, silence(0.5), turn, silence(1.5)))
    path = Path(practice.turns[0]["audio"])
    assert path.parent == tmp_path / "data" / "audio" / "s1" and path.suffix == ".wav"
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        seconds = wav.getnframes() / 16000
    assert len(turn) / RATE <= seconds <= len(turn) / RATE + 1.5


def test_the_slower_pass_revises_the_stored_text_after_the_reply(tmp_path):
    practice = StubPractice()
    transcriber = PitchTranscriber()
    call = make_call(practice, tmp_path, transcriber=transcriber)
    events = run(converse(call, silence(0.3), speech(800, 900), silence(1.5)))
    assert practice.turns[0]["text"] == "hello and"
    assert practice.revised == {1: "Hello and"}
    assert of(events, "revised") == [{"type": "revised", "text": "Hello and", "turn": 1}]
    assert transcriber.calls[-1] == 5 and transcriber.calls.count(5) == 1
    order = [e["type"] for e in events if isinstance(e, dict)]
    assert order.index("reply_done") < order.index("revised")


def test_a_question_ends_the_turn_sooner_than_a_half_sentence(tmp_path):
    async def decided_pause(freqs):
        practice = StubPractice()
        call = make_call(practice, tmp_path)
        collector = asyncio.ensure_future(_drain(call))
        await call.start()
        await call.feed(pcm(np.concatenate([silence(0.3), speech(*freqs), silence(0.26)])))
        for part in call._turn.finished():  # let the recogniser catch up, as real time would
            await asyncio.wrap_future(part.future)
        for _ in range(60):
            await call.feed(pcm(silence(0.032)))
        await call.idle()
        await call.close()
        await collector
        return call.marks[0]["decided_pause_s"]

    question = run(decided_pause([300, 400, 500, 600, 700]))  # "is this a good time?"
    half = run(decided_pause([800, 900]))  # "hello and"
    ending = Endpointing()
    assert question == pytest.approx(ending.question["en"], abs=0.04)
    assert half == pytest.approx(ending.open["en"], abs=0.04)


class LengthTranscriber(PitchTranscriber):
    """Also notes how much audio each call was given."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def transcribe(self, audio, *, language=None, hotwords=(), beam_size=None):
        self.seconds.append(round(np.asarray(audio).size / RATE, 2))
        return super().transcribe(audio, language=language, hotwords=hotwords, beam_size=beam_size)


def test_each_pause_hears_the_turn_so_far_and_the_last_job_covers_it_all(tmp_path):
    practice = StubPractice()
    stt = LengthTranscriber()
    call = make_call(practice, tmp_path, transcriber=stt, revise=False)
    # "hello" and "and" with a 0.25 s pause between: a job at the pause, then one at the end.
    turn = np.concatenate([speech(800), silence(0.25), speech(900)])
    run(converse(call, silence(0.5), turn, silence(1.5)))
    assert practice.turns[0]["text"] == "hello and"  # each word once
    assert practice.turns[0]["meta"]["parts"] == 1 and practice.turns[0]["meta"]["jobs"] >= 2
    assert stt.seconds[-1] >= 0.3 + turn.size / RATE - 0.1  # the whole turn, pre-roll included


def test_the_test_recogniser_parts_words_80_ms_apart_however_the_frames_fall():
    stt = PitchTranscriber()
    for lead in range(0, 160, 8):
        audio = np.concatenate([np.zeros(lead, dtype=np.float32), speech(800, 800, 900)])
        assert stt.transcribe(audio).text == "hello hello and"


@pytest.mark.parametrize("dropout_s", [0.01, 0.03, 0.05])
def test_a_microphone_dropout_inside_a_word_is_not_heard_as_a_second_word(tmp_path, dropout_s):
    # The browser test's audio, with the zeros a starved capture puts inside "hello": heard
    # as "hello hello and" once, by the one pass over the whole turn.
    practice = StubPractice()
    call = make_call(practice, tmp_path, revise=False)
    hello = burst(800)
    turn = np.concatenate(
        [hello[:3200], silence(dropout_s), hello[3200:], silence(0.08), speech(900)]
    )
    run(converse(call, silence(2.0), turn, silence(4.0)))
    assert [t["text"] for t in practice.turns] == ["hello and"]


class PromptedTranscriber(LengthTranscriber):
    """Also notes the prompt (the text before the stretch) of each call."""

    def __init__(self):
        super().__init__()
        self.prompts: list[str | None] = []

    def transcribe(self, audio, *, language=None, hotwords=(), beam_size=None, initial_prompt=None):
        self.prompts.append(initial_prompt)
        return super().transcribe(audio, language=language, hotwords=hotwords, beam_size=beam_size)


def test_a_long_stretch_is_kept_and_the_next_job_starts_after_it(tmp_path):
    practice = StubPractice()
    stt = PromptedTranscriber()
    ending = Endpointing(commit_s={"en": 0.5, "zh": 0.5})
    call = make_call(practice, tmp_path, transcriber=stt, endpointing=ending, revise=False)
    turn = np.concatenate([speech(800), silence(0.25), speech(900), silence(0.25), speech(600)])
    run(converse(call, silence(0.5), turn, silence(1.5)))
    assert practice.turns[0]["text"] == "hello and good"
    assert practice.turns[0]["meta"]["parts"] == 3
    assert max(stt.seconds) < turn.size / RATE  # no job heard the whole turn again
    assert stt.prompts[-1] == "hello and"  # the committed words lead into the last stretch


def test_the_second_pass_waits_while_the_rep_is_speaking(tmp_path):
    practice = StubPractice()
    stt = PitchTranscriber()
    call = make_call(practice, tmp_path, transcriber=stt)

    async def scenario():
        collector = asyncio.ensure_future(_drain(call))
        await call.start()
        call._turn = object()  # the rep has started the next turn
        call._revise(speech(800), "hello", 1)
        await asyncio.sleep(0.3)
        waited = 5 not in stt.calls
        call._turn = None
        await asyncio.wrap_future(call.revisions[0])
        await call.close()
        await collector
        return waited

    assert run(scenario()) is True
    assert stt.calls == [5] and practice.revised == {1: "Hello"}


async def _drain(call):
    async for _ in call.events():
        pass


def test_silence_alone_makes_no_turn_and_a_noise_the_recogniser_rejects_says_no_speech(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path)
    events = run(converse(call, silence(3.0)))
    assert practice.turns == [] and not of(events, "error")
    noise = np.random.default_rng(0).uniform(-0.02, 0.02, int(0.5 * RATE)).astype(np.float32)
    call = make_call(practice, tmp_path)
    events = run(converse(call, silence(0.3), noise, silence(1.5)))
    assert practice.turns == []
    assert [e["code"] for e in of(events, "error")] == ["no_speech"]


def test_push_to_talk_counts_only_what_is_said_while_held(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, hands_free=False)
    events = run(
        converse(
            call,
            speech(300),  # not held: ignored
            {"type": "ptt", "down": True},
            speech(800, 900),
            silence(2.0),  # a long pause does not end a held turn
            speech(600),
            {"type": "ptt", "down": False},
            {"type": "ptt", "down": True},
            silence(0.5),
            {"type": "ptt", "down": False},
        )
    )
    assert [t["text"] for t in practice.turns] == ["hello and good"]
    assert [e["code"] for e in of(events, "error")] == ["no_speech"]


def test_a_turn_longer_than_the_limit_is_refused_and_listening_goes_on(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, max_audio_s=2)
    long_turn = speech(*([800, 900] * 4))  # 3.8 s without a long pause
    events = run(converse(call, silence(0.3), long_turn, silence(1.5), speech(800), silence(1.5)))
    assert [e["code"] for e in of(events, "error")] == ["too_long"]
    assert "2 s" in of(events, "error")[0]["message"]
    assert [t["text"] for t in practice.turns] == ["hello"]


def test_a_failing_recogniser_says_stt_failed_and_stores_nothing(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, transcriber=PitchTranscriber(fail=True))
    events = run(converse(call, silence(0.3), speech(800, 900), silence(1.5)))
    assert [e["code"] for e in of(events, "error")] == ["stt_failed"]
    assert practice.turns == []


def test_a_failing_voice_says_tts_failed_and_the_text_turn_is_kept(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, synthesizer=BrokenSynthesizer())
    events = run(converse(call, silence(0.3), speech(800, 900), silence(1.5)))
    assert [e["code"] for e in of(events, "error")] == ["tts_failed"]
    assert [t["text"] for t in practice.turns] == ["hello and"]
    assert [e["text"] for e in of(events, "customer")] == ["Sure, go ahead."]
    assert of(events, "reply_done")[0]["turn"] == 1


def test_the_opening_is_spoken_and_likely_replies_are_prefetched_in_pieces(tmp_path):
    practice = StubPractice(
        likely=["Go on, I have a few minutes.", "We already use a spreadsheet."]
    )
    router = fake_router()
    call = make_call(practice, tmp_path, synthesizer=router, greet=True)
    events = run(converse(call, silence(0.5)))
    router.wait_for_prefetch()
    opening = of(events, "customer")[0]
    assert opening == {"type": "customer", "text": "Hello, Dana speaking.", "opening": True}
    assert any(isinstance(e, CustomerAudio) for e in events)
    made = [text for text, _, _ in router.engine("fake").calls]
    assert "Go on, I have a few minutes." in made and "We already use a spreadsheet." in made


def test_the_end_message_scores_the_call_and_an_ended_session_is_refused(tmp_path):
    practice = StubPractice()
    events = run(converse(make_call(practice, tmp_path), {"type": "end"}))
    assert practice.ended_by == "rep"
    assert of(events, "ended") == [{"type": "ended", "ended_by": "rep", "score": 50.0}]
    events = run(converse(make_call(practice, tmp_path)))
    assert of(events, "ready")[0]["status"] == "ended" and of(events, "ended")


def test_someone_elses_session_is_refused_at_the_start(tmp_path):
    call = make_call(StubPractice(owner="someone-else"), tmp_path)
    with pytest.raises(PermissionDenied):
        run(call.start())


def test_naive_wiring_waits_a_fixed_pause_and_sends_the_reply_whole(tmp_path):
    practice = StubPractice(reply="Sure. Go ahead. I am listening.")
    call = make_call(practice, tmp_path, wiring="naive")
    events = run(converse(call, silence(0.3), speech(300, 400, 500, 600, 700), silence(1.5)))
    assert [t["text"] for t in practice.turns] == ["is this a good time?"]
    assert call.marks[0]["decided_pause_s"] >= 0.8
    audio = [e for e in events if isinstance(e, CustomerAudio)]
    assert len(audio) == 1 and audio[0].text == "Sure. Go ahead. I am listening."


@pytest.mark.parametrize(
    ("text", "language", "ending"),
    [
        ("Is this a good time to talk?", "en", "question"),
        ("Hi, this is Alex from FleetFlow.", "en", "complete"),
        ("I understand the price is a concern, but", "en", "open"),
        ("We help teams like yours and", "en", "open"),
        ("so we", "en", "open"),
        ("请问现在方便说话吗", "zh", "question"),
        ("您的头发是从什么时候开始掉的,主要是哪个位置。", "zh", "question"),  # Whisper's 。
        ("我是新航道的王老师。", "zh", "complete"),
        ("我理解价格是个问题不过我们可以先安排一节试听课", "zh", "complete"),
        ("因为我们的课程", "zh", "complete"),
        ("我们的课程是小班教学，", "zh", "open"),
        ("然后", "zh", "open"),
    ],
)
def test_how_the_words_end(text, language, ending):
    assert classify_ending(text, language) == ending


def test_a_long_first_sentence_is_cut_at_a_comma_so_the_voice_starts_sooner():
    assert speech_pieces("嗯，可是我还不确定，就是想先了解一下。我们聊聊。", "zh") == [
        "嗯，可是我还不确定，",  # "嗯，" alone is too short a first piece
        "就是想先了解一下。",
        "我们聊聊。",
    ]
    assert speech_pieces("十二块一个单位？人家那边八块。", "zh") == [
        "十二块一个单位？",  # short enough to say whole
        "人家那边八块。",
    ]
    assert speech_pieces("Sure. Go ahead.", "en") == ["Sure.", "Go ahead."]
    long = "Account notes are half in McLeod and half in people's heads, and nobody knows which."
    assert speech_pieces(long, "en") == [
        "Account notes are half in McLeod and half in people's heads,",
        "and nobody knows which.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "执业许可证面诊的时候我要看到。",
        "另外一家跟我说发际线一口价一万五，单位不限？",
        "我不是来跟你聊天的，你就说。",
    ],
)
def test_a_mandarin_first_piece_is_a_few_words_at_most(sentence):
    head, *rest = speech_pieces(sentence, "zh")
    content = [c for c in head if "\u4e00" <= c <= "\u9fff"]
    assert 3 <= len(content) <= 10 and rest and head + "".join(rest) == sentence
    assert not head.endswith("的") and not rest[0].startswith("的")


def test_first_pieces_of_every_likely_line_are_made_before_the_rest(tmp_path):
    lines = [
        "我之前在养发馆被坑过一万多，你们跟那种有什么区别？",
        "嗯，可是我还不确定，就是想先了解一下。",
    ]
    practice = StubPractice(likely=lines)
    call = make_call(practice, tmp_path)
    call.language = "zh"

    async def queued():
        call._prefetch(practice.voice_profile("s1", actor="rep"))
        queue = list(call._prefetch_queue)
        call._closed = True  # stop before anything is made
        await call._prefetcher
        return queue

    queue = run(queued())
    firsts = [speech_pieces(line, "zh")[0] for line in lines]
    assert queue[:2] == firsts and set(queue[2:]) == {
        p for line in lines for p in speech_pieces(line, "zh")[1:]
    }


def test_prefetch_takes_first_pieces_first_and_a_greeting_s_answers_before_the_rep_speaks():
    likely = ["我之前在养发馆被坑过一万多，你们跟那种有什么区别？"]
    bank = {"pitch": ["哦……听起来还挺专业的，那具体是怎么弄的？"], "greeting": ["嗯，你好……"]}
    first, rest = speech_pieces(likely[0], "zh")
    pitch = speech_pieces(bank["pitch"][0], "zh")[0]
    hello = speech_pieces(bank["greeting"][0], "zh")[0]
    assert prefetch_order(likely, bank, "zh", opening=True) == [first, hello, pitch, rest]
    assert prefetch_order(likely, bank, "zh", opening=False) == [first, pitch, hello, rest]


# -- with the real practice service -----------------------------------------------------------


def test_voice_turns_are_stored_with_audio_and_revised_text(seeded_runtime, tmp_path):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    started = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    )
    call = VoiceCall(
        service,
        started.session_id,
        actor="rep",
        settings=seeded_runtime.settings,
        transcriber=PitchTranscriber(),
        synthesizer=fake_router(),
        detector=EnergyDetector(),
    )
    events = run(converse(call, silence(0.3), speech(800, 900), silence(1.5)))
    assert of(events, "customer")[0].get("opening") is True
    view = service.transcript(started.session_id, actor="rep")
    assert [t["speaker"] for t in view] == ["customer", "rep", "customer"]
    assert view[1]["text"] == "Hello and"  # the beam-5 pass replaced "hello and"
    heard = of(events, "heard")[0]
    assert heard["turn"] == 1 and of(events, "revised")[0]["turn"] == 1
    from coach.store.repositories import sessions

    with seeded_runtime.transaction() as s:
        row = sessions.get_session(session=s, session_id=started.session_id)
        rep = next(t for t in row.turns if t.index == 1)
        assert Path(rep.audio_path).is_file()
        assert rep.meta["heard_fast"] == "hello and"


def test_turn_times_count_from_the_start_of_the_call_across_reconnects(seeded_runtime, tmp_path):
    from datetime import UTC, datetime, timedelta

    from coach.store.repositories import sessions

    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    with seeded_runtime.transaction() as s:  # the call began two minutes ago
        sessions.get_session(session=s, session_id=session_id).started_at = datetime.now(
            UTC
        ) - timedelta(seconds=120)

    def connect():
        return service_call(service, session_id, seeded_runtime, greet=False, revise=False)

    run(converse(connect(), silence(0.5), speech(800, 900), silence(1.5)))
    run(converse(connect(), silence(0.5), speech(800, 900), silence(1.5)))  # reconnected
    rep = [t for t in service.transcript(session_id, actor="rep") if t["speaker"] == "rep"]
    assert len(rep) == 2
    for turn in rep:  # not 0.2 s, as when times counted from the connection
        assert turn["start"] == pytest.approx(120 + 0.2, abs=3)
        assert turn["end"] - turn["start"] == pytest.approx(0.3 + 0.96 - 0.08, abs=0.1)


def test_the_customers_whole_bank_is_prefetched_after_the_likely_lines(seeded_runtime, tmp_path):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    router = fake_router()
    call = service_call(service, session_id, seeded_runtime, synthesizer=router, greet=False)
    run(converse(call, silence(0.3)))
    assert call._bank["greeting"] and call._bank["objections"]
    assert not any("{" in line for lines in call._bank.values() for line in lines)  # filled in
    made = {text for text, _, _ in router.engine("fake").calls}
    greeting = speech_pieces(call._bank["greeting"][0], "en")[0]
    assert greeting in made  # an answer to the rep's first words, ready before they are said


async def _with_two_calls(first, second, body):
    """Start both calls, run ``body()``, close both; return what ``body`` returned."""
    drains = [asyncio.ensure_future(_drain(c)) for c in (first, second)]
    await first.start()
    await second.start()
    try:
        return await body()
    finally:
        await second.close()
        await first.close()
        for drain in drains:
            await drain


def test_background_work_waits_while_another_call_of_the_process_is_busy(tmp_path):
    """Prefetch and second passes yield to every call's live work, not only their own."""
    practice = StubPractice()
    stt = PitchTranscriber()
    busy = make_call(practice, tmp_path, revise=False)
    call = make_call(practice, tmp_path, transcriber=stt)

    async def body():
        busy._turn = object()  # the rep of the other call is talking
        call._revise(speech(800), "hello", 1)
        await asyncio.sleep(0.3)
        waited = 5 not in stt.calls
        busy._turn = None
        await asyncio.wrap_future(call.revisions[0])
        return waited

    assert run(_with_two_calls(busy, call, body)) is True
    assert stt.calls == [5] and practice.revised == {1: "Hello"}


def test_with_more_calls_than_cores_the_second_pass_is_shed(tmp_path, monkeypatch):
    from coach.services import voice_work

    monkeypatch.setattr(voice_work.CALLS, "cores", 1)
    practice = StubPractice()
    stt = PitchTranscriber()
    other = make_call(practice, tmp_path, revise=False)
    call = make_call(practice, tmp_path, transcriber=stt)

    async def body():
        crowded = voice_work.CALLS.count() == 2 and voice_work.CALLS.crowded()
        call._revise(speech(800), "hello", 1)
        return crowded

    assert run(_with_two_calls(other, call, body)) is True
    assert voice_work.CALLS.count() == 0
    assert call.revisions == [] and call.revisions_shed == 1 and stt.calls == []


def test_a_call_left_open_by_a_finished_event_loop_does_not_hold_back_the_next(tmp_path):
    from coach.services import voice_work

    practice = StubPractice()
    stale = make_call(practice, tmp_path, revise=False)

    async def abandon():
        await stale.start()
        stale._turn = object()  # talking, and never closed

    run(abandon())
    assert not stale.is_open() and voice_work.CALLS.quiet()

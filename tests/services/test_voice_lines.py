"""Rep lines with ids: each is stored once, however often the page sends it (reconnects)."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from coach.backends.fake import FakeEmbedder
from coach.services import voice as voice_module
from coach.services.practice import PracticeService
from coach.services.voice_lines import Lines, StoredReply, line_id, stored_replies
from tests.services.test_voice import (
    PitchTranscriber,
    StubPractice,
    _drain,
    converse,
    make_call,
    of,
    pcm,
    run,
    service_call,
    silence,
    speech,
)


def line(value: str) -> dict:
    return {"type": "line", "id": value}


def said(value: str) -> list:
    """The page naming a line, then saying it: "hello and", and a pause that ends the turn."""
    return [line(value), silence(0.3), speech(800, 900), silence(1.5)]


def test_the_same_line_sent_twice_is_stored_once_and_answered_the_same(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, revise=False)
    events = run(converse(call, *said("rep-line-1"), *said("rep-line-1")))
    assert len(practice.turns) == 1 and practice.turns[0]["meta"]["line"] == "rep-line-1"
    first, again = of(events, "heard")
    assert first == {"type": "heard", "text": "hello and", "turn": 1, "line": "rep-line-1"}
    assert again["replayed"] is True and (again["turn"], again["text"]) == (1, "hello and")
    answers = of(events, "customer")
    assert [a["text"] for a in answers] == ["Sure, go ahead.", "Sure, go ahead."]
    assert answers[0]["turn"] == answers[1]["turn"] == 2
    # The answer is spoken again (the rep never heard it), and listening goes on.
    assert [e["turn"] for e in of(events, "reply_done")] == [1, 1]
    assert of(events, "state")[-1]["state"] == "listening"
    assert call.replayed == 1 and len(call.marks) == 1  # no new turn was timed either


def test_a_new_line_id_is_a_new_turn(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, revise=False)
    events = run(
        converse(call, *said("a-1"), *said("a-2"), silence(0.3), speech(800), silence(1.5))
    )
    assert [t["meta"].get("line") for t in practice.turns] == ["a-1", "a-2", None]
    assert [e.get("line") for e in of(events, "heard")] == ["a-1", "a-2", None]
    assert not any(e.get("replayed") for e in of(events, "heard"))


def test_an_id_given_while_an_unnamed_turn_is_heard_names_that_turn(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, revise=False)
    run(converse(call, silence(0.3), speech(800), line("late-1"), speech(900), silence(1.5)))
    assert [t["meta"].get("line") for t in practice.turns] == ["late-1"]


def test_a_malformed_line_id_is_refused_and_the_turn_is_stored_without_one(tmp_path):
    practice = StubPractice()
    call = make_call(practice, tmp_path, revise=False)
    events = run(converse(call, line("../x y"), silence(0.3), speech(800), silence(1.5)))
    assert [e["code"] for e in of(events, "error")] == ["server_error"]
    assert [t["meta"].get("line") for t in practice.turns] == [None]
    assert (
        line_id("a" * 65) is None and line_id(7) is None and line_id("Ab-3_x.y:z") == "Ab-3_x.y:z"
    )


def test_a_line_that_failed_can_be_sent_again_and_is_stored_then(tmp_path):
    practice = StubPractice()
    broken = make_call(practice, tmp_path, transcriber=PitchTranscriber(fail=True), revise=False)
    events = run(converse(broken, *said("retry-1")))
    assert of(events, "error")[0]["code"] == "stt_failed"
    assert of(events, "error")[0]["line"] == "retry-1"  # the page keeps that line to send again
    call = make_call(practice, tmp_path, revise=False)
    events = run(converse(call, *said("retry-1")))
    assert [t["meta"]["line"] for t in practice.turns] == ["retry-1"]
    assert not of(events, "heard")[0].get("replayed")


class SlowPractice(StubPractice):
    """Storing a turn waits until the test lets it go (the old connection, mid-turn)."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.go_on = threading.Event()

    def take_turn(self, session_id, **kw):
        self.entered.set()
        self.go_on.wait()
        return super().take_turn(session_id, **kw)


def test_a_line_sent_again_while_the_old_connection_stores_it_waits_for_that_answer(tmp_path):
    practice = SlowPractice()
    old = make_call(practice, tmp_path, revise=False)
    new = make_call(practice, tmp_path, revise=False)

    async def scenario():
        drain = asyncio.ensure_future(_drain(old))
        events: list = []
        thinking = asyncio.Event()

        async def collect():
            async for event in new.events():
                events.append(event)
                if isinstance(event, dict) and event.get("state") == "thinking":
                    thinking.set()  # the new call has the line and waits for the old's answer

        collector = asyncio.ensure_future(collect())
        await old.start()
        await new.start()
        await old.control(line("inflight-1"))
        await old.feed(_pcm(silence(0.3), speech(800, 900), silence(1.5)))
        await asyncio.to_thread(practice.entered.wait)  # the old connection is storing it
        # The page lost that socket and sends the line again on a new one.
        await new.control(line("inflight-1"))
        await new.feed(_pcm(silence(0.3), speech(800, 900), silence(1.5)))
        await thinking.wait()
        practice.go_on.set()
        for call in (old, new):
            await call.idle()
            await call.close()
        await collector
        await drain
        return events

    events = run(scenario())
    assert len(practice.turns) == 1
    heard = of(events, "heard")
    assert len(heard) == 1 and heard[0]["replayed"] is True and heard[0]["turn"] == 1
    assert [e["text"] for e in of(events, "customer")] == ["Sure, go ahead."]


def _pcm(*chunks):
    return pcm(np.concatenate(chunks))


# -- with the real practice service: the ids are kept in the database ---------------------------


def _real_call(service, session_id, runtime):
    return service_call(service, session_id, runtime, greet=False, revise=False)


def test_a_line_sent_again_after_a_reconnect_is_not_stored_twice(seeded_runtime):
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    first = run(converse(_real_call(service, session_id, seeded_runtime), *said("p-1")))
    again = run(converse(_real_call(service, session_id, seeded_runtime), *said("p-1")))
    turns = service.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert of(again, "heard")[0]["replayed"] is True
    assert of(again, "customer")[0]["text"] == of(first, "customer")[0]["text"] == turns[2]["text"]
    assert of(again, "customer")[0]["turn"] == 2


def test_after_a_restart_the_stored_line_ids_still_hold(seeded_runtime, monkeypatch):
    """A new process: nothing in memory, the ids come back from the stored turns."""
    service = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    session_id = service.start(
        actor="rep", scenario_id="crm-logistics-discovery", mode="freeform", seed=1
    ).session_id
    first = run(converse(_real_call(service, session_id, seeded_runtime), *said("r-1")))
    monkeypatch.setattr(voice_module, "LINES", Lines())  # the process's memory, gone
    restarted = PracticeService(seeded_runtime, embedder=FakeEmbedder())
    again = run(converse(_real_call(restarted, session_id, seeded_runtime), *said("r-1")))
    turns = restarted.transcript(session_id, actor="rep")
    assert [t["speaker"] for t in turns] == ["customer", "rep", "customer"]
    assert of(again, "heard")[0]["replayed"] is True
    assert of(again, "customer")[0]["text"] == of(first, "customer")[0]["text"]
    view = restarted.view(session_id, actor="rep")
    assert stored_replies(view)["r-1"] == StoredReply(
        line="r-1",
        rep_turn=1,
        rep_text="hello and",
        customer=turns[2]["text"],
        customer_turn=2,
        hint=view.turns[1].meta.get("hint"),
        notice=view.turns[1].meta.get("notice"),
        marks=view.turns[1].meta.get("marks") or None,
    )


@pytest.mark.parametrize("size", [2])
def test_the_registry_forgets_finished_lines_beyond_its_size(size):
    lines = Lines(size=size)

    async def fill():
        for index in range(4):
            owner, future = lines.claim("s", f"l-{index}")
            assert owner
            lines.settle(
                "s", f"l-{index}", future, StoredReply(line=f"l-{index}", rep_turn=1, rep_text="x")
            )
        owner, _ = lines.claim("s", "l-3")  # still known: answered, not claimed again
        return owner

    assert run(fill()) is False
    assert len(lines) == size


def test_a_line_sent_again_after_its_second_pass_gets_the_revised_text(tmp_path, monkeypatch):
    practice = StubPractice()
    call = make_call(practice, tmp_path)  # with the second pass (beam 5: "Hello and")
    run(converse(call, *said("rev-1")))
    assert practice.revised == {1: "Hello and"}
    assert call._answered["rev-1"].rep_text == "Hello and"
    # The stub keeps no turns to read back: the next connection is given what was stored.
    monkeypatch.setattr(voice_module, "stored_replies", lambda view: dict(call._answered))
    events = run(converse(make_call(practice, tmp_path), *said("rev-1")))
    assert of(events, "heard")[0]["text"] == "Hello and" and len(practice.turns) == 1

"""Admission of voice calls: a fixed number of slots per process, given back on hang-up."""

from __future__ import annotations

import os
import threading

import pytest

from coach.errors import ConfigurationError
from coach.services.voice_work import Calls
from coach.settings import Settings, get_settings


def test_slots_are_taken_up_to_the_limit_and_given_back():
    calls = Calls(cores=2)
    assert calls.admit("a", 2) and calls.admit("b", 2)
    assert not calls.admit("c", 2) and calls.admitted() == 2
    assert calls.admit("a", 2)  # a connection that holds a slot keeps it
    calls.release("a")
    assert calls.admit("c", 2) and calls.admitted() == 2
    calls.release("never-admitted")
    calls.release("b")
    calls.release("c")
    assert calls.admitted() == 0


def test_connections_racing_for_the_last_slots_never_get_more_than_the_limit():
    calls = Calls(cores=2)
    start = threading.Barrier(16)
    won: list[str] = []

    def connect(index: int) -> None:
        start.wait()
        if calls.admit(f"c{index}", 4):
            won.append(f"c{index}")

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 4 and calls.admitted() == 4


def test_the_default_limit_is_two_calls_per_core_and_the_variable_sets_it(monkeypatch):
    monkeypatch.delenv("COACH_MAX_VOICE_CALLS", raising=False)
    assert Settings(_env_file=None).max_voice_calls == 2 * (os.cpu_count() or 1)
    monkeypatch.setenv("COACH_MAX_VOICE_CALLS", "7")
    assert Settings(_env_file=None).max_voice_calls == 7


@pytest.mark.parametrize("value", ["0", "many"])
def test_a_bad_limit_is_one_clear_line(monkeypatch, value):
    monkeypatch.setenv("COACH_MAX_VOICE_CALLS", value)
    with pytest.raises(ConfigurationError) as raised:
        get_settings()
    assert f"COACH_MAX_VOICE_CALLS={value!r} is not valid" in str(raised.value)
    assert "\n" not in str(raised.value)

"""Fixtures shared by the persona tests."""

import pytest

from coach.personas.engine import BuiltinPersona

CLIP_ID = "en-crm-price-01"


@pytest.fixture
def customer_from_a_clip(monkeypatch):
    """Every built-in customer reply says it drew on the clip ``CLIP_ID``; returns that id."""
    original = BuiltinPersona.reply

    def reply_from_a_clip(self, rep_text):
        reply = original(self, rep_text)
        self.state.last_clips = [CLIP_ID]
        return reply

    monkeypatch.setattr(BuiltinPersona, "reply", reply_from_a_clip)
    return CLIP_ID

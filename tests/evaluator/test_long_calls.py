"""Scoring cost grows linearly with the length of the call."""

from coach.backends.fake import FakeEmbedder
from coach.evaluator import keypoints, parts, plain_points
from coach.evaluator.keypoints import KeyPointDetector
from coach.scenarios.model import Scenario
from coach.transcripts import Transcript, Turn

SCENARIO = Scenario.model_validate(
    {
        "id": "long",
        "title": "Long call",
        "language": "en",
        "key_points": [
            {
                "id": "benefit",
                "description": "Ties the benefit to the customer's stated need. A feature list does not count.",
                "examples": ["Since quotes sit for two days, instant quotes would fix that."],
            },
            {
                "id": "objection",
                "description": "Handles the customer's concern about price. Ignoring it does not count.",
                "examples": ["I hear you on price; most teams earn it back in a month."],
            },
        ],
    }
)


def _call(turns: int) -> Transcript:
    lines = [
        ("customer", "Our quotes sit in a spreadsheet for {i} days and the price worries me."),
        ("rep", "Instant quotes would cut that wait on lane {i}, and it costs little."),
    ]
    return Transcript(
        language="en",
        turns=[
            Turn(speaker=lines[i % 2][0], text=lines[i % 2][1].format(i=i)) for i in range(turns)
        ],
    )


def _characters_read(monkeypatch, turns: int) -> int:
    """Characters the detectors read from the customer's side while scoring the call."""
    read = 0
    original = parts.content_terms

    def counting(text: str, language: str) -> frozenset[str]:
        nonlocal read
        read += len(text)
        return original(text, language)

    monkeypatch.setattr(parts, "content_terms", counting)
    for module in (keypoints, plain_points):
        if hasattr(module, "content_terms"):
            monkeypatch.setattr(module, "content_terms", counting)
    KeyPointDetector(FakeEmbedder()).detect(SCENARIO, _call(turns))
    monkeypatch.undo()
    return read


def test_work_grows_linearly_with_turns(monkeypatch):
    short, long = _characters_read(monkeypatch, 200), _characters_read(monkeypatch, 400)
    assert long / short < 2.5, (short, long)

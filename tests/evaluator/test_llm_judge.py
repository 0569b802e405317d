import json

import pytest

from coach.backends.fake import FakeChatModel, FakeEmbedder
from coach.backends.openai_chat import ModelUnavailableError, OpenAIChatModel
from coach.evaluator import Evaluator
from coach.evaluator.llm_judge import LLMJudge, Verdict, parse_verdict
from coach.transcripts import Transcript, Turn
from tests.support.fake_openai import fake_openai
from tests.support.net import free_port

TRANSCRIPT = Transcript(
    language="en",
    turns=[
        Turn(speaker="customer", text="Hello, who is this?"),
        Turn(speaker="rep", text="Hi, this is Alex from FleetFlow."),
        Turn(speaker="customer", text="Could we meet Tuesday at 10am?"),
    ],
)
HIT = json.dumps(
    {
        "status": "hit",
        "turn": 1,
        "evidence": "Alex from FleetFlow",
        "reason": "names self and company",
    }
)


@pytest.mark.parametrize(
    "text",
    [
        HIT,
        f"```json\n{HIT}\n```",
        f"Sure! Here is my verdict:\n{HIT}\nLet me know if you need more.",
        f'Thinking... {{"not": "it"}} then {HIT}',
    ],
)
def test_parse_verdict_reads_json_in_prose_and_fences(text):
    assert parse_verdict(text) == Verdict.model_validate_json(HIT)


@pytest.mark.parametrize(
    "text", ["", "yes", "{broken", '{"status": "maybe"}', "```\nnot json\n```"]
)
def test_parse_verdict_returns_none_for_garbage(text):
    assert parse_verdict(text) is None


def test_judge_fails_closed(scenario):
    point = scenario.key_point("greeting")
    assert (
        LLMJudge(FakeChatModel(["total garbage"])).judge(scenario, TRANSCRIPT, point).status
        == "missed"
    )
    customer_turn = json.dumps({"status": "hit", "turn": 2, "evidence": "Tuesday at 10am"})
    verdict = LLMJudge(FakeChatModel([customer_turn])).judge(scenario, TRANSCRIPT, point)
    assert verdict.status == "missed" and "no rep turn" in verdict.reason
    invented = json.dumps({"status": "hit", "turn": 1, "evidence": "we guarantee results"})
    assert LLMJudge(FakeChatModel([invented])).judge(scenario, TRANSCRIPT, point).status == "missed"


def test_judge_caches_by_rubric_and_transcript(scenario, tmp_path):
    chat = FakeChatModel([HIT])
    judge = LLMJudge(chat, cache_dir=tmp_path)
    point = scenario.key_point("greeting")
    first = judge.judge(scenario, TRANSCRIPT, point)
    second = judge.judge(scenario, TRANSCRIPT, point)
    assert first == second and first.status == "hit" and len(chat.received) == 1
    judge.judge(scenario, TRANSCRIPT, scenario.key_point("next_step"))
    assert len(chat.received) == 2


def test_real_client_against_a_fake_openai_server(scenario, tmp_path):
    replies = [
        HIT,
        json.dumps({"status": "missed"}),
        json.dumps({"status": "missed"}),
        json.dumps({"strengths": ["Turn 1: clear intro"], "improvements": ["Book a time"]}),
    ]
    with fake_openai(replies) as server:
        chat = OpenAIChatModel(base_url=server.base_url, model="fake-model", timeout_s=5)
        evaluator = Evaluator(
            FakeEmbedder(), judge=LLMJudge(chat, cache_dir=tmp_path, model_name="fake-model")
        )
        result = evaluator.evaluate(scenario, TRANSCRIPT)
        assert server.requests[0]["tools"][0]["function"]["name"] == "Verdict"
        assert server.requests[0]["model"] == "fake-model"
    statuses = {p["id"]: p["status"] for p in result["key_points"]}
    assert statuses == {"greeting": "hit", "current_process": "missed", "next_step": "missed"}
    assert result["key_points"][0]["detector"] in ("hit", "partial", "missed")
    assert result["feedback"]["strengths"] == ["Turn 1: clear intro"]
    assert "template" in result["feedback"]


def test_complete_and_stream_through_the_fake_server():
    with fake_openai(["Hello there friend"]) as server:
        chat = OpenAIChatModel(base_url=server.base_url, model="m", timeout_s=5)
        assert chat.complete([{"role": "user", "content": "hi"}]) == "Hello there friend"
        assert (
            "".join(chat.stream([{"role": "user", "content": "hi"}])).strip()
            == "Hello there friend"
        )
        assert server.requests[-1]["stream"] is True


def test_server_down_falls_back_to_the_detector(scenario):
    chat = OpenAIChatModel(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout_s=2)
    with pytest.raises(ModelUnavailableError, match="did not answer"):
        chat.complete([{"role": "user", "content": "hi"}])
    result = Evaluator(FakeEmbedder(), judge=LLMJudge(chat)).evaluate(scenario, TRANSCRIPT)
    assert any("LLM judge unavailable" in note for note in result["score_notes"])
    assert "detector" not in result["key_points"][0]

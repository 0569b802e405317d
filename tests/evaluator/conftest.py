import pytest

from coach.scenarios.model import Scenario

SCENARIO = Scenario.model_validate(
    {
        "id": "mini",
        "title": "Mini call",
        "language": "en",
        "key_points": [
            {
                "id": "greeting",
                "stage": "opening",
                "description": "Greets and gives name and company.",
                "examples": [
                    "Hi, this is Alex from FleetFlow",
                    "Good morning, Alex with FleetFlow here",
                ],
                "required": True,
            },
            {
                "id": "current_process",
                "stage": "discovery",
                "description": "Asks an open question about how quotes are handled today.",
                "examples": [
                    "How do you handle quotes today?",
                    "What does your quoting process look like?",
                ],
                "weight": 2,
            },
            {
                "id": "next_step",
                "stage": "closing",
                "description": "Proposes a next step with a concrete day and time.",
                "examples": [
                    "Could we meet Tuesday at 10am?",
                    "How about Thursday at 2pm for a demo?",
                ],
                "required": True,
            },
        ],
        "forbidden": [
            {"phrase": "guaranteed", "reason": "no guarantees", "variants": ["100% sure"]}
        ],
        "must_say": ["FleetFlow", "this call may be recorded"],
        "script": [
            "Hi, this is Alex from FleetFlow.",
            "This call may be recorded.",
            "How do you handle quotes today?",
        ],
    }
)

ZH_SCENARIO = Scenario.model_validate(
    {
        "id": "mini-zh",
        "title": "小场景",
        "language": "zh",
        "key_points": [
            {
                "id": "greeting",
                "stage": "开场",
                "description": "问候并说明公司。",
                "examples": ["您好，我是启航留学的陈老师", "您好，这里是启航留学"],
            },
            {
                "id": "goal",
                "stage": "需求挖掘",
                "description": "用开放式问题问目标分数。",
                "examples": ["孩子的目标分数是多少？", "您希望考到几分？"],
            },
            {
                "id": "next_step",
                "stage": "促单",
                "description": "约定具体时间的下一步。",
                "examples": ["明天下午三点给您安排试听可以吗？", "周六上午十点上试听课方便吗？"],
            },
        ],
        "forbidden": [{"phrase": "保过", "reason": "不能承诺结果", "variants": ["包提分"]}],
        "must_say": ["启航留学"],
        "script": ["您好，我是启航留学的陈老师。", "孩子的目标分数是多少？"],
    }
)


@pytest.fixture
def scenario():
    return SCENARIO


@pytest.fixture
def zh_scenario():
    return ZH_SCENARIO

"""Words users see in training lists and reports, in English and Mandarin."""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "passed": "passed",
        "failed": "failed",
        "overdue": "overdue",
        "done": "done",
        "todo": "to do",
        "drill": "drill",
        "clip": "clip",
        "exam": "exam",
        "certification": "certification",
        "rep": "rep",
        "sessions": "sessions",
        "previous": "previous",
        "change": "change",
        "volume": "Practice volume per rep",
        "scores": "Average score per rep and scenario",
        "mention": "Key-point mention rate (team)",
        "weakest": "Weakest key points per rep",
        "leaderboard": "Leaderboard",
        "completion": "Drill completion",
        "sticking": "Sticking points (AI customer: agreed vs hung up)",
        "certified": "Certified",
        "nothing": "(nothing in this period)",
    },
    "zh": {
        "not_started": "未开始",
        "in_progress": "进行中",
        "passed": "已通过",
        "failed": "未通过",
        "overdue": "已逾期",
        "done": "已完成",
        "todo": "待完成",
        "drill": "练习",
        "clip": "片段",
        "exam": "考试",
        "certification": "认证",
        "rep": "销售",
        "sessions": "练习次数",
        "previous": "上期",
        "change": "变化",
        "volume": "每人练习量",
        "scores": "每人每个场景的平均分",
        "mention": "要点提及率（团队）",
        "weakest": "每人最弱的要点",
        "leaderboard": "排行榜",
        "completion": "练习完成情况",
        "sticking": "卡点（AI 客户：成交与挂断对比）",
        "certified": "已认证",
        "nothing": "（本期无数据）",
    },
}


def label(key: str, language: str = "en") -> str:
    """The word for ``key`` in ``language`` (English when the language or key is unknown)."""
    words = CATALOGUE.get(language, CATALOGUE["en"])
    return words.get(key, CATALOGUE["en"].get(key, key))

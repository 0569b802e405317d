import pytest

from coach.text.normalize import (
    _en_number,
    _zh_number,
    compact,
    normalize,
    pinyin_key,
    to_simplified,
    tokens,
)


def test_english_normalisation():
    assert (
        normalize("It costs $49 per user, FleetFlow CRM!")
        == "it costs forty nine per user fleetflow crm"
    )
    assert normalize("Call me at 3.5") == "call me at three point five"
    assert normalize("Ｆｕｌｌ－width") == "full width"


def test_chinese_normalisation_and_tokens():
    assert to_simplified("廣州市房地產") == "广州市房地产"
    assert normalize("每人每月49美元，3点见。") == "每人每月四十九美元 三点见"
    assert tokens("我们的FleetFlow系统") == ["我", "们", "的", "fleetflow", "系", "统"]
    assert compact("你好 世界，OK") == "你好世界 ok"


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (101, "一百零一"),
        (1200, "一千二百"),
        (25000, "二万五千"),
        (6800, "六千八百"),
    ],
)
def test_chinese_numbers(n, zh):
    assert _zh_number(n) == zh


def test_english_numbers():
    assert _en_number(1995) == "one thousand nine hundred ninety five"
    assert _en_number(40) == "forty"


def test_pinyin_key_for_homophones():
    assert pinyin_key("雅") == pinyin_key("亚") == "ya"
    assert pinyin_key("ok") == "ok"

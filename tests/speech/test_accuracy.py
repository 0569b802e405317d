import pytest

from coach.speech.accuracy import error_rate, normalise_chinese, normalise_english


def test_english_is_compared_by_words_without_case_or_punctuation():
    assert normalise_english("And so, my fellow Americans!") == [
        "and",
        "so",
        "my",
        "fellow",
        "americans",
    ]
    assert (
        error_rate("IT WAS THE FIRST GREAT SORROW", "It was the first great sorrow.", language="en")
        == 0
    )
    assert error_rate("a b c d", "a x c", language="en") == pytest.approx(0.5)


def test_chinese_is_compared_by_simplified_characters():
    assert normalise_chinese("廣州 市，") == ["广", "州", "市"]
    assert error_rate("下周二下午三点可以吗？", "下周二下午3点可以吗", language="zh") == 0
    assert error_rate(
        "广州市房地产中介协会分析", "廣州市佛地產中間協會分析", language="zh"
    ) == pytest.approx(2 / 12)


def test_several_pairs_pool_their_errors():
    assert error_rate(["a b", "c d e f"], ["a b", "c"], language="en") == pytest.approx(3 / 6)
    with pytest.raises(ValueError):
        error_rate(["a"], [], language="en")

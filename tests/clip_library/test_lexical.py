import numpy as np

from coach.clip_library.lexical import LexicalIndex, mark_terms, terms


def test_terms_words_stems_and_chinese_ngrams():
    assert terms("The agents are calling about prices", "en") == terms("agent call price", "en")
    assert terms("what reps said to the customer", "en") == ["said"]
    assert terms("pricing", "en") == terms("priced", "en") == terms("price", "en")
    assert terms("the process", "en") == ["process"]
    zh = terms("植发太贵了", "zh")
    assert {"植", "发", "贵", "植发", "太贵", "贵了"} <= set(zh) and "了" not in zh
    # Latin words inside Chinese stay whole; numbers are spelt one way
    assert "ucl" in terms("梦校是 UCL", "zh")
    assert terms("$49 a seat", "en") == terms("forty-nine a seat", "en")


def test_bm25_finds_rare_exact_words_first():
    texts = [
        "We already pay for HubSpot, why pay twice?",
        "Price is too high for us this year.",
        "Our McLeod rep says a module is coming.",
        "我在别家报过了，花了四千。",
        "米诺地尔抹过大半年，太麻烦，停了。",
    ]
    index = LexicalIndex(texts)
    assert index.search("hubspot", k=3)[0].doc == 0
    assert index.search("米诺地尔", k=3)[0].doc == 4
    assert index.search("别家", k=3)[0].doc == 3
    assert index.search("nothing like this", k=3) == []
    hit = index.search("hubspot", k=1)[0]
    assert hit.coverage == 1.0
    mask = np.array([False, True, True, True, True])
    assert all(h.doc != 0 for h in index.search("hubspot price", k=5, mask=mask))


def test_empty_index_and_query():
    index = LexicalIndex([])
    assert index.search("anything") == []
    assert LexicalIndex(["hello there"]).search("", k=3) == []


def test_mark_terms_marks_words_and_chinese_pairs():
    assert (
        mark_terms("We already pay for HubSpot.", {"hubspot"}) == "We already pay for **HubSpot**."
    )
    assert mark_terms("It costs 49 dollars", set(terms("forty nine", "en"))) == (
        "It costs **49** dollars"
    )
    marked = mark_terms("这也太贵了吧", set(terms("太贵", "zh")))
    assert "**太贵" in marked and marked.count("**") == 2
    assert mark_terms("nothing here", {"zzz"}) == "nothing here"

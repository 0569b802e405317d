import pytest

from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.clip_library.documents import ClipDocument, SearchFilters, parse_tag, tag_key
from coach.clip_library.search import ClipSearcher, rebuild_index, sync_index


@pytest.fixture
def searcher(seed_documents):
    embedder = FakeEmbedder()
    index = InMemoryClipIndex(embedder)
    sync_index(index, seed_documents)
    return ClipSearcher(index, seed_documents, embedder=embedder)


def ids(hits):
    return [hit.document.clip_id for hit in hits]


def test_exact_product_names_and_chinese_terms_are_found(searcher):
    assert ids(searcher.search("MercuryGate", k=3))[0] == "en-crm-comp-01"
    assert ids(searcher.search("米诺地尔", k=3))[0] == "zh-hair-discovery-01"
    assert ids(searcher.search("营业执照", k=3))[0] == "zh-ielts-trust-02"
    hit = searcher.search("HubSpot", k=1)[0]
    assert hit.lexical_rank == 1 and hit.score > 0
    assert any("**HubSpot**" in h.text for h in hit.highlights)


def test_hybrid_fuses_both_sides_and_modes_differ(searcher):
    query = "customer says forty-nine a user is too expensive"
    hybrid = searcher.search(query, k=5)
    assert "en-crm-price-01" in ids(hybrid)
    assert all(hit.vector_rank is None for hit in searcher.search(query, k=5, mode="lexical"))
    assert all(hit.lexical_rank is None for hit in searcher.search(query, k=5, mode="vector"))
    scores = [hit.score for hit in hybrid]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    with pytest.raises(ValueError, match="unknown search mode"):
        searcher.search(query, mode="fuzzy")
    assert searcher.search("   ") == []


def test_filters_by_tag_language_and_scenario(searcher):
    price_zh = searcher.search(
        "太贵了", k=10, filters=SearchFilters(tags=("objection:price",), language="zh")
    )
    assert price_zh and all(
        h.document.language == "zh" and ("objection", "price") in h.document.tags for h in price_zh
    )
    scenario = searcher.search(
        "price", k=10, filters=SearchFilters(scenario="hair-clinic-booking-en")
    )
    assert scenario and {h.document.scenario for h in scenario} == {"hair-clinic-booking-en"}
    # a bare tag value matches any kind of tag
    bare = searcher.search("pay", k=10, filters=SearchFilters(tags=("hubspot",)))
    assert ids(bare) == ["en-crm-comp-02"]
    assert searcher.search("pay", filters=SearchFilters(tags=("objection:nonexistent",))) == []


def test_highlights_fall_back_to_meaning_when_no_word_matches(seed_documents):
    embedder = FakeEmbedder()
    index = InMemoryClipIndex(embedder)
    sync_index(index, seed_documents)
    searcher = ClipSearcher(index, seed_documents, embedder=embedder)
    hit = searcher.search("zzzz qqqq", k=1, mode="vector")[0]
    assert len(hit.highlights) == 1 and "**" not in hit.highlights[0].text
    assert searcher.search("zzzz qqqq", k=1, mode="vector", highlight=False)[0].highlights == ()


def test_tag_keys():
    assert tag_key("objection:price") == "tag:objection:price"
    assert tag_key("price") == "tagv:price"
    assert tag_key("mood:sad") == "tagv:mood:sad"
    assert parse_tag("stage:opening") == ("stage", "opening")
    assert parse_tag("calm") == ("free", "calm")


def _doc(clip_id, text, **extra):
    return ClipDocument(
        clip_id=clip_id,
        title=clip_id,
        language="en",
        turns=({"speaker": "rep", "text": text},),
        **extra,
    )


def test_sync_embeds_only_what_changed_and_rebuild_starts_over():
    class Counting(InMemoryClipIndex):
        upserted: list[str]

        def upsert(self, ids, documents, metadatas):
            self.upserted += list(ids)
            super().upsert(ids, documents, metadatas)

    index = Counting(FakeEmbedder())
    index.upserted = []
    docs = [_doc("a", "alpha"), _doc("b", "beta")]
    report = sync_index(index, docs)
    assert (report.upserted, index.count()) == (2, 2)
    known = {d.clip_id: d.content_hash for d in docs}
    changed = [_doc("a", "alpha changed"), _doc("c", "gamma")]
    index.upserted = []
    report = sync_index(index, changed, known=known)
    assert sorted(index.upserted) == ["a", "c"] and report.deleted == 1
    assert index.count() == 2
    # without knowing what it holds, an index of the right size is trusted
    index.upserted = []
    assert sync_index(index, changed).upserted == 0
    rebuilt = rebuild_index(index, changed, previous_ids=["a", "c"])
    assert rebuilt.upserted == 2 and index.count() == 2


def test_results_ignore_index_entries_without_a_document(seed_documents):
    embedder = FakeEmbedder()
    index = InMemoryClipIndex(embedder)
    sync_index(index, seed_documents)
    searcher = ClipSearcher(index, seed_documents[:5], embedder=embedder)
    assert set(ids(searcher.search("price", k=10))) <= {d.clip_id for d in seed_documents[:5]}


def test_chinese_highlights_mark_pairs_not_lone_common_characters(searcher):
    hit = searcher.search("跟家里商量", k=5)
    marked = [h.text for hit in [hit[0]] for h in hit.highlights]
    assert any("**商量**" in text for text in marked)
    assert not any("**要**" in text or "**家**" in text for text in marked)

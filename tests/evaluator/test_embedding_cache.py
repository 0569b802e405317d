"""The persistent embedding cache: same vectors as the embedder, kept across instances."""

import numpy as np

from coach.backends.fake import FakeEmbedder
from coach.evaluator.embedding_cache import PersistentEmbeddingCache


class CountingEmbedder(FakeEmbedder):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def embed_queries(self, texts):
        self.seen += list(texts)
        return super().embed_queries(texts)


def test_vectors_survive_the_process_and_match(tmp_path):
    path = tmp_path / "cache" / "vectors.sqlite"
    inner = CountingEmbedder()
    first = PersistentEmbeddingCache(inner, path, model="fake")
    texts = ["How do you quote today?", "您好，我是小周。", "How do you quote today?"]
    vectors = first.embed_queries(texts)
    assert inner.seen == ["How do you quote today?", "您好，我是小周。"]
    assert np.allclose(vectors, FakeEmbedder().embed_queries(texts))
    first.close()
    again = CountingEmbedder()
    second = PersistentEmbeddingCache(again, path, model="fake")
    assert np.allclose(second.embed_queries(texts), vectors) and again.seen == []
    assert second.embed_passages(["How do you quote today?"]).shape == (1, inner.dim)
    assert second.embed_queries([]).shape == (0, inner.dim)

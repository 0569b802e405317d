"""Test embedders built on the fake one."""

from coach.backends.fake import FakeEmbedder


class RecordingEmbedder(FakeEmbedder):
    """A fake embedder that remembers every text it was asked to embed."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def embed_queries(self, texts):
        self.seen.extend(texts)
        return super().embed_queries(texts)

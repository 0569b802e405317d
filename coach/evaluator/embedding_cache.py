"""A persistent embedding cache: vectors of texts already seen survive the process.

Key point examples and descriptions, and the sentences of calls scored before, are embedded
once per machine instead of once per process. The cache is a SQLite file keyed by a hash of
the model name, the kind (query or passage) and the text; any :class:`Embedder` can be
wrapped, and the wrapper is itself an ``Embedder``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coach.backends.ports import Embedder, FloatArray


class PersistentEmbeddingCache:
    """An :class:`Embedder` that looks texts up in a SQLite file before asking ``inner``."""

    def __init__(
        self, inner: Embedder, path: str | Path, *, model: str = "default", memory: int = 50_000
    ):
        self.inner = inner
        self._memory_size = memory
        self.model = model
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        self._db.commit()
        self._memory: dict[str, FloatArray] = {}

    @property
    def dim(self) -> int:
        """Vector size of the wrapped embedder."""
        return self.inner.dim

    def _key(self, kind: str, text: str) -> str:
        return hashlib.sha1(f"{self.model}\0{kind}\0{text}".encode()).hexdigest()

    def _embed(self, texts: Sequence[str], kind: str) -> FloatArray:
        keys = [self._key(kind, text) for text in texts]
        found: dict[str, FloatArray] = {}
        with self._lock:
            wanted = [k for k in dict.fromkeys(keys) if k not in self._memory]
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk
                ):
                    self._memory[key] = np.frombuffer(blob, dtype=np.float32)
            found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            unique = list(dict.fromkeys(texts[i] for i in missing))
            embed = self.inner.embed_queries if kind == "q" else self.inner.embed_passages
            vectors = np.asarray(embed(unique), dtype=np.float32).reshape(len(unique), -1)
            new = {self._key(kind, t): v for t, v in zip(unique, vectors, strict=True)}
            with self._lock:
                if len(self._memory) + len(new) > self._memory_size:
                    self._memory.clear()  # the file keeps them; memory only holds a working set
                self._memory.update(new)
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                    [(k, v.tobytes()) for k, v in new.items()],
                )
                self._db.commit()
            found.update(new)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys])

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        """Embed queries, from the cache where possible."""
        return self._embed(list(texts), "q")

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Embed passages, from the cache where possible."""
        return self._embed(list(texts), "p")

    def close(self) -> None:
        """Close the cache file."""
        with self._lock:
            self._db.close()

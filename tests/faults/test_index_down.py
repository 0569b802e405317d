"""Fault: the vector index is down or unreadable, and clip search carries on with words.

"Down" is a chroma URL on a loopback port that was bound and closed (nothing listens), or a
persistent index folder whose database file is garbage. Search must answer from the clips
in the database by exact words, under the same filters, say so in both languages, and use
the index again once it is back.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.backends.chroma_index import ChromaClipIndex
from coach.backends.fake import FakeEmbedder
from coach.errors import CoachError
from coach.services import clips
from coach.services.runtime import Runtime, open_runtime
from coach.settings import Settings
from tests.conftest import SEEDS


class Clock:
    """A clock the test moves by hand (the engine's back-off reads it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def down_url() -> str:
    """A chroma URL on 127.0.0.1 where nothing listens: a port bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Runtime]:
    """A SQLite runtime with the seed clips (the database backend is not what is tested)."""
    from coach.services import setup

    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'db'}")
    runtime = open_runtime(settings)
    setup.initialise(runtime, seeds=SEEDS)
    try:
        yield runtime
    finally:
        runtime.close()


def _engine(index: ChromaClipIndex, clock: Clock | None = None) -> clips.ClipEngine:
    return clips.ClipEngine(
        index.embedder, index, refresh_s=0.0, backoff_s=5.0, clock=clock or Clock()
    )


def _damaged(folder: Path) -> Path:
    """An index folder whose chroma database file is not a database."""
    folder.mkdir(parents=True)
    (folder / "chroma.sqlite3").write_bytes(b"this is not a database\n" * 500)
    return folder


def test_a_down_chroma_server_gives_word_matches_and_says_so(library, down_url):
    engine = _engine(ChromaClipIndex(FakeEmbedder(), url=down_url, connect=False))
    try:
        found = clips.search_outcome(library, "too expensive", actor="rep", engine=engine)
        assert found.mode == "lexical" and found.results
        assert found.results[0].title.startswith("Too expensive")
        for result in found.results:  # each hit has the query word, in its text or its notes
            clip = clips.get_clip(library, clip_id=result.clip_id, actor="rep")
            words = " ".join([clip.title, clip.text, clip.notes, *clip.tags]).lower()
            assert "expensiv" in words, result.clip_id
        assert found.notice is not None
        assert "semantic index is unavailable" in found.notice.en
        assert "word matches" in found.notice.en and down_url in found.notice.en
        assert "语义索引" in found.notice.zh and down_url in found.notice.zh
        assert found.notice.text("zh") == found.notice.zh
        assert str(found.notice) == f"{found.notice.en} / {found.notice.zh}"

        # Chinese by characters, with the same filters as a normal search
        zh = clips.search_outcome(
            library,
            "植发",
            actor="rep",
            language="zh",
            scenario="hair-clinic-booking-zh",
            engine=engine,
        )
        assert zh.notice is not None and zh.results
        assert all(r.language == "zh" for r in zh.results)
        assert all(r.scenario == "hair-clinic-booking-zh" for r in zh.results)
        assert "植发" in zh.results[0].text + zh.results[0].title
        assert any("**植发**" in line for line in zh.results[0].highlights)
        tagged = clips.search_outcome(
            library, "price", actor="rep", tags=["objection:price"], engine=engine
        )
        assert tagged.results and all("objection:price" in r.tags for r in tagged.results)

        # a filter no clip has is still refused, and the plain search() gives the same words
        with pytest.raises(CoachError, match="unknown tag"):
            clips.search_outcome(library, "price", actor="rep", tags=["nope:x"], engine=engine)
        plain = clips.search(library, "too expensive", actor="rep", engine=engine)
        assert [r.clip_id for r in plain] == [r.clip_id for r in found.results]
    finally:
        engine.index.close()  # type: ignore[attr-defined]


def test_a_server_that_never_answers_times_out_into_word_matches(library):
    with socket.socket() as silent:  # accepts connections (the backlog) and never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        index = ChromaClipIndex(
            FakeEmbedder(), url=url, connect=False, timeout_s=0.5, connect_timeout_s=0.5
        )
        engine = _engine(index)
        try:
            found = clips.search_outcome(library, "pilot", actor="rep", engine=engine)
            assert found.mode == "lexical" and found.results
            assert found.notice is not None and url in found.notice.en
        finally:
            index.close()


def test_a_damaged_index_folder_gives_word_matches_naming_the_folder(library, tmp_path):
    folder = _damaged(tmp_path / "chroma")
    engine = _engine(ChromaClipIndex(FakeEmbedder(), path=folder, connect=False))
    try:
        found = clips.search_outcome(library, "decision maker", actor="rep", engine=engine)
        assert found.mode == "lexical" and found.results
        assert found.notice is not None and str(folder) in found.notice.en
        assert str(folder) in found.notice.zh
    finally:
        engine.index.close()  # type: ignore[attr-defined]


def test_the_index_is_used_again_once_it_is_back(library, tmp_path):
    folder = _damaged(tmp_path / "chroma")
    clock = Clock()
    engine = _engine(ChromaClipIndex(FakeEmbedder(), path=folder, connect=False), clock)
    try:
        first = clips.search_outcome(library, "too expensive", actor="rep", engine=engine)
        assert first.notice is not None and engine.index_down()

        shutil.rmtree(folder)  # the admin removes the damaged folder
        within = clips.search_outcome(library, "too expensive", actor="rep", engine=engine)
        assert within.notice is not None, "the index is not retried during the back-off"

        clock.now += engine.backoff_s
        back = clips.search_outcome(library, "too expensive", actor="rep", engine=engine)
        assert back.mode == "hybrid" and back.notice is None and back.results
        assert not engine.index_down()
        # the index was filled again from the database on the way
        assert engine.index.count() == len(engine.word_searcher(library).documents) > 40
    finally:
        engine.index.close()  # type: ignore[attr-defined]


def test_an_index_that_fails_between_searches_falls_back_too(library, tmp_path, monkeypatch):
    folder = tmp_path / "chroma"
    engine = _engine(ChromaClipIndex(FakeEmbedder(), path=folder))
    try:
        assert clips.search_outcome(library, "pilot", actor="rep", engine=engine).notice is None

        def gone(*_args: object, **_kw: object) -> object:
            raise OSError("the index files are gone")

        monkeypatch.setattr(engine.index, "_connected", gone)
        found = clips.search_outcome(library, "pilot", actor="rep", engine=engine)
        assert found.notice is not None and found.results and found.mode == "lexical"
    finally:
        monkeypatch.undo()
        engine.index.close()  # type: ignore[attr-defined]


def test_the_cli_prints_one_notice_line_and_the_results(cli_env, down_url, monkeypatch):
    from coach.cli import app

    monkeypatch.setenv("COACH_CHROMA_URL", down_url)
    settings = Settings()
    embedder = FakeEmbedder()
    index = ChromaClipIndex(embedder, url=down_url, connect=False)
    clips.set_engine(settings, clips.ClipEngine(embedder, index, refresh_s=0))
    try:
        result = CliRunner().invoke(app, ["clips", "search", "too expensive"])
        assert result.exit_code == 0, result.output
        notes = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(notes) == 1 and notes[0].startswith("note: The semantic index is unavailable")
        assert down_url in notes[0] and "语义索引" in notes[0]
        assert result.stdout.startswith("1. ") and "Traceback" not in result.output

        as_json = CliRunner().invoke(app, ["clips", "search", "太贵", "--json"])
        assert as_json.exit_code == 0 and as_json.stdout.lstrip().startswith("[")
        assert "语义索引" in as_json.stderr
    finally:
        clips.set_engine(settings, None)
        index.close()


@pytest.mark.parametrize(("language", "words"), [("en", "word matches"), ("zh", "关键词匹配")])
def test_the_library_page_shows_the_notice_above_the_results(library, down_url, language, words):
    from types import SimpleNamespace

    from ui.context import Context
    from ui.pages import library as library_page

    index = ChromaClipIndex(FakeEmbedder(), url=down_url, connect=False)
    clips.set_engine(library, _engine(index))
    try:
        ctx = Context(runtime=library, practice=None, language=language)  # type: ignore[arg-type]
        request = SimpleNamespace(username="rep")
        found, notice = library_page.run_search(ctx, "too expensive", "", "", "", "", "", request)  # type: ignore[arg-type]
        assert found and found[0]["title"].startswith("Too expensive")
        assert 'class="coach-notice warning"' in notice and words in notice
        assert down_url in notice
        none, empty = library_page.run_search(ctx, "zzqx", "", "", "", "", "", request)  # type: ignore[arg-type]
        assert none == [] and words in empty and "coach-notice info" in empty
    finally:
        clips.set_engine(library, None)
        index.close()

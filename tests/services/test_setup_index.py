"""`coach init` builds the clip index, so the first search of a fresh install does not wait."""

from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.services import clips, setup


def test_the_clip_index_is_built_once_and_then_left_alone(seeded_runtime):
    embedder = FakeEmbedder()
    engine = clips.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0)
    heard = []
    built = setup.build_clip_index(
        seeded_runtime, engine=engine, progress=lambda done, total: heard.append((done, total))
    )
    assert built.clips == built.embedded == engine.index.count() >= 40
    assert heard[-1] == (built.clips, built.clips)
    again = setup.build_clip_index(seeded_runtime, engine=engine)
    assert (again.clips, again.embedded) == (built.clips, 0)
    assert again.line() == f"clip index: {built.clips} clips ready (0 embedded now)"

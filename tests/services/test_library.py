import pytest

from coach.accounts import LOCAL_ADMIN
from coach.content.catalog import load_catalog
from coach.errors import PermissionDenied
from coach.services import library
from coach.store.repositories import clips as clips_repo
from coach.store.repositories import users as users_repo
from tests.conftest import SEEDS

CLIPS = load_catalog([SEEDS / "clips"]).clips.values()


def test_facets_are_what_the_seed_clips_have(seeded_runtime):
    facets = library.facets(seeded_runtime, actor="rep")
    assert facets.key_points == sorted({p for clip in CLIPS for p in clip.key_points})
    assert facets.objections == sorted({clip.objection for clip in CLIPS if clip.objection})
    assert facets.scenarios == sorted({clip.scenario for clip in CLIPS if clip.scenario})
    assert facets.languages == ["en", "zh"]
    assert facets.tags == sorted({tag for clip in CLIPS for tag in clip.tags})
    assert "crm-logistics-discovery" in facets.scenarios and "price" in facets.objections
    # Every role may read the library, the local operator too.
    for actor in ("trainer", "manager", "admin", LOCAL_ADMIN):
        assert library.facets(seeded_runtime, actor=actor) == facets


def test_facets_follow_the_clips(seeded_runtime):
    with seeded_runtime.transaction() as s:
        clip = clips_repo.get_clip(session=s, clip_id="en-crm-open-01")
        wanted = [(t.kind, t.value) for t in clip.tags] + [("free", "zz-brand-new-tag")]
        clips_repo.set_tags(session=s, clip_id="en-crm-open-01", tags=wanted)
    assert "zz-brand-new-tag" in library.facets(seeded_runtime, actor="rep").tags


def test_facets_of_an_empty_library(runtime):
    from coach.services import setup

    # Users but no clips: every facet is empty, none is missing.
    setup.initialise(runtime, seeds=SEEDS)
    with runtime.transaction() as s:
        for clip in clips_repo.list_clips(session=s):
            clips_repo.delete_clip(session=s, clip_id=clip.id)
    assert library.facets(runtime, actor="rep") == library.Facets()


def test_facets_refuse_unknown_and_disabled_actors(seeded_runtime):
    with pytest.raises(PermissionDenied, match="no active user"):
        library.facets(seeded_runtime, actor="ghost")
    with pytest.raises(PermissionDenied):
        library.facets(seeded_runtime, actor="")
    with seeded_runtime.transaction() as s:
        rep = users_repo.get_user_by_username(session=s, username="rep")
        users_repo.set_active(session=s, user_id=rep.id, active=False)
    with pytest.raises(PermissionDenied, match="no active user 'rep'"):
        library.facets(seeded_runtime, actor="rep")
    with pytest.raises(TypeError):
        library.facets(seeded_runtime)  # type: ignore[call-arg]

import pytest

from coach.accounts import LOCAL_ADMIN
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import accounts, profile
from coach.services.runtime import open_runtime
from coach.settings import Settings
from coach.store.repositories import users as users_repo

PASSWORD = "a long passphrase"


@pytest.fixture
def production(seeded_runtime):
    """The same database, opened with production settings."""
    settings = Settings(
        env="production",
        secret_key="HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I",
        data_dir=seeded_runtime.settings.data_dir,
        database_url=seeded_runtime.settings.resolved_database_url,
    )
    runtime = open_runtime(settings)
    yield runtime
    runtime.close()


def _add(runtime, username, role="rep"):
    return accounts.add_user(
        runtime, username=username, password=PASSWORD, role=role, actor=LOCAL_ADMIN
    )


def test_get_active_user_refuses_disabled_users_and_demo_users_outside_dev(
    seeded_runtime, production
):
    real = _add(seeded_runtime, "dana")
    assert profile.get_active_user(seeded_runtime, username="dana").id == real.id
    assert profile.get_active_user(seeded_runtime, username="rep").is_demo  # dev mode
    assert profile.get_active_user(production, username="dana").id == real.id
    with pytest.raises(NotFoundError, match="no active user 'rep'"):
        profile.get_active_user(production, username="rep")
    with pytest.raises(NotFoundError):
        profile.get_active_user(seeded_runtime, username="ghost")
    with pytest.raises(NotFoundError):
        profile.get_active_user(seeded_runtime, username=LOCAL_ADMIN)
    with seeded_runtime.transaction() as s:
        users_repo.set_active(session=s, user_id=real.id, active=False)
    with pytest.raises(NotFoundError, match="no active user 'dana'"):
        profile.get_active_user(seeded_runtime, username="dana")


def test_me_is_the_actors_own_record(seeded_runtime):
    me = profile.me(seeded_runtime, actor="trainer")
    assert me.username == "trainer" and me.role == "trainer" and me.team == "Demo Team"
    assert me.ui_language is None
    with pytest.raises(PermissionDenied):
        profile.me(seeded_runtime, actor="ghost")
    with pytest.raises(PermissionDenied, match="--user"):
        profile.me(seeded_runtime, actor=LOCAL_ADMIN)
    with pytest.raises(TypeError):
        profile.me(seeded_runtime)  # type: ignore[call-arg]


def test_set_ui_language_is_stored_for_the_actor_only(seeded_runtime):
    changed = profile.set_ui_language(seeded_runtime, actor="rep", language="zh")
    assert changed.username == "rep" and changed.ui_language == "zh"
    assert profile.me(seeded_runtime, actor="rep").ui_language == "zh"
    assert profile.get_active_user(seeded_runtime, username="rep").ui_language == "zh"
    assert profile.me(seeded_runtime, actor="rep-zh").ui_language is None  # nobody else's
    # None: follow the browser again.
    assert profile.set_ui_language(seeded_runtime, actor="rep", language=None).ui_language is None
    assert profile.me(seeded_runtime, actor="rep").ui_language is None
    with pytest.raises(CoachError, match="unknown app language 'fr'"):
        profile.set_ui_language(seeded_runtime, actor="rep", language="fr")
    with pytest.raises(PermissionDenied):
        profile.set_ui_language(seeded_runtime, actor=LOCAL_ADMIN, language="en")
    with pytest.raises(PermissionDenied):
        profile.set_ui_language(seeded_runtime, actor="ghost", language="en")
    assert profile.me(seeded_runtime, actor="rep").ui_language is None


def test_demo_accounts_only_in_dev_mode(seeded_runtime, production):
    demo = profile.demo_accounts(seeded_runtime)
    assert ("rep", "rep", "demo-rep-pass") in demo
    assert ("admin", "admin", "demo-admin-pass") in demo
    assert {name for name, _, _ in demo} == {"rep", "rep-zh", "trainer", "manager", "admin"}
    for username, _role, password in demo:
        assert accounts.authenticate(seeded_runtime, username=username, password=password)
    assert profile.demo_accounts(production) == []


def test_demo_accounts_leave_out_disabled_and_non_demo_users(seeded_runtime):
    with seeded_runtime.transaction() as s:
        rep = users_repo.get_user_by_username(session=s, username="rep")
        users_repo.set_active(session=s, user_id=rep.id, active=False)
    names = {name for name, _, _ in profile.demo_accounts(seeded_runtime)}
    assert "rep" not in names and "trainer" in names

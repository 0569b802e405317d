import pytest

from coach.accounts import Role
from coach.errors import ConfigurationError, PermissionDenied
from coach.security import WeakPasswordError, hash_password, require, verify_password
from coach.services import accounts
from coach.services.accounts import LoginError
from coach.services.runtime import open_runtime
from coach.settings import Settings


def test_passwords_are_hashed_with_argon2():
    digest = hash_password("correct horse battery")
    assert digest.startswith("$argon2id$") and "correct" not in digest
    assert verify_password(digest, "correct horse battery")
    assert not verify_password(digest, "wrong") and not verify_password("not-a-hash", "x")


def test_add_list_and_login(runtime):
    user = accounts.add_user(
        runtime, username="Dana", password="a long passphrase", role="trainer", team="East"
    )
    assert (user.username, user.role, user.team) == ("dana", "trainer", "East")
    assert (
        accounts.authenticate(runtime, username="dana", password="a long passphrase").id == user.id
    )
    with pytest.raises(LoginError, match="wrong username or password"):
        accounts.authenticate(runtime, username="dana", password="nope")
    with pytest.raises(LoginError, match="wrong username or password"):
        accounts.authenticate(runtime, username="ghost", password="a long passphrase")
    assert [u.username for u in accounts.list_users(runtime, team="East")] == ["dana"]
    assert accounts.list_users(runtime, team="Nowhere") == []


def test_weak_passwords_are_refused(runtime):
    with pytest.raises(WeakPasswordError, match="at least"):
        accounts.add_user(runtime, username="eve", password="short", role="rep")
    with pytest.raises(WeakPasswordError, match="username"):
        accounts.add_user(runtime, username="frankie", password="frankie-1234567", role="rep")


def test_demo_users_only_log_in_in_dev_mode(seeded_runtime):
    assert accounts.authenticate(seeded_runtime, username="rep", password="demo-rep-pass").is_demo
    prod = open_runtime(
        Settings(
            env="production",
            secret_key="s" * 40,
            data_dir=seeded_runtime.settings.data_dir,
            database_url=seeded_runtime.settings.resolved_database_url,
        )
    )
    with pytest.raises(LoginError, match="only work in dev mode"):
        accounts.authenticate(prod, username="rep", password="demo-rep-pass")
    prod.close()


def test_roles_are_checked_on_the_server(runtime):
    with pytest.raises(PermissionDenied):
        accounts.add_user(
            runtime, username="mal", password="a long passphrase", role="admin", actor_role=Role.REP
        )
    accounts.add_user(
        runtime, username="ok", password="a long passphrase", role="rep", actor_role=Role.ADMIN
    )
    with pytest.raises(PermissionDenied):
        accounts.change_role(runtime, actor_role="manager", username="ok", role="admin")
    assert (
        accounts.change_role(runtime, actor_role="admin", username="ok", role="trainer").role
        == "trainer"
    )
    require(Role.MANAGER, "scores.override")
    with pytest.raises(PermissionDenied):
        require(Role.TRAINER, "scores.override")


def test_services_say_when_init_was_not_run(tmp_path):
    rt = open_runtime(Settings(data_dir=tmp_path / "fresh"))
    with pytest.raises(ConfigurationError, match="coach init"):
        accounts.list_users(rt)
    rt.close()

import pytest

from coach.accounts import LOCAL_ADMIN, AccountError, Role
from coach.errors import ConfigurationError, NotFoundError, PermissionDenied
from coach.security import WeakPasswordError, hash_password, require, verify_password
from coach.services import accounts
from coach.services.accounts import LastAdminError, LoginError
from coach.services.runtime import open_runtime
from coach.settings import Settings
from coach.store.repositories import users as users_repo
from tests.conftest import production_view


def test_passwords_are_hashed_with_argon2():
    digest = hash_password("correct horse battery")
    assert digest.startswith("$argon2id$") and "correct" not in digest
    assert verify_password(digest, "correct horse battery")
    assert not verify_password(digest, "wrong") and not verify_password("not-a-hash", "x")


def test_add_list_and_login(runtime):
    user = accounts.add_user(
        runtime,
        username="Dana",
        password="a long passphrase",
        role="trainer",
        team="East",
        actor=LOCAL_ADMIN,
    )
    assert (user.username, user.role, user.team) == ("dana", "trainer", "East")
    assert (
        accounts.authenticate(runtime, username="dana", password="a long passphrase").id == user.id
    )
    with pytest.raises(LoginError, match="wrong username or password"):
        accounts.authenticate(runtime, username="dana", password="nope")
    with pytest.raises(LoginError, match="wrong username or password"):
        accounts.authenticate(runtime, username="ghost", password="a long passphrase")
    assert [u.username for u in accounts.list_users(runtime, actor=LOCAL_ADMIN, team="East")] == [
        "dana"
    ]
    assert accounts.list_users(runtime, actor=LOCAL_ADMIN, team="Nowhere") == []


def test_weak_passwords_are_refused(runtime):
    with pytest.raises(WeakPasswordError, match="at least"):
        accounts.add_user(runtime, username="eve", password="short", role="rep", actor=LOCAL_ADMIN)
    with pytest.raises(WeakPasswordError, match="username"):
        accounts.add_user(
            runtime, username="frankie", password="frankie-1234567", role="rep", actor=LOCAL_ADMIN
        )


def test_demo_users_only_log_in_in_dev_mode(seeded_runtime):
    assert accounts.authenticate(seeded_runtime, username="rep", password="demo-rep-pass").is_demo
    prod = production_view(seeded_runtime)
    with pytest.raises(LoginError, match="only work in dev mode"):
        accounts.authenticate(prod, username="rep", password="demo-rep-pass")
    prod.close()


def test_roles_are_checked_on_the_server(seeded_runtime):
    runtime = seeded_runtime
    for actor in ("rep", "trainer", "manager"):
        with pytest.raises(PermissionDenied, match=f"a {actor} may not"):
            accounts.add_user(
                runtime, username="mal", password="a long passphrase", role="admin", actor=actor
            )
    accounts.add_user(
        runtime, username="ok", password="a long passphrase", role="rep", actor="admin"
    )
    with pytest.raises(PermissionDenied):
        accounts.change_role(runtime, actor="manager", username="ok", role="admin")
    assert accounts.change_role(runtime, actor="admin", username="ok", role="trainer").role == (
        "trainer"
    )
    assert accounts.change_role(runtime, actor=LOCAL_ADMIN, username="ok", role="rep").role == "rep"
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        accounts.change_role(runtime, actor=LOCAL_ADMIN, username="ghost", role="rep")
    require(Role.MANAGER, "scores.override")
    with pytest.raises(PermissionDenied):
        require(Role.TRAINER, "scores.override")


def test_services_say_when_init_was_not_run(tmp_path):
    rt = open_runtime(Settings(data_dir=tmp_path / "fresh"))
    with pytest.raises(ConfigurationError, match="coach init"):
        accounts.list_users(rt, actor=LOCAL_ADMIN)
    rt.close()


def test_the_actor_is_required_and_must_be_an_active_user(seeded_runtime):
    rt = seeded_runtime
    with pytest.raises(TypeError, match="actor"):
        accounts.add_user(rt, username="x1", password="a long passphrase", role="rep")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="actor"):
        accounts.list_users(rt)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="actor"):
        accounts.change_role(rt, username="rep", role="admin")  # type: ignore[call-arg]
    accounts.add_user(
        rt, username="boss", password="a long passphrase", role="admin", actor="admin"
    )
    with rt.transaction() as session:
        boss = users_repo.get_user_by_username(session=session, username="boss")
        assert boss is not None
        users_repo.set_active(session=session, user_id=boss.id, active=False)
    for actor in ("boss", "ghost", ""):
        with pytest.raises(PermissionDenied, match="no active user|say who is acting"):
            accounts.change_role(rt, actor=actor, username="rep", role="admin")
        with pytest.raises(PermissionDenied, match="no active user|say who is acting"):
            accounts.list_users(rt, actor=actor)
    assert [u.role for u in accounts.list_users(rt, actor=LOCAL_ADMIN) if u.username == "rep"] == [
        "rep"
    ]


def test_the_role_check_comes_before_the_password_check(seeded_runtime):
    with pytest.raises(PermissionDenied):
        accounts.add_user(seeded_runtime, username="mal", password="short", role="rep", actor="rep")


def test_who_may_list_which_users(seeded_runtime):
    rt = seeded_runtime
    accounts.add_user(
        rt, username="olly", password="a long passphrase", role="rep", team="Other", actor="admin"
    )
    accounts.add_user(
        rt, username="loner", password="a long passphrase", role="trainer", actor=LOCAL_ADMIN
    )
    demo = {"admin", "manager", "rep", "rep-zh", "trainer"}
    everyone = demo | {"olly", "loner"}
    for actor in (LOCAL_ADMIN, "admin"):
        assert {u.username for u in accounts.list_users(rt, actor=actor)} == everyone
        assert [u.username for u in accounts.list_users(rt, actor=actor, team="Other")] == ["olly"]
    for actor in ("trainer", "manager"):
        assert {u.username for u in accounts.list_users(rt, actor=actor)} == demo
        assert {u.username for u in accounts.list_users(rt, actor=actor, team="Demo Team")} == demo
        assert [u.username for u in accounts.list_users(rt, actor=actor, role="trainer")] == [
            "trainer"
        ]
        with pytest.raises(PermissionDenied, match="only their own team"):
            accounts.list_users(rt, actor=actor, team="Other")
    with pytest.raises(PermissionDenied, match="a rep may not"):
        accounts.list_users(rt, actor="rep")
    with pytest.raises(PermissionDenied, match="in no team"):
        accounts.list_users(rt, actor="loner")


@pytest.mark.parametrize(
    "username",
    ["   ", "", "../../etc", "a\x1b]0;pwned\x07b", "x" * 5000, "a", "x" * 33, "@local", ".hidden", "dana smith", "dana/x", "dána"],
)
def test_usernames_outside_the_rule_are_refused_and_nothing_is_stored(runtime, username):
    with pytest.raises(AccountError, match="is not allowed: use 2-32 characters") as caught:
        accounts.add_user(
            runtime, username=username, password="a long passphrase", role="rep", actor=LOCAL_ADMIN
        )
    assert "用户名" in str(caught.value) and len(str(caught.value)) < 400
    assert accounts.list_users(runtime, actor=LOCAL_ADMIN) == []


def test_a_username_is_stored_trimmed_and_in_lower_case(runtime):
    added = accounts.add_user(
        runtime, username="  Dana.Li_2-x ", password="a long passphrase", role="rep", actor=LOCAL_ADMIN
    )
    assert added.username == "dana.li_2-x"


def test_language_role_display_name_and_team_are_checked(runtime):
    def add(**kwargs):
        values = dict(username="dana", password="a long passphrase", role="rep", actor=LOCAL_ADMIN)
        return accounts.add_user(runtime, **(values | kwargs))

    with pytest.raises(AccountError, match="unknown language 'fr': use en or zh"):
        add(language="fr")
    with pytest.raises(AccountError, match="unknown role 'boss'"):
        add(role="boss")
    with pytest.raises(AccountError, match="display name"):
        add(display_name="Dana\x1b[2J")
    with pytest.raises(AccountError, match="display name"):
        add(display_name="y" * 500)
    with pytest.raises(AccountError, match="team name"):
        add(team="   ")
    with pytest.raises(AccountError, match="unknown role"):
        accounts.list_users(runtime, actor=LOCAL_ADMIN, role="boss")
    assert accounts.list_users(runtime, actor=LOCAL_ADMIN) == []
    assert add(language="zh", display_name=" 李娜 🚀 ", team=" East ").display_name == "李娜 🚀"


def test_common_and_patterned_passwords_are_refused(runtime):
    for password in ("aaaaaaaaaa", "1234567890", "password123", "qwertyuiop"):
        with pytest.raises(WeakPasswordError, match="密码"):
            accounts.add_user(
                runtime, username="eve", password=password, role="rep", actor=LOCAL_ADMIN
            )


def test_the_last_active_admin_cannot_be_demoted_or_disabled(seeded_runtime):
    rt = seeded_runtime
    for actor in ("admin", LOCAL_ADMIN):
        with pytest.raises(LastAdminError, match="last active admin"):
            accounts.change_role(rt, actor=actor, username="admin", role="rep")
        with pytest.raises(LastAdminError, match="last active admin"):
            accounts.set_active(rt, actor=actor, username="admin", active=False)
    assert accounts.change_role(rt, actor="admin", username="admin", role="admin").role == "admin"
    accounts.add_user(
        rt, username="second", password="a long passphrase", role="admin", actor="admin"
    )
    assert not accounts.set_active(rt, actor="admin", username="second", active=False).is_active
    with pytest.raises(LastAdminError):
        accounts.change_role(rt, actor="admin", username="admin", role="rep")
    assert accounts.set_active(rt, actor="admin", username="second", active=True).is_active
    assert accounts.change_role(rt, actor="second", username="admin", role="rep").role == "rep"
    with pytest.raises(PermissionDenied):
        accounts.set_active(rt, actor="rep", username="second", active=False)


def test_may_manage_users_is_checked_on_its_own(seeded_runtime):
    accounts.check_can_manage_users(seeded_runtime, actor="admin")
    accounts.check_can_manage_users(seeded_runtime, actor=LOCAL_ADMIN)
    with pytest.raises(PermissionDenied, match="a rep may not"):
        accounts.check_can_manage_users(seeded_runtime, actor="rep")

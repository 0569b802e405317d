"""The admin pages' services: passwords, teams and moves, refused to everyone but admins."""

from typing import Any

import pytest

from coach.accounts import LOCAL_ADMIN, AccountError
from coach.errors import NotFoundError, PermissionDenied
from coach.security import WeakPasswordError, check_password_strength
from coach.services import accounts
from coach.services.accounts import LastAdminError, LoginError
from coach.services.records import UserRecord
from coach.services.runtime import Runtime
from coach.store.repositories.users import DuplicateError

PASSPHRASE = "a long passphrase"


def _add(rt: Runtime, username: str, **kwargs: Any) -> UserRecord:
    values: dict[str, Any] = dict(username=username, password=PASSPHRASE, role="rep", actor="admin")
    return accounts.add_user(rt, **(values | kwargs))


def test_an_admin_sets_a_new_password_and_the_old_one_stops_working(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    _add(rt, "dana")
    reset = accounts.reset_password(rt, actor="admin", username="dana", password="another long phrase")
    assert reset.user.username == "dana" and reset.generated is None
    assert accounts.authenticate(rt, username="dana", password="another long phrase").username == "dana"
    with pytest.raises(LoginError, match="wrong username or password"):
        accounts.authenticate(rt, username="dana", password=PASSPHRASE)


def test_a_generated_password_is_returned_once_passes_the_policy_and_works(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    _add(rt, "dana")
    first = accounts.reset_password(rt, actor=LOCAL_ADMIN, username="Dana")
    second = accounts.reset_password(rt, actor="admin", username="dana")
    assert first.generated and second.generated and first.generated != second.generated
    check_password_strength(second.generated, username="dana")
    assert accounts.authenticate(rt, username="dana", password=second.generated).username == "dana"
    with pytest.raises(LoginError):
        accounts.authenticate(rt, username="dana", password=first.generated)
    assert second.generated not in repr(second.user)


def test_a_reset_password_follows_the_policy(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    _add(rt, "dana")
    for weak in ("short", "dana-1234567", "password123"):
        with pytest.raises(WeakPasswordError):
            accounts.reset_password(rt, actor="admin", username="dana", password=weak)
    assert accounts.authenticate(rt, username="dana", password=PASSPHRASE).username == "dana"
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        accounts.reset_password(rt, actor="admin", username="ghost", password=PASSPHRASE)


def test_teams_are_listed_with_members_and_managers(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    empty = accounts.add_team(rt, actor="admin", name=" East ", description="New reps")
    assert (empty.name, empty.members, empty.managers, empty.description) == ("East", 0, [], "New reps")
    _add(rt, "olly", team="East")
    _add(rt, "mo", role="manager", team="East")
    accounts.set_active(rt, actor="admin", username="olly", active=False)
    teams = {team.name: team for team in accounts.list_teams(rt, actor="admin")}
    assert list(teams) == ["Demo Team", "East"]
    assert (teams["East"].members, teams["East"].active_members, teams["East"].managers) == (2, 1, ["mo"])
    assert teams["Demo Team"].members == 5 and teams["Demo Team"].managers == ["manager"]
    assert [t.name for t in accounts.list_teams(rt, actor=LOCAL_ADMIN)] == ["Demo Team", "East"]


def test_a_taken_or_bad_team_name_is_refused(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    with pytest.raises(DuplicateError, match="already exists.*已有"):
        accounts.add_team(rt, actor="admin", name="Demo Team")
    for bad in ("   ", "x" * 500, "East\x1b[2J"):
        with pytest.raises(AccountError, match="team name"):
            accounts.add_team(rt, actor="admin", name=bad)
    assert [t.name for t in accounts.list_teams(rt, actor="admin")] == ["Demo Team"]


def test_a_user_moves_to_another_team_or_out_of_every_team(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    accounts.add_team(rt, actor="admin", name="East")
    assert accounts.set_team(rt, actor="admin", username="rep", team="East").team == "East"
    assert [u.username for u in accounts.list_users(rt, actor="admin", team="East")] == ["rep"]
    assert accounts.set_team(rt, actor="admin", username="rep", team=None).team is None
    with pytest.raises(NotFoundError, match="no team 'Nowhere'"):
        accounts.set_team(rt, actor="admin", username="rep", team="Nowhere")
    with pytest.raises(NotFoundError, match="no user"):
        accounts.set_team(rt, actor="admin", username="ghost", team="East")


def test_a_team_is_renamed_and_its_members_follow(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    renamed = accounts.rename_team(rt, actor="admin", name="Demo Team", new_name="Pilot")
    assert (renamed.name, renamed.members) == ("Pilot", 5)
    assert accounts.list_users(rt, actor="manager", team="Pilot")
    assert accounts.rename_team(rt, actor="admin", name="Pilot", new_name="Pilot").name == "Pilot"
    accounts.add_team(rt, actor="admin", name="East")
    with pytest.raises(DuplicateError, match="already exists"):
        accounts.rename_team(rt, actor="admin", name="East", new_name="Pilot")
    with pytest.raises(NotFoundError, match="no team"):
        accounts.rename_team(rt, actor="admin", name="Demo Team", new_name="Again")


def test_a_taken_username_is_refused_in_both_languages(seeded_runtime: Runtime) -> None:
    with pytest.raises(DuplicateError, match="is taken / 用户名"):
        _add(seeded_runtime, "Rep")


@pytest.mark.parametrize("actor", ["rep", "trainer", "manager", "ghost", ""])
def test_only_admins_may_use_the_admin_services(seeded_runtime: Runtime, actor: str) -> None:
    rt = seeded_runtime
    calls = [
        lambda: accounts.reset_password(rt, actor=actor, username="rep", password="another long phrase"),
        lambda: accounts.reset_password(rt, actor=actor, username="rep"),
        lambda: accounts.set_team(rt, actor=actor, username="rep", team=None),
        lambda: accounts.list_teams(rt, actor=actor),
        lambda: accounts.add_team(rt, actor=actor, name="Mine"),
        lambda: accounts.rename_team(rt, actor=actor, name="Demo Team", new_name="Mine"),
        lambda: accounts.set_active(rt, actor=actor, username="rep", active=False),
        lambda: accounts.change_role(rt, actor=actor, username=actor or "rep", role="admin"),
        lambda: _add(rt, "mal", actor=actor),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert accounts.authenticate(rt, username="rep", password="demo-rep-pass").team == "Demo Team"
    assert [t.name for t in accounts.list_teams(rt, actor="admin")] == ["Demo Team"]


def test_the_last_admin_rule_holds_whatever_else_an_admin_changes(seeded_runtime: Runtime) -> None:
    rt = seeded_runtime
    assert accounts.set_team(rt, actor="admin", username="admin", team=None).role == "admin"
    accounts.reset_password(rt, actor="admin", username="admin", password="another long phrase")
    with pytest.raises(LastAdminError, match="最后一个"):
        accounts.set_active(rt, actor="admin", username="admin", active=False)

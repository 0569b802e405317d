import pytest

from coach.accounts import Role
from coach.errors import NotFoundError
from coach.store.repositories import users
from coach.store.repositories.users import DuplicateError


def test_team_and_user_round_trip(runtime):
    with runtime.transaction() as s:
        team = users.create_team(session=s, name="North", description="northern region")
        user = users.create_user(
            session=s,
            username="ana",
            display_name="Ana",
            password_hash="x",
            role=Role.REP,
            team_id=team.id,
        )
        user_id = user.id
    with runtime.transaction() as s:
        found = users.get_user_by_username(session=s, username="ANA")
        assert found is not None and found.id == user_id
        assert found.team is not None and found.team.name == "North"
        assert found.role == "rep" and found.is_active and not found.is_demo
        assert [u.username for u in users.list_users(session=s, team_id=found.team_id)] == ["ana"]
        assert users.list_users(session=s, role=Role.ADMIN) == []


def test_duplicates_are_refused(runtime):
    with runtime.transaction() as s:
        users.create_team(session=s, name="T")
        users.create_user(
            session=s, username="bo", display_name="Bo", password_hash="x", role=Role.REP
        )
        with pytest.raises(DuplicateError):
            users.create_team(session=s, name="T")
        with pytest.raises(DuplicateError):
            users.create_user(
                session=s, username="bo", display_name="Bo 2", password_hash="y", role=Role.REP
            )


def test_role_password_and_active_changes(runtime):
    with runtime.transaction() as s:
        user = users.create_user(
            session=s, username="cy", display_name="Cy", password_hash="x", role=Role.REP
        )
        users.set_role(session=s, user_id=user.id, role=Role.TRAINER)
        users.set_password_hash(session=s, user_id=user.id, password_hash="new")
        users.set_active(session=s, user_id=user.id, active=False)
        user_id = user.id
    with runtime.transaction() as s:
        user = users.get_user(session=s, user_id=user_id)
        assert (user.role, user.password_hash, user.is_active) == ("trainer", "new", False)
        with pytest.raises(NotFoundError):
            users.get_user(session=s, user_id=99999)


def test_get_or_create_team_is_idempotent(runtime):
    with runtime.transaction() as s:
        first = users.get_or_create_team(session=s, name="Z")
        second = users.get_or_create_team(session=s, name="Z")
        assert first.id == second.id
        assert [t.name for t in users.list_teams(session=s)] == ["Z"]


def test_ui_language_is_stored_and_can_be_cleared(runtime):
    with runtime.transaction() as s:
        user_id = users.create_user(
            session=s, username="lu", display_name="Lu", password_hash="x", role=Role.REP
        ).id
    with runtime.transaction() as s:
        assert users.get_user(session=s, user_id=user_id).ui_language is None
        users.set_ui_language(session=s, user_id=user_id, language="zh")
    with runtime.transaction() as s:
        assert users.get_user(session=s, user_id=user_id).ui_language == "zh"
        users.set_ui_language(session=s, user_id=user_id, language=None)
    with runtime.transaction() as s:
        assert users.get_user(session=s, user_id=user_id).ui_language is None
        with pytest.raises(NotFoundError):
            users.set_ui_language(session=s, user_id=999, language="en")

"""The admin page shows a service's refusal in the admin's language only, never both joined."""

import pytest

from coach.errors import CoachError
from coach.services import accounts
from ui.context import Context
from ui.pages import admin


def _refusal(action, *args, **kwargs) -> CoachError:
    with pytest.raises(CoachError) as caught:
        action(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("language", "want", "other"),
    [
        ("en", ["last active admin", "is taken", "no team", "at least 10 characters", "no user 'nobody'"], "最后一个"),
        ("zh", ["最后一个有效的管理员", "已被使用", "没有名为 'Nowhere' 的团队", "密码至少需要", "没有名为 'nobody' 的用户"], "last active admin"),
    ],
)  # fmt: skip
def test_refusals_are_in_the_page_language_only(seeded_runtime, language, want, other):
    ctx = Context(runtime=seeded_runtime, practice=None, language=language)  # type: ignore[arg-type]
    rt = seeded_runtime
    errors = [
        _refusal(accounts.set_active, rt, actor="admin", username="admin", active=False),
        _refusal(
            accounts.add_user,
            rt,
            actor="admin",
            username="rep",
            password="violet kettle 42 across",
            role="rep",
        ),
        _refusal(accounts.set_team, rt, actor="admin", username="rep", team="Nowhere"),
        _refusal(accounts.reset_password, rt, actor="admin", username="rep", password="short"),
        _refusal(accounts.reset_password, rt, actor="admin", username="nobody", password="x"),
    ]
    for error, expected in zip(errors, want, strict=True):
        assert " / " in str(error)  # the command line still says both
        shown = admin.error_text(ctx, error)
        assert expected in shown, shown
        assert other not in shown and " / " not in shown, shown

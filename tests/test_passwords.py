"""Password strength: common passwords and trivial patterns are refused, in both languages."""

import pytest

from coach.passwords import (
    MIN_PASSWORD_BITS,
    WeakPasswordError,
    check_password_strength,
    common_passwords,
    estimate,
)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "repeat"),
        ("abcabcabcabc", "repeat"),
        ("1234567890", "common"),
        ("0987654321", "common"),
        ("password123", "common"),
        ("P@ssw0rd2024!", "common"),
        ("iloveyou2024", "common"),
        ("woaini5201314", "common"),
        ("qwertyuiop", "common"),
        ("asdfghjkl;", "keyboard"),
        ("zxcvbnm,./'", "keyboard"),
        ("19900101abc", "date"),
        ("13579135791", "repeat"),
        ("fedcbazyxw1", "sequence"),
    ],
)
def test_trivial_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(WeakPasswordError) as caught:
        check_password_strength(password)
    assert caught.value.reason == reason


def test_the_username_inside_the_password_is_refused():
    with pytest.raises(WeakPasswordError, match="username"):
        check_password_strength("Casey-likes-green-tea", username="casey")


@pytest.mark.parametrize(
    "password",
    ["long enough pass", "correct horse battery staple", "Tr0ub4dor&3x", "kx8#Lm2qPz", "我的密码是绿茶和月亮"],
)
def test_unguessable_passwords_pass(password):
    check_password_strength(password, username="dana")
    assert estimate(password).bits >= MIN_PASSWORD_BITS


def test_messages_come_in_english_and_chinese():
    with pytest.raises(WeakPasswordError) as caught:
        check_password_strength("password123")
    error = caught.value
    assert "most common passwords" in error.text("en")
    assert "最常见的密码" in error.text("zh")
    assert error.text("en") in str(error) and error.text("zh") in str(error)
    with pytest.raises(WeakPasswordError) as short:
        check_password_strength("short")
    assert "at least 10" in short.value.text("en") and "至少" in short.value.text("zh")


def test_the_shipped_list_has_thousands_of_lower_case_entries():
    words = common_passwords()
    assert len(words) >= 3000
    assert all(word == word.lower() and word.strip() == word for word in words)
    assert words["password"] < words["trustno1"]

import random
import secrets

import pytest

from coach.errors import ConfigurationError
from coach.passwords import secret_key_problem
from coach.settings import Settings, get_settings

STRONG_SECRET = "HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I"


def test_defaults_are_a_working_laptop_install(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.is_dev and not settings.llm_configured
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'coach.db').resolve()}"
    assert settings.resolved_chroma_path == tmp_path / "chroma"
    assert (settings.host, settings.port) == ("127.0.0.1", 7860)
    assert (settings.resolved_seeds_dir / "users.yaml").exists()


def test_environment_variables_use_the_coach_prefix(monkeypatch):
    monkeypatch.setenv("COACH_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/db")
    monkeypatch.setenv("COACH_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("COACH_LLM_MODEL", "qwen")
    settings = Settings()
    assert settings.resolved_database_url.startswith("postgresql+psycopg://")
    assert settings.llm_configured


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("COACH_PORT=8123\n")
    assert Settings().port == 8123


def test_production_refuses_the_dev_secret():
    with pytest.raises(ConfigurationError, match="COACH_SECRET_KEY"):
        Settings(env="production")
    with pytest.raises(ConfigurationError):
        Settings(env="production", secret_key="short")
    assert Settings(env="production", secret_key=STRONG_SECRET).env == "production"


@pytest.mark.parametrize(
    "secret",
    [
        " " * 40,
        "a" * 36,
        "x" * 40,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "password" * 5,
        "qwertyuiopasdfghjklzxcvbnm1234567890",
        "x" * 16 + "Q9v!k2#Lm8@zR4$w",
    ],
)
def test_production_refuses_a_secret_without_entropy(secret):
    with pytest.raises(ConfigurationError) as caught:
        Settings(env="production", secret_key=secret)
    message = str(caught.value)
    assert "\n" not in message and "COACH_SECRET_KEY" in message
    assert "secrets.token_urlsafe(48)" in message


@pytest.mark.parametrize(
    "secret",
    [
        secrets.token_urlsafe(48),
        secrets.token_urlsafe(24),
        secrets.token_hex(32),
        "HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I",
    ],
)
def test_production_accepts_a_random_secret(secret):
    assert Settings(env="production", secret_key=secret).env == "production"


def test_no_random_hex_secret_is_refused_for_patterns_it_holds_by_chance():
    # CI once drew a token_hex(16) whose digit runs read as dates: about 127 "bits", refused.
    draw = random.Random(20261203)
    for _ in range(3000):
        secret = f"{draw.getrandbits(128):032x}"
        assert secret_key_problem(secret) is None, secret


def test_a_secret_built_from_dates_is_still_refused():
    with pytest.raises(ConfigurationError, match="too predictable"):
        Settings(env="production", secret_key="1987-03-14/2001-11-29/1995-06-08/2012-07-25")


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("COACH_ENV", "prod", "COACH_ENV='prod' is not valid: Input should be 'dev' or 'production'"),
        ("COACH_PORT", "abc", "COACH_PORT='abc' is not valid"),
        ("COACH_PORT", "70000", "COACH_PORT='70000' is not valid"),
        ("COACH_MAX_UPLOAD_MB", "-3", "COACH_MAX_UPLOAD_MB='-3' is not valid"),
        ("COACH_LLM_TIMEOUT_S", "soon", "COACH_LLM_TIMEOUT_S='soon' is not valid"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(monkeypatch, variable, value, said):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    assert said in str(caught.value) and "\n" not in str(caught.value)

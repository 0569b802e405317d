import pytest

from coach.errors import ConfigurationError
from coach.settings import Settings


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
    assert Settings(env="production", secret_key="x" * 40).env == "production"

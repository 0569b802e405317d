"""Settings: one class, read from ``COACH_*`` environment variables and an optional ``.env``.

Defaults give a working single-laptop install: a SQLite file and a persistent chroma index
under the data dir, embedded speech models, no LLM. Scale-out is a matter of settings
(PostgreSQL URL, chroma server URL, an OpenAI-compatible LLM endpoint).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coach.errors import ConfigurationError
from coach.passwords import GENERATE_SECRET, secret_key_problem

DEV_SECRET = "dev-only-insecure-secret-change-me"
"""The session-signing secret used in dev mode; refused in any other environment."""


class Settings(BaseSettings):
    """Every setting of the coach, with its ``COACH_`` environment variable."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["dev", "production"] = Field(
        default="dev",
        description="dev allows demo users and the dev secret; production refuses them.",
    )
    data_dir: Path = Field(
        default=Path("data"), description="Where the database, index, audio and caches live."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the data dir."
    )
    chroma_path: Path | None = Field(
        default=None, description="Persistent chroma index folder; default: <data_dir>/chroma."
    )
    chroma_url: str | None = Field(
        default=None, description="A chroma server (http://host:8000); overrides chroma_path."
    )
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint; unset: no LLM."
    )
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the LLM endpoint.")
    llm_model: str | None = Field(default=None, description="Model name at the LLM endpoint.")
    llm_timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds before an LLM call is given up."
    )
    llm_structured_output: Literal["function_calling", "json_mode", "json_schema"] = Field(
        default="function_calling", description="How typed answers are asked of the LLM."
    )
    stt_model: str = Field(
        default="base", description="Whisper model: base, tiny.en, or a path/name."
    )
    stt_device: str = Field(default="cpu", description="cpu or cuda.")
    stt_compute_type: str = Field(
        default="int8", description="CTranslate2 compute type (int8, float16...)."
    )
    tts_en: str = Field(default="piper", description="English synthesizer.")
    tts_zh: str = Field(default="kokoro", description="Mandarin synthesizer.")
    max_upload_mb: int = Field(default=50, gt=0, description="Largest accepted upload.")
    max_audio_s: int = Field(default=600, gt=0, description="Longest accepted audio clip.")
    api_rate_per_minute: int = Field(
        default=300,
        gt=0,
        description="REST API requests per minute per user (token or cookie); more get a 429.",
    )
    max_voice_calls: int = Field(
        default_factory=lambda: 2 * (os.cpu_count() or 1),
        gt=0,
        description="Voice calls one app process serves at once (default: 2 per CPU core); "
        "a call beyond it is refused with a notice and the rep types instead.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="Signs login sessions; must be set outside dev."
    )
    host: str = Field(default="127.0.0.1", description="Address coach serve binds to.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port coach serve listens on.")
    seeds_dir: Path | None = Field(
        default=None, description="Seed content folder; default: the repo's seeds/."
    )

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> Settings:
        if self.env != "dev":
            secret = self.secret_key.get_secret_value()
            if secret == DEV_SECRET:
                raise ConfigurationError(
                    "COACH_SECRET_KEY must be set outside dev mode (it is the dev secret); "
                    f"set it to a random value made with: {GENERATE_SECRET}"
                )
            problem = secret_key_problem(secret)
            if problem is not None:
                raise ConfigurationError(problem)
        return self

    @property
    def is_dev(self) -> bool:
        """True in dev mode, where demo users may log in."""
        return self.env == "dev"

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL to use: the setting, or a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'coach.db').resolve()}"

    @property
    def resolved_chroma_path(self) -> Path:
        """The persistent chroma folder."""
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def resolved_seeds_dir(self) -> Path:
        """The seed content folder."""
        if self.seeds_dir is not None:
            return self.seeds_dir
        return Path(__file__).resolve().parent.parent / "seeds"

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI-compatible LLM endpoint and model are set."""
        return bool(self.llm_base_url and self.llm_model)


_SECRET_FIELDS = frozenset(
    {"secret_key", "llm_api_key", "database_url", "chroma_url", "llm_base_url"}
)
"""Settings whose value may hold a password or a key: an error names them, never shows them."""


def describe_invalid(error: ValidationError) -> str:
    """One line for invalid settings: each variable, the value given (unless secret), the rule."""
    parts = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = f"COACH_{field.upper()}" if field else "the settings"
        info = Settings.model_fields.get(field)
        shown = "" if field in _SECRET_FIELDS else f"={item.get('input')!r}"
        rule = str(item["msg"]).removeprefix("Value error, ")
        hint = f" ({info.description.rstrip('.')})" if info is not None and info.description else ""
        parts.append(f"{name}{shown} is not valid: {rule}{hint}")
    return "; ".join(parts)


def get_settings() -> Settings:
    """Read the settings from the environment (and ``.env``) now.

    Raises :class:`ConfigurationError` with one line naming each bad ``COACH_*`` variable.
    """
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(describe_invalid(error)) from None

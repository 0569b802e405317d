"""The configured chat model, built once from the settings for every service that needs one."""

from __future__ import annotations

from coach.backends.ports import ChatModel
from coach.settings import Settings


def chat_model(settings: Settings) -> ChatModel | None:
    """The OpenAI-compatible chat model named by the settings, or None when none is set."""
    if not settings.llm_configured:
        return None
    from coach.backends.openai_chat import OpenAIChatModel

    assert settings.llm_base_url is not None and settings.llm_model is not None
    return OpenAIChatModel(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_s,
        structured_method=settings.llm_structured_output,
    )

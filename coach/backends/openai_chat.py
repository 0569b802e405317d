"""ChatModel adapter for any OpenAI-compatible endpoint, through ``langchain-openai``.

OpenAI, vLLM, Ollama, llama.cpp server, DeepSeek, Qwen: anything that speaks
``/v1/chat/completions``. Connection failures and time-outs become ModelUnavailableError,
with the URL and what to do, so callers can fall back to the built-in engines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from coach.errors import ModelUnavailableError

__all__ = ["ModelUnavailableError", "OpenAIChatModel"]


def _messages(messages: Sequence[Mapping[str, str]]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


class OpenAIChatModel:
    """A chat model at an OpenAI-compatible URL."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        structured_method: Literal[
            "function_calling", "json_mode", "json_schema"
        ] = "function_calling",
    ):
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError(
                "the LLM adapter needs langchain-openai: pip install -e '.[llm]'"
            ) from exc
        self.base_url = base_url
        self.model = model
        self.structured_method = structured_method
        self._client = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "not-needed",  # local servers accept any key
            timeout=timeout_s,
            max_retries=1,
        )

    def _unavailable(self, exc: Exception) -> ModelUnavailableError:
        return ModelUnavailableError(
            f"the language model at {self.base_url} did not answer ({type(exc).__name__}: {exc}). "
            "Check COACH_LLM_BASE_URL and that the server is running; the built-in engine keeps working."
        )

    def complete(self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7) -> str:
        """Return the assistant's reply."""
        try:
            reply = self._client.bind(temperature=temperature).invoke(_messages(messages))
        except Exception as exc:  # the client raises many transport error types
            raise self._unavailable(exc) from exc
        return str(reply.content)

    def stream(
        self, messages: Sequence[Mapping[str, str]], *, temperature: float = 0.7
    ) -> Iterator[str]:
        """Yield the reply in pieces as the server sends them."""
        try:
            for chunk in self._client.bind(temperature=temperature).stream(_messages(messages)):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def structured(self, messages: Sequence[Mapping[str, str]], schema: type[Any]) -> Any:
        """Return the reply as ``schema`` via function calling (or JSON mode if configured)."""
        runnable = self._client.with_structured_output(schema, method=self.structured_method)
        try:
            return runnable.invoke(_messages(messages))
        except Exception as exc:
            from pydantic import ValidationError

            if isinstance(exc, ValidationError | ValueError) and not _is_transport(exc):
                raise ValueError(
                    f"the model's answer did not fit {schema.__name__}: {exc}"
                ) from exc
            raise self._unavailable(exc) from exc


def _is_transport(exc: Exception) -> bool:
    name = type(exc).__name__
    return any(word in name for word in ("Connection", "Timeout", "APIStatus", "APIError"))

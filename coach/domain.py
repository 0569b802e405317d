"""Small shared pieces of the domain models: the strict base model and common types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
"""Ids of scenarios, personas and clips: lower-case letters, digits and dashes."""

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
"""Ids inside a file (key points, flow nodes, objections): also allow underscores."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Non-empty text, stripped."""


class Strict(BaseModel):
    """Base for every file-backed model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


def nonempty_list() -> object:
    """Return a Field for a list that must have at least one item."""
    return Field(min_length=1)

"""Pagination: ``limit`` and ``offset`` query parameters, and a page with its total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 500

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-500).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]


class Page(BaseModel, Generic[T]):
    """One page of a list, and how many items there are in all."""

    total: int
    limit: int
    offset: int
    items: list[T]


def page(items: Sequence[Any], limit: int, offset: int) -> Page[Any]:
    """The page ``[offset, offset + limit)`` of a list the service returned whole."""
    return Page[Any](
        total=len(items), limit=limit, offset=offset, items=list(items[offset : offset + limit])
    )

"""Cursor pagination over any queryset, keyed on the primary key (stable under inserts)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from domain.common.errors import InvalidInput

M = TypeVar("M", bound=Model)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_ID = 2**31 - 1  # ids are 32-bit integers in both databases


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    total_count: int

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.items[-1].pk) if self.items else None


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        prefix, _, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if not (raw.isascii() and raw.isdigit()):  # int() would read "１" or " 7 " too
            raise ValueError(raw)
        pk = int(raw)
        if prefix != "id" or not 0 <= pk <= MAX_ID:
            raise ValueError(prefix)
        return pk
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("This cursor was not given by this API", field="after") from None


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE_SIZE}", field="first")
    return size


async def paginate(queryset: QuerySet[M], *, first: int | None, after: str | None) -> Page[M]:
    size = page_size(first)
    total = await queryset.count()
    window = queryset.order_by("id")
    if after is not None:
        window = window.filter(id__gt=decode_cursor(after))
    rows = await window.limit(size + 1)
    return Page(items=list(rows[:size]), has_next_page=len(rows) > size, total_count=total)

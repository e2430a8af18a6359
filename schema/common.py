"""What every noun's types share: pages of a list, the error codes, the 'unchanged' convention of update inputs."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from domain.common.errors import ErrorCode
from domain.common.pagination import Page

strawberry.enum(
    ErrorCode, description="Stable codes in `errors[].extensions.code`: clients switch on these, never on messages"
)


T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when `after: endCursor` gives more")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page")


@strawberry.type(description="One page of a list, newest last")
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(description="The items of this page")
    page_info: PageInfo = strawberry.field(description="How to get the next page")
    total_count: int = strawberry.field(description="How many items match, across all pages")


def connection(page: Page, make: object) -> Connection:  # type: ignore[type-arg]
    to_type = make.from_row  # type: ignore[attr-defined]
    return Connection(
        nodes=[to_type(row) for row in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        total_count=page.total_count,
    )


UNCHANGED = "Left out: unchanged"

PAGE_HELP = "Pages: `first` (1-100, default 20) items after the cursor `after`."

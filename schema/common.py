"""What every noun's types share: pages of a list, the error codes, the 'unchanged' convention of update inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Generic, NewType, TypeVar

import strawberry
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

from domain.common.errors import ErrorCode, TimeWithoutZone
from domain.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, page_size
from schema.limits import PAGE_ITEMS
from schema.string_inputs import CURSOR

strawberry.enum(
    ErrorCode, description="Stable codes in `errors[].extensions.code`: clients switch on these, never on messages"
)

# Money: GraphQL's Int is 32 bits, 21 million yuan, less than a month of a large community's bills.
Fen = NewType("Fen", int)
FEN: ScalarDefinition = strawberry.scalar(
    name="Fen",
    serialize=int,
    parse_value=int,
    description="An amount of money in integer fen (1/100 yuan), as a JSON number (64-bit: sums of many bills fit)",
)


T = TypeVar("T")
R = TypeVar("R")


@strawberry.type(description="Where a page ends and whether another follows")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when `after: endCursor` gives more")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page")


@strawberry.type(description="One page of a list, newest last")
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(description="The items of this page", metadata=PAGE_ITEMS)
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

# The `after` arguments: of a page (its endCursor), of a live feed (a message's cursor).
PageCursor = Annotated[
    str | None, strawberry.argument(description="The endCursor of the page before this one", metadata=CURSOR)
]
LiveCursor = Annotated[
    str | None,
    strawberry.argument(
        description="The cursor of the last message you received: replays what followed", metadata=CURSOR
    ),
]

PAGE_HELP = f"Pages: `first` (1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}) items after the cursor `after`."


def first_help(everything: str | None = None) -> str:
    """The description's end of a nested list: how many it holds, and where to read them all."""
    help = f"The first `first` (1-{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}), by id"
    return f"{help}; all of them, page by page: `{everything}`" if everything else help


def first_of(rows: Sequence[R], first: int | None) -> list[R]:
    """A nested list's first `first` rows (1-100, default 20; anything else is INVALID_INPUT on
    `first`). Its loader has read the whole group: the query cost limit bounds how many groups."""
    return list(rows[: page_size(first)])


def parse_aware_datetime(value: object) -> object:
    """Strawberry's DateTime, refusing a time without a zone: compared with the stored times
    (all with their zone) it could only fail, and which zone it meant is the client's to say."""
    parsed = DateTimeDefinition.parse_value(value)  # type: ignore[misc]
    if isinstance(parsed, datetime) and parsed.utcoffset() is None:
        raise TimeWithoutZone(value)  # its field is named by schema.extensions.MaskUnexpectedErrors
    return parsed


# Every DateTime of the schema, argument or input field.
AWARE_DATETIME: ScalarDefinition = dataclasses.replace(DateTimeDefinition, parse_value=parse_aware_datetime)

# When a device measured a reading. Its time zone is checked with the reading's other values, so
# that one bad clock refuses one reading (with its reason), not the gateway's whole report.
ReadingTime = NewType("ReadingTime", datetime)
READING_TIME: ScalarDefinition = strawberry.scalar(
    name="ReadingTime",
    description="An ISO 8601 time, as DateTime; one without a zone does not refuse the report: its reading "
    "is rejected alone (rejected[], field recordedAt)",
    serialize=DateTimeDefinition.serialize,  # type: ignore[arg-type]  # always set on DateTime's
    parse_value=DateTimeDefinition.parse_value,
)

# The schema's scalars that are not strawberry's own (schema/build.py).
SCALARS: dict[object, ScalarDefinition] = {datetime: AWARE_DATETIME, ReadingTime: READING_TIME, Fen: FEN}

"""GraphQL IDs are opaque strings; inside they are database ids."""

from __future__ import annotations

import re

from domain.common.errors import InvalidInput
from domain.common.pagination import MAX_ID

# Only ASCII digits: int() also reads "１" (fullwidth), " 7 ", "+7" and "1_0", none of which this API gave out.
_DIGITS = re.compile(r"[0-9]{1,20}")


def _number(value: str | int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise ValueError(value)


def parse_id(value: str | int, field: str) -> int:
    try:
        parsed = _number(value)
    except ValueError:
        raise InvalidInput(f"{field} is not a valid id", field=field) from None
    if not 1 <= parsed <= MAX_ID:
        raise InvalidInput(f"{field} is not a valid id", field=field)
    return parsed


def parse_optional_id(value: str | int | None, field: str) -> int | None:
    return None if value is None else parse_id(value, field)


def parse_cursor(after: str | None) -> int | None:
    """Subscription cursors are the event ids the server sent, as text."""
    if after is None:
        return None
    try:
        value = _number(after)
    except ValueError:
        raise InvalidInput("after is a cursor from an earlier event", field="after") from None
    if not 0 <= value <= MAX_CURSOR:
        raise InvalidInput("after is a cursor from an earlier event", field="after")
    return value


MAX_CURSOR = 2**63 - 1  # event ids are 64-bit

"""Turning an *UpdateInput into the dict of changes a domain update function takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from resolvers.ids import parse_optional_id


def provided(inp: object, fields: dict[str, Callable[[Any], Any] | None]) -> dict[str, Any]:
    """Only the fields the client sent (UNSET ones are left out), converted where a converter is given."""
    out: dict[str, Any] = {}
    for name, convert in fields.items():
        value = getattr(inp, name)
        if value is strawberry.UNSET:
            continue
        out[name] = convert(value) if convert is not None else value
    return out


def id_field(field: str) -> Callable[[Any], int | None]:
    return lambda value: parse_optional_id(value, field)

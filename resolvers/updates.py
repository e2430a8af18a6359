"""Turning an *UpdateInput into the dict of changes a domain update function takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from domain.common.errors import InvalidInput
from domain.common.text import camel
from resolvers.ids import parse_optional_id


def provided(
    inp: object, fields: dict[str, Callable[[Any], Any] | None], *, nullable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Only the fields the client sent (UNSET ones are left out), converted where a converter is given.

    GraphQL cannot say "may be left out, but not null" in an input: null for a field
    that is not in ``nullable`` is refused here, by name.
    """
    out: dict[str, Any] = {}
    for name, convert in fields.items():
        value = getattr(inp, name)
        if value is strawberry.UNSET:
            continue
        if value is None and name not in nullable:
            raise InvalidInput(f"{camel(name)} cannot be null: leave it out to keep it", field=camel(name))
        out[name] = convert(value) if convert is not None and value is not None else value
    return out


def id_field(field: str) -> Callable[[Any], int | None]:
    return lambda value: parse_optional_id(value, field)

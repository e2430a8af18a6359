"""Production hides "Did you mean …?" from errors, as it hides introspection: validation's
(fields, arguments, types, enum values, input fields) and execution's (a variable's value)."""

from __future__ import annotations

from typing import Any

from auth.tokens import TokenIssuer
from resolvers.context import Context
from resolvers.root import build_schema

MISTAKES: list[tuple[str, dict[str, Any] | None]] = [
    ("{ me { idNumbr } }", None),  # a field
    ("{ houses(frist: 1) { totalCount } }", None),  # an argument
    ("query ($id: Id!) { house(id: $id) { number } }", None),  # a type
    ("{ residents(tag: ELDERLY_ALON) { totalCount } }", None),  # an enum value
    ('mutation { personCreate(input: {communityId: "1", nam: "x", phone: "1"}) { id } }', None),  # an input field
    ("query ($tag: CareTag) { residents(tag: $tag) { totalCount } }", {"tag": "ELDERLY_ALON"}),  # a variable's value
]


async def _messages(production: bool) -> list[str]:
    issuer = TokenIssuer(secret="s" * 48, issuer="i", audience="a", access_ttl_seconds=60, refresh_ttl_seconds=60)
    schema = build_schema(production=production)
    messages = []
    for query, variables in MISTAKES:
        result = await schema.execute(query, variable_values=variables, context_value=Context(issuer, "r"))
        assert result.errors, query
        messages.append(" / ".join(e.message for e in result.errors))
    return messages


async def test_production_errors_suggest_nothing() -> None:
    for message in await _messages(production=True):
        assert "Did you mean" not in message, message


async def test_development_errors_still_suggest() -> None:
    for message in await _messages(production=False):
        assert "Did you mean" in message, message

"""What every isolation sweep shares: the root fields a noun serves (so a new field without a probe
fails its sweep), a probe and how it is run (refused, or answered without the victim's rows, and
nothing written either way), and subscriptions refused or replayed up to a marker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from strawberry.types import get_object_definition
from tortoise.models import Model

import resolvers.root as root
from domain.common.text import camel
from domain.people.models import Person
from realtime.models import OutboxEvent
from tests.conftest import RunningServer
from tests.realtime.support import socket
from tests.support import Api

REFUSED = frozenset({"NOT_FOUND", "FORBIDDEN"})
S = TypeVar("S")


def root_fields(nouns: Iterable[str]) -> set[str]:
    """The root fields these nouns' resolver modules serve, as the schema names them."""
    wanted = set(nouns)
    names: set[str] = set()
    for part in (root.Query, root.Mutation, root.Subscription):
        for f in get_object_definition(part, strict=True).fields:
            module = f.base_resolver.wrapped_func.__module__ if f.base_resolver else ""
            if module.rsplit(".", 1)[-1] in wanted:
                names.add(f.graphql_name or camel(f.python_name))
    return names


@dataclass(frozen=True)
class Probe(Generic[S]):
    document: str
    variables: Callable[[S, Person], dict[str, Any]]
    by: Callable[[S], list[Person]]
    # For a list: the victim's ids it must leave out (or it is refused). None: it must be refused.
    victims: Callable[[S, Person], set[str]] | None = None


async def snapshot(tables: Iterable[type[Model]]) -> dict[str, Any]:
    state: dict[str, Any] = {m.__name__: await m.all().order_by("id").values() for m in tables}
    state["outbox"] = await OutboxEvent.all().count()
    return state


def refused(result: dict[str, Any], codes: frozenset[str] = REFUSED) -> bool:
    found = {(e.get("extensions") or {}).get("code") for e in result.get("errors") or []}
    answered = [v for v in (result.get("data") or {}).values() if v is not None]
    return bool(found) and found <= codes and not answered


def ids_in(value: Any, keys: tuple[str, ...] = ("id",)) -> set[str]:
    """Every `id` (or other of ``keys``) anywhere in the answer."""
    if isinstance(value, dict):
        found = {str(v) for k, v in value.items() if k in keys}
        return found | {i for v in value.values() for i in ids_in(v, keys)}
    if isinstance(value, list):
        return {i for v in value for i in ids_in(v, keys)}
    return set()


async def assert_holds(
    api: Api, scene: S, probe: Probe[S], tables: Iterable[type[Model]], codes: frozenset[str] = REFUSED
) -> None:
    """Each prober is refused, or (a list) answered without the victim's rows; nothing is written."""
    tables = tuple(tables)
    before = await snapshot(tables)
    leaks: list[tuple[str, Any]] = []
    for person in probe.by(scene):
        result = await api(probe.document, probe.variables(scene, person), as_=person)
        if refused(result, codes):
            continue
        if probe.victims is None:
            leaks.append((person.name, result))
        else:
            assert not result.get("errors"), (person.name, result)
            found = ids_in(result["data"]) & probe.victims(scene, person)
            if found:
                leaks.append((person.name, sorted(found)))
    assert not leaks, leaks
    assert await snapshot(tables) == before, "a refused operation wrote something"


async def until_marker(
    server: RunningServer, person: Person, document: Any, variables: dict[str, Any], marker: str, kind: str = ""
) -> list[dict[str, Any]]:
    """Every message of the subscription (replayed from the start) up to the one about `marker`
    (of that kind, when given)."""
    received: list[dict[str, Any]] = []
    async with socket(server, person) as session:
        request = GraphQLRequest(document, variable_values={"after": "0", **variables})

        async def collect() -> None:
            async for message in session.subscribe(request):
                payload = next(iter(message.values()))
                received.append(payload)
                if marker in ids_in(payload) and payload["kind"].endswith(kind):
                    return

        await asyncio.wait_for(collect(), timeout=15)
    return received


async def refusal(server: RunningServer, person: Person, document: Any, variables: dict[str, Any]) -> str:
    """The code a subscription is refused with (replayed from the start)."""
    async with socket(server, person) as session:
        request = GraphQLRequest(document, variable_values={"after": "0", **variables})
        with pytest.raises(TransportQueryError) as refused_with:
            async for _ in session.subscribe(request):
                pass
    assert refused_with.value.errors is not None
    return str(refused_with.value.errors[0]["extensions"]["code"])

"""One execution per event for subscribers who would get the same answer — and only for them.

A small schema of its own, run through strawberry's real subscribe path with the executor the
app uses: the question is what graphql execution does, not what the network does (the
subscription tests over real WebSockets run through the same executor, e.g.
tests/events/test_live_updates_answer_as_each_viewer.py). Viewers who see different places never
share a scope."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from auth.roles import Role
from auth.viewer import Grant, Viewer
from schema.shared_events import SHARED_BY_SCOPE, SharedEventExecutor


@dataclass
class Reads:
    """How many times a plain field was read, across all subscribers."""

    count: int = 0


@strawberry.type
class Ping:
    cursor: str

    @strawberry.field
    def viewer(self, info: Info) -> str:
        return str(info.context["viewer"])

    @strawberry.field(description="What the viewer may see here", metadata=SHARED_BY_SCOPE)  # type: ignore[untyped-decorator]  # see pyproject: schema.*
    def place(self, info: Info) -> str:
        """What the viewer's scope lets them see here; counted, to tell shared runs from own ones."""
        info.context["runs"].count += 1
        return f"seen from {info.context.sharing_scope()}"

    def share_key(self) -> str:
        return f"Ping:{self.cursor}"


@strawberry.type
class PlainPing:
    cursor: str
    reads: strawberry.Private[Reads]

    def share_key(self) -> str:
        return f"PlainPing:{object.__getattribute__(self, 'cursor')}"  # not counted as a read


class CountingPlainPing(PlainPing):
    """Counts reads of the plain `cursor` field: how often the selection set really ran."""

    def __getattribute__(self, name: str) -> Any:
        if name == "cursor":  # the executor reading the field
            object.__getattribute__(self, "reads").count += 1
        return object.__getattribute__(self, name)


EVENTS: list[CountingPlainPing] = []


@strawberry.type
class Query:
    hello: str = "hi"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def pings(self, count: int = 3) -> AsyncGenerator[PlainPing, None]:
        for event in EVENTS[:count]:
            yield event
            await asyncio.sleep(0)  # let the other subscribers take the same event

    @strawberry.subscription
    async def personal(self) -> AsyncGenerator[Ping, None]:
        yield Ping(cursor="1")


schema = strawberry.Schema(query=Query, subscription=Subscription, execution_context_class=SharedEventExecutor)


class ScopedContext(dict[str, Any]):
    """A context that says the viewer's scope, as the app's Context does."""

    def __init__(self, viewer: str, scope: str, runs: Reads) -> None:
        super().__init__(viewer=viewer, runs=runs)
        self.scope = scope

    def sharing_scope(self) -> str:
        return self.scope


async def _collect(query: str, viewer: str) -> list[dict[str, Any]]:
    results = []
    stream = await schema.subscribe(query, context_value={"viewer": viewer})
    assert not isinstance(stream, strawberry.types.ExecutionResult)
    async for result in stream:
        assert result.errors is None and result.data is not None, result.errors
        results.append(result.data)
    return results


async def test_subscribers_of_plain_fields_share_one_execution_per_event() -> None:
    reads = Reads()
    EVENTS[:] = [CountingPlainPing(cursor=f"c{i}", reads=reads) for i in range(3)]
    query = "subscription { pings { cursor } }"

    answers = await asyncio.gather(*(_collect(query, viewer=f"v{i}") for i in range(50)))

    assert all(answer == [{"pings": {"cursor": f"c{i}"}} for i in range(3)] for answer in answers)
    assert reads.count == 3  # 3 events × 50 subscribers, executed 3 times


async def test_a_field_with_a_resolver_runs_for_each_subscriber() -> None:
    # `viewer` reads the context: sharing it would hand one viewer's answer to another.
    query = "subscription { personal { cursor viewer } }"

    first, second = await asyncio.gather(_collect(query, "alice"), _collect(query, "bob"))

    assert first == [{"personal": {"cursor": "1", "viewer": "alice"}}]
    assert second == [{"personal": {"cursor": "1", "viewer": "bob"}}]


async def test_different_variables_are_not_shared() -> None:
    reads = Reads()
    EVENTS[:] = [CountingPlainPing(cursor=f"c{i}", reads=reads) for i in range(3)]
    query = "subscription ($n: Int!) { pings(count: $n) { cursor } }"

    one = await schema.subscribe(query, variable_values={"n": 1}, context_value={"viewer": "a"})
    two = await schema.subscribe(query, variable_values={"n": 2}, context_value={"viewer": "b"})
    assert not isinstance(one, strawberry.types.ExecutionResult)
    assert not isinstance(two, strawberry.types.ExecutionResult)
    got_one = [r.data async for r in one]
    got_two = [r.data async for r in two]

    assert len(got_one) == 1 and len(got_two) == 2
    assert reads.count == 3  # c0 once per variables, c1 once


async def test_fields_shared_by_scope_run_once_per_scope_and_never_cross_scopes() -> None:
    runs = Reads()
    query = "subscription { personal { cursor place } }"
    contexts = [ScopedContext(f"operator{i}", "operators of A", runs) for i in range(5)] + [
        ScopedContext("household 101", "house 101", runs),
        ScopedContext("household 102", "house 102", runs),
    ]

    async def answers(context: ScopedContext) -> list[Any]:
        stream = await schema.subscribe(query, context_value=context)
        assert not isinstance(stream, strawberry.types.ExecutionResult)
        return [r.data async for r in stream]

    results = await asyncio.gather(*(answers(c) for c in contexts))

    assert runs.count == 3  # one per scope: the five operators share
    assert results[0] == [{"personal": {"cursor": "1", "place": "seen from operators of A"}}]
    assert all(r == results[0] for r in results[:5])
    assert results[5] == [{"personal": {"cursor": "1", "place": "seen from house 101"}}]
    assert results[6] == [{"personal": {"cursor": "1", "place": "seen from house 102"}}]


async def test_a_field_shared_by_scope_beside_a_per_viewer_field_runs_per_viewer() -> None:
    runs = Reads()
    query = "subscription { personal { place viewer } }"
    contexts = [ScopedContext(name, "operators of A", runs) for name in ("alice", "bob")]

    async def answers(context: ScopedContext) -> list[Any]:
        stream = await schema.subscribe(query, context_value=context)
        assert not isinstance(stream, strawberry.types.ExecutionResult)
        return [r.data async for r in stream]

    alice, bob = await asyncio.gather(*(answers(c) for c in contexts))

    assert runs.count == 2
    assert alice[0]["personal"]["viewer"] == "alice" and bob[0]["personal"]["viewer"] == "bob"


def test_viewers_who_see_different_places_never_share_a_scope() -> None:
    """Everything readable_houses/visible_house reads is in Viewer.scope; the person is not."""
    base = Viewer(person_id=1)
    differing = [
        Viewer(),  # no one
        Viewer(person_id=1, grants=(Grant(Role.PLATFORM_ADMIN, None),)),
        Viewer(person_id=1, grants=(Grant(Role.OPERATOR, 1),)),
        Viewer(person_id=1, grants=(Grant(Role.OPERATOR, 2),)),
        Viewer(person_id=1, grants=(Grant(Role.HOUSEKEEPER, 1, 1),)),
        Viewer(person_id=1, grants=(Grant(Role.HOUSEKEEPER, 1, 2),)),
        Viewer(person_id=1, grants=(Grant(Role.MERCHANT, 1),)),
        Viewer(person_id=1, house_ids=frozenset({1}), resident_community_ids=frozenset({1})),
        Viewer(person_id=1, house_ids=frozenset({2}), resident_community_ids=frozenset({1})),
    ]
    scopes = [v.scope for v in [base, *differing]]
    assert len(set(scopes)) == len(scopes)
    twin = Viewer(person_id=2, grants=(Grant(Role.OPERATOR, 1),), session="other")
    assert twin.scope == differing[2].scope  # same places, another person: shared, as designed

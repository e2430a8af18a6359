"""Every String the schema takes, argument or input field, nested or in a list, query, mutation or
subscription: too long for its column, holding a NUL (PostgreSQL refuses it) or a lone surrogate
(JSON can carry one, no database can store it), it is INVALID_INPUT naming its place, before any
resolver runs: never INTERNAL, nothing written, no ERROR in the log. Every ID, written in anything
but ASCII digits, is INVALID_INPUT too. The cases are generated from the built schema."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import pytest
import strawberry
from gql import GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from tortoise import fields

from auth.roles import Role
from domain.devices.models import AlarmThreshold
from domain.people.models import Person
from schema.build import build_schema
from schema.string_inputs import at_most, declared_length
from tests.conftest import _TABLES, RunningServer
from tests.realtime.support import socket_at, take
from tests.schema_inputs import Taken, as_literal, as_variable, taken
from tests.support import Api, World, errors_logged, make_staff, token_for

STRINGS = taken("String", ("query", "mutation"))
LIVE_STRINGS = taken("String", ("subscription",))
IDS = taken("ID", ("query", "mutation"))
LIVE_IDS = taken("ID", ("subscription",))

NUL = "a\x00b"
SURROGATE = "a\ud800b"
NOT_ASCII_DIGITS = ["\uff11", "+1", " 1", "1e3"]


def _limit(case: Taken) -> int:
    length = declared_length(case.place)
    assert length is not None, f"{case} declares no length"
    return length.characters


def test_the_cases_cover_the_schema() -> None:
    where = {str(case) for case in STRINGS + LIVE_STRINGS}
    # The issue's own examples, an input field in a list, a list of strings, a subscription's.
    for expected in [
        "alarmThresholdRemove.metric",
        "telemetryReport.readings[0].metric",
        "eventReport.photos[0]",
        "alarmEvents.after",
    ]:
        assert expected in where, where
    assert len(STRINGS) > 60 and len(IDS) > 80, (len(STRINGS), len(IDS))


def test_a_string_stored_in_a_column_is_as_long_as_the_column() -> None:
    [metric] = [case for case in STRINGS if str(case) == "alarmThresholdRemove.metric"]
    column = AlarmThreshold._meta.fields_map["metric"]
    assert isinstance(column, fields.CharField)
    assert _limit(metric) == column.max_length == 30


@strawberry.type
class _Undeclared:
    @strawberry.field(description="Takes a string of no declared length")  # type: ignore[untyped-decorator]
    def echo(self, text: str) -> str:
        return text


@strawberry.input(description="Holds a string of no declared length")
class _Inner:
    text: str = strawberry.field(description="Of no declared length")


@strawberry.type
class _UndeclaredInside:
    @strawberry.field(description="Takes it inside a list of inputs")  # type: ignore[untyped-decorator]
    def echo(self, items: list[_Inner]) -> str:
        return ""


@strawberry.type
class _Declared:
    @strawberry.field(description="Takes a string of a declared length")  # type: ignore[untyped-decorator]
    def echo(self, text: Annotated[str, strawberry.argument(metadata=at_most(5, "a test"))]) -> str:
        return text


@pytest.mark.parametrize(
    ("root", "refusal"),
    [(_Undeclared, r"Undeclared\.echo\(text:\)"), (_UndeclaredInside, r"Inner\.text")],
    ids=["argument", "input field in a list"],
)
def test_a_string_of_no_declared_length_fails_the_build(root: type, refusal: str) -> None:
    with pytest.raises(TypeError, match=refusal + " takes a String of no declared length"):
        build_schema(query=root, mutation=None, subscription=None, production=False)  # type: ignore[arg-type]
    build_schema(query=_Declared, mutation=None, subscription=None, production=False)  # type: ignore[arg-type]


@pytest.fixture
async def admin(server: RunningServer) -> Person:
    return await make_staff(Role.PLATFORM_ADMIN, None, name="Admin")


@pytest.fixture
async def admin_token(server: RunningServer, admin: Person) -> str:
    return await token_for(server.issuer, admin)


async def _rows() -> dict[str, int]:
    return {model.__name__: await model.all().count() for model in _TABLES}


@pytest.fixture
async def nothing_written(admin_token: str) -> AsyncIterator[None]:
    """The test's requests write no row (the admin and their session exist before) and log no ERROR."""
    before = await _rows()
    with errors_logged() as logged:
        yield
    assert await _rows() == before
    assert not logged, [record.getMessage() for record in logged]


def _first_error(result: dict[str, Any]) -> dict[str, Any]:
    errors = result.get("errors") or [{"message": "no error", "extensions": {}}]
    return {**(errors[0].get("extensions") or {}), "message": errors[0]["message"]}


async def _each(cases: list[Taken], check: Callable[[Taken], Awaitable[str | None]]) -> list[str]:
    """What went wrong, case by case: many cases at a time over the one server."""
    problems: list[str] = []
    for start in range(0, len(cases), 16):
        found = await asyncio.gather(*(check(case) for case in cases[start : start + 16]))
        problems += [
            f"{case}: {problem}" for case, problem in zip(cases[start : start + 16], found, strict=True) if problem
        ]
    return problems


BAD_STRINGS: dict[str, Callable[[Taken], tuple[str, dict[str, Any] | None]]] = {
    "too long": lambda case: as_variable(case, "x" * (_limit(case) + 1)),
    "NUL": lambda case: as_variable(case, NUL),
    "lone surrogate": lambda case: as_variable(case, SURROGATE),
    # Written in the document, a NUL is GraphQL's "\u0000".
    "NUL in the document": lambda case: (as_literal(case, NUL), None),
}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("bad", BAD_STRINGS)
async def test_a_bad_string_is_invalid_input_naming_its_place(api: Api, admin_token: str, bad: str) -> None:
    async def check(case: Taken) -> str | None:
        refused = _first_error(await api(*BAD_STRINGS[bad](case), token=admin_token))
        right = (refused.get("code"), refused.get("field")) == ("INVALID_INPUT", case.where)
        return None if right and case.where in refused["message"] else str(refused)

    assert not await _each(STRINGS, check)


async def test_a_string_as_long_as_its_column_passes_the_check(api: Api, admin_token: str) -> None:
    """The bound is the column's own, not one less: whatever else is refused, the length is not,
    and nothing fails unexpectedly (these requests do reach the resolvers, as the platform admin)."""
    problems = []
    with errors_logged() as logged:
        for case in STRINGS:  # one at a time: some of them write
            result = await api(*as_variable(case, "x" * _limit(case)), token=admin_token)
            for error in result.get("errors") or []:
                if (error.get("extensions") or {}).get("code") == "INTERNAL" or "longer than" in error["message"]:
                    problems.append(f"{case}: {error}")
    assert not problems
    assert not logged, [record.getMessage() for record in logged]


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("spelling", NOT_ASCII_DIGITS)
async def test_an_id_not_in_ascii_digits_is_invalid_input(api: Api, admin_token: str, spelling: str) -> None:
    async def check(case: Taken) -> str | None:
        refused = _first_error(await api(*as_variable(case, spelling), token=admin_token))
        right = refused.get("code") == "INVALID_INPUT" and refused.get("field", "").endswith(case.leaf)
        return None if right else str(refused)

    assert not await _each(IDS, check)


async def _live_refusal(session: AsyncClientSession, document: str, variables: dict[str, Any] | None) -> dict[str, Any]:
    try:
        messages = await take(session, GraphQLRequest(document, variable_values=variables), 1)
    except TransportQueryError as refused:
        assert refused.errors, refused
        return {**(refused.errors[0].get("extensions") or {}), "message": refused.errors[0]["message"]}
    return {"message": f"subscribed: {messages}"}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("bad", BAD_STRINGS)
async def test_a_bad_string_refuses_the_subscription(server: RunningServer, admin_token: str, bad: str) -> None:
    problems = []
    async with socket_at(server.ws_url, admin_token) as session:
        for case in LIVE_STRINGS:
            refused = await _live_refusal(session, *BAD_STRINGS[bad](case))
            if (refused.get("code"), refused.get("field")) != ("INVALID_INPUT", case.where):
                problems.append(f"{case}: {refused}")
    assert not problems


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("spelling", NOT_ASCII_DIGITS)
async def test_an_id_not_in_ascii_digits_refuses_the_subscription(
    server: RunningServer, admin_token: str, spelling: str
) -> None:
    problems = []
    async with socket_at(server.ws_url, admin_token) as session:
        for case in LIVE_IDS:
            refused = await _live_refusal(session, *as_variable(case, spelling))
            if refused.get("code") != "INVALID_INPUT" or not refused.get("field", "").endswith(case.leaf):
                problems.append(f"{case}: {refused}")
    assert not problems


SET = """mutation S($c: ID!) { alarmThresholdSet(input: {communityId: $c, deviceType: SMOKE_DETECTOR,
  metric: "smoke", severity: CRITICAL, above: 5}) { metric } }"""
REMOVE = """mutation R($c: ID!, $m: String!) {
  alarmThresholdRemove(communityId: $c, deviceType: SMOKE_DETECTOR, metric: $m) { metric } }"""


@pytest.mark.parametrize("metric", ["s" * 31, "smo\x00ke", "smoke\ud800"], ids=["31 characters", "NUL", "surrogate"])
async def test_removing_a_threshold_by_a_metric_no_column_holds_is_invalid_input(
    api: Api, world: World, metric: str
) -> None:
    """The issue's case, on a community that has a threshold: the lookup never reaches the database."""
    assert not (await api(SET, {"c": str(world.a.id)}, as_=world.operator_a)).get("errors")
    with errors_logged() as logged:
        result = await api(REMOVE, {"c": str(world.a.id), "m": metric}, as_=world.operator_a)
    refused = _first_error(result)
    assert (refused.get("code"), refused.get("field")) == ("INVALID_INPUT", "metric"), refused
    assert not logged, [record.getMessage() for record in logged]
    assert await AlarmThreshold.filter(community_id=world.a.id, metric="smoke").exists()

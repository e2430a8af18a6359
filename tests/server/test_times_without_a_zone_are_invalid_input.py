"""A DateTime without a time zone ("2026-01-01T00:00:00") is the client's mistake wherever the
schema takes one, argument or input field, as a variable or written in the document: a typed
INVALID_INPUT that says what is missing, never INTERNAL. The cases come from the built schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    get_named_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities import ast_from_value

from resolvers.root import build_schema
from tests.support import Api, World

NAIVE = "2026-01-01T00:00:00"
SCHEMA = build_schema(production=False)._schema


def _paths_to_datetime(type_: GraphQLInputType, seen: frozenset[str] = frozenset()) -> list[list[str]]:
    """The paths of input fields, from ``type_`` down, that end at a DateTime."""
    named: GraphQLNamedType = get_named_type(type_)
    if named.name == "DateTime":
        return [[]]
    if not is_input_object_type(named) or named.name in seen:
        return []
    assert isinstance(named, GraphQLInputObjectType)
    return [
        [name, *rest]
        for name, field in named.fields.items()
        for rest in _paths_to_datetime(field.type, seen | {named.name})
    ]


def _cases() -> list[tuple[str, str, GraphQLField, str, list[str]]]:
    """(operation, field name, field, argument, path inside it) for every DateTime taken."""
    cases = []
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert isinstance(root, GraphQLObjectType)
        for name, field in root.fields.items():
            for argument, arg in field.args.items():
                for path in _paths_to_datetime(arg.type):
                    cases.append((operation, name, field, argument, path))
    return cases


CASES = _cases()


def test_the_schema_takes_datetimes_where_the_issue_says() -> None:
    taken = {(name, argument, ".".join(path)) for _, name, _, argument, path in CASES}
    assert ("eventStatistics", "since", "") in taken
    assert ("eventStatistics", "until", "") in taken
    assert len(CASES) >= 2, taken
    # A reading's recordedAt is no DateTime: its zone is checked with the reading's other values and
    # refuses that reading alone (tests/devices/test_telemetry.py).
    reading = SCHEMA.get_type("ReadingInput")
    assert isinstance(reading, GraphQLInputObjectType)
    assert str(reading.fields["recordedAt"].type) == "ReadingTime"
    # Subscriptions (over the WebSocket only) take none; one that did would need its own case here.
    subscription = SCHEMA.subscription_type
    assert subscription is not None
    assert not [
        name
        for name, field in subscription.fields.items()
        for arg in field.args.values()
        if _paths_to_datetime(arg.type)
    ]


def _sample(type_: GraphQLInputType, path: list[str] | None = None) -> Any:
    """A value of ``type_``: every required field filled, a DateTime with its zone; along
    ``path`` (if given), down to the naive DateTime at its end."""
    if is_non_null_type(type_):
        return _sample(type_.of_type, path)
    if is_list_type(type_):
        return [_sample(type_.of_type, path)]
    named = get_named_type(type_)
    if named.name == "DateTime":
        return datetime(2026, 1, 1) if path is not None else datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(named, GraphQLInputObjectType):
        value = {
            name: _sample(field.type)
            for name, field in named.fields.items()
            if is_non_null_type(field.type) and field.default_value is Undefined
        }
        if path:
            value[path[0]] = _sample(named.fields[path[0]].type, path[1:])
        return value
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values.values())).value
    return {"ID": "1", "String": "x", "Int": 1, "Float": 1.0, "Boolean": True}.get(named.name, "x")


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _selection(field: GraphQLField) -> str:
    return " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType | GraphQLInterfaceType) else ""


def _documents(operation: str, name: str, field: GraphQLField, argument: str, path: list[str]) -> list[tuple[str, Any]]:
    """The naive time as a variable, and written in the document; the other required arguments
    filled, so that the document is valid but for it."""
    others = {
        arg_name: _sample(arg.type)
        for arg_name, arg in field.args.items()
        if arg_name != argument and is_non_null_type(arg.type) and arg.default_value is Undefined
    }
    naive = _sample(field.args[argument].type, path)
    literals = ", ".join(
        f"{arg_name}: {print_ast(ast_from_value(value, field.args[arg_name].type))}"  # type: ignore[arg-type]
        for arg_name, value in {**others, argument: naive}.items()
    )
    variables = {f"a_{arg_name}": value for arg_name, value in others.items()}
    declared = ", ".join(f"${var}: {field.args[var[2:]].type}" for var in variables)
    passed = ", ".join(f"{var[2:]}: ${var}" for var in variables)
    as_variable = (
        f"{operation} Q($v: {field.args[argument].type}{', ' + declared if declared else ''}) "
        f"{{ {name}({argument}: $v{', ' + passed if passed else ''}){_selection(field)} }}"
    )
    as_literal = f"{operation} {{ {name}({literals}){_selection(field)} }}"
    return [(as_variable, _json({"v": naive, **variables})), (as_literal, None)]


@pytest.mark.parametrize(
    ("operation", "name", "field", "argument", "path"),
    CASES,
    ids=[f"{name}.{argument}{''.join('.' + p for p in path)}" for _, name, _, argument, path in CASES],
)
async def test_a_naive_datetime_is_invalid_input_naming_the_field(
    api: Api, world: World, operation: str, name: str, field: GraphQLField, argument: str, path: list[str]
) -> None:
    where = path[-1] if path else argument
    for document, variables in _documents(operation, name, field, argument, path):
        result = await api(document, variables, as_=world.operator_a)
        errors = result.get("errors") or []
        codes = [(e.get("extensions") or {}).get("code") for e in errors]
        assert "INTERNAL" not in codes, result
        (naive,) = [e for e in errors if (e.get("extensions") or {}).get("code") == "INVALID_INPUT"]
        assert "needs a time zone" in naive["message"], naive
        assert where in naive["message"] or naive["extensions"].get("field", "").endswith(where), naive


async def test_a_time_with_its_zone_still_works(api: Api, world: World) -> None:
    document = "query Q($c: ID!, $s: DateTime) { eventStatistics(communityId: $c, since: $s) { __typename } }"
    result = await api(document, {"c": str(world.a.id), "s": NAIVE + "+08:00"}, as_=world.operator_a)
    assert "errors" not in result, result
